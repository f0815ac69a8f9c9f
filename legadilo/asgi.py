"""The ASGI entry point for Hypercorn: `hypercorn legadilo.asgi:app` (what `legadilo serve` runs)."""

from legadilo.app import create_app
from legadilo.settings import Settings

app = create_app(Settings.from_env())
