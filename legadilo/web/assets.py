"""Static files: content-hashed names, gzip and brotli variants, served by servestatic.

At start the `static/` folder is copied into `LEGADILO_DATA_DIR/static/<digest>/` with a hash in each
file name and precompressed variants beside it (built once per distinct content, atomically, so
several workers can start together). Hashed files are cached forever (`immutable`); templates link
them through `static_url()`.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import brotli

STATIC_SOURCE = Path(__file__).resolve().parent.parent.parent / "static"
URL_PREFIX = "/static/"
HASHED_NAME_PATTERN = r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$"
_COMPRESSIBLE = frozenset({".css", ".js", ".svg", ".json", ".txt", ".html", ".xml", ".map", ".ico", ".webmanifest"})


@dataclass(frozen=True)
class StaticBuild:
    root: Path
    manifest: dict[str, str]  # "css/app.css" -> "css/app.0123456789ab.css"

    def url(self, name: str) -> str:
        return URL_PREFIX + self.manifest.get(name, name)


def _hashed_name(relative: str, content: bytes) -> str:
    path = PurePosixPath(relative)
    return str(path.with_name(f"{path.stem}.{hashlib.sha256(content).hexdigest()[:12]}{path.suffix}"))


def _source_files(source: Path) -> dict[str, bytes]:
    return {
        path.relative_to(source).as_posix(): path.read_bytes()
        for path in sorted(source.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def _write_variants(target: Path, content: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    if target.suffix in _COMPRESSIBLE and len(content) > 256:
        target.with_name(target.name + ".gz").write_bytes(gzip.compress(content, compresslevel=9, mtime=0))
        target.with_name(target.name + ".br").write_bytes(brotli.compress(content, quality=11))


def build_static(source: Path, destination_root: Path) -> StaticBuild:
    """Build (or reuse) the hashed, compressed copy of `source` under `destination_root`."""
    files = _source_files(source)
    digest = hashlib.sha256()
    for name, content in files.items():
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    manifest = {name: _hashed_name(name, content) for name, content in files.items()}
    final = destination_root / digest.hexdigest()[:16]
    if not final.is_dir():
        destination_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".build-", dir=destination_root))
        for name, content in files.items():
            _write_variants(staging / manifest[name], content)
        try:
            staging.rename(final)
        except OSError:  # another worker finished first: its build is identical
            shutil.rmtree(staging, ignore_errors=True)
    return StaticBuild(root=final, manifest=manifest)


def static_security_headers(headers: Any, path: str, url: str) -> None:
    """Static answers never reach Quart's hooks: give them the headers every response carries, and a
    CSP that neuters scripts inside SVG files opened directly."""
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    if url.endswith(".svg"):
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
