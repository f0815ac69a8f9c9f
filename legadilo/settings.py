"""Settings, built once from the environment (and a `.env` file when present).

Every value is checked here, at start: a bad one raises `SettingsError` with one clear line, which the
CLI turns into exit code 1. Nothing else in the code base reads the environment.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qs, urlsplit

from dotenv import dotenv_values

from legadilo.core.errors import SettingsError

T = TypeVar("T")

PREFIX = "LEGADILO_"
# Read by the test suite only; listed so that it is not reported as an unknown option.
_NOT_SETTINGS = frozenset({"LEGADILO_TEST_DATABASE_URL"})
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_MIB = 1024 * 1024


@dataclass(frozen=True)
class FetchSettings:
    """Limits of the outbound HTTP client (feeds, pages)."""

    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_body_bytes: int = 15 * _MIB
    max_redirects: int = 5
    concurrency: int = 20
    per_host: int = 2


@dataclass(frozen=True)
class Settings:
    database_url: str | None = field(repr=False)  # may hold a password
    data_dir: Path
    secret_key: str = field(repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    tls_certfile: Path | None = None
    tls_keyfile: Path | None = None
    allow_registration: bool = True
    allow_private_networks: bool = False
    trust_proxy_headers: bool = False
    max_upload_bytes: int = 1024 * _MIB
    login_max_failures: int = 5
    login_lockout_seconds: int = 900
    log_level: str = "INFO"
    fetch: FetchSettings = FetchSettings()

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def tls_enabled(self) -> bool:
        return self.tls_certfile is not None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, dotenv_path: Path | None = Path(".env")) -> Settings:
        """Build the settings from `environ` (default: the process environment) over a `.env` file.

        Raises:
            SettingsError: a value is malformed, unknown or unusable.
        """
        env = _merged_environment(os.environ if environ is None else environ, dotenv_path)
        _refuse_unknown_options(env)
        data_dir = _data_dir(env.get("LEGADILO_DATA_DIR", "").strip() or "./data")
        certfile = _readable_file(env, "LEGADILO_TLS_CERTFILE")
        keyfile = _readable_file(env, "LEGADILO_TLS_KEYFILE")
        if (certfile is None) != (keyfile is None):
            raise SettingsError("LEGADILO_TLS_CERTFILE and LEGADILO_TLS_KEYFILE must be given together")
        if certfile is not None and keyfile is not None:
            _check_certificate(certfile, keyfile)
        return cls(
            database_url=_database_url(env.get("DATABASE_URL")),
            data_dir=data_dir,
            secret_key=_secret_key(env.get("LEGADILO_SECRET_KEY"), data_dir),
            host=env.get("LEGADILO_HOST", "127.0.0.1").strip() or "127.0.0.1",
            port=_parse(env, "LEGADILO_PORT", 8000, _int_between(1, 65535)),
            workers=_parse(env, "LEGADILO_WORKERS", 1, _int_between(1, 64)),
            tls_certfile=certfile,
            tls_keyfile=keyfile,
            allow_registration=_parse(env, "LEGADILO_ALLOW_REGISTRATION", True, _boolean),
            allow_private_networks=_parse(env, "LEGADILO_ALLOW_PRIVATE_NETWORKS", False, _boolean),
            trust_proxy_headers=_parse(env, "LEGADILO_TRUST_PROXY_HEADERS", False, _boolean),
            max_upload_bytes=_parse(env, "LEGADILO_MAX_UPLOAD_BYTES", 1024 * _MIB, _int_between(1024, 2**50)),
            login_max_failures=_parse(env, "LEGADILO_LOGIN_MAX_FAILURES", 5, _int_between(1, 1000)),
            login_lockout_seconds=_parse(env, "LEGADILO_LOGIN_LOCKOUT_SECONDS", 900, _int_between(1, 86400 * 30)),
            log_level=_parse(env, "LEGADILO_LOG_LEVEL", "INFO", _log_level),
            fetch=FetchSettings(
                connect_timeout=_parse(env, "LEGADILO_FETCH_CONNECT_TIMEOUT", 10.0, _float_between(0.1, 600)),
                total_timeout=_parse(env, "LEGADILO_FETCH_TIMEOUT", 30.0, _float_between(0.1, 3600)),
                max_body_bytes=_parse(env, "LEGADILO_FETCH_MAX_BYTES", 15 * _MIB, _int_between(1024, 2**31)),
                concurrency=_parse(env, "LEGADILO_FETCH_CONCURRENCY", 20, _int_between(1, 1000)),
                per_host=_parse(env, "LEGADILO_FETCH_PER_HOST", 2, _int_between(1, 100)),
            ),
        )


KNOWN_OPTIONS = frozenset(
    {
        "LEGADILO_DATA_DIR",
        "LEGADILO_SECRET_KEY",
        "LEGADILO_HOST",
        "LEGADILO_PORT",
        "LEGADILO_WORKERS",
        "LEGADILO_TLS_CERTFILE",
        "LEGADILO_TLS_KEYFILE",
        "LEGADILO_ALLOW_REGISTRATION",
        "LEGADILO_ALLOW_PRIVATE_NETWORKS",
        "LEGADILO_TRUST_PROXY_HEADERS",
        "LEGADILO_MAX_UPLOAD_BYTES",
        "LEGADILO_LOGIN_MAX_FAILURES",
        "LEGADILO_LOGIN_LOCKOUT_SECONDS",
        "LEGADILO_LOG_LEVEL",
        "LEGADILO_FETCH_CONNECT_TIMEOUT",
        "LEGADILO_FETCH_TIMEOUT",
        "LEGADILO_FETCH_MAX_BYTES",
        "LEGADILO_FETCH_CONCURRENCY",
        "LEGADILO_FETCH_PER_HOST",
    }
)


def _merged_environment(environ: Mapping[str, str], dotenv_path: Path | None) -> dict[str, str]:
    """The real environment wins over the `.env` file."""
    merged: dict[str, str] = {}
    if dotenv_path is not None and dotenv_path.is_file():
        try:
            values = dotenv_values(dotenv_path, interpolate=False)
        except UnicodeDecodeError:
            raise SettingsError(f"cannot read {str(dotenv_path)!r}: it is not valid UTF-8") from None
        except OSError as exc:
            raise SettingsError(f"cannot read {str(dotenv_path)!r}: {exc.strerror}") from None
        merged.update({key: value for key, value in values.items() if value is not None})
    merged.update(environ)
    return merged


def _refuse_unknown_options(env: Mapping[str, str]) -> None:
    unknown = sorted(
        name for name in env if name.startswith(PREFIX) and name not in KNOWN_OPTIONS and name not in _NOT_SETTINGS
    )
    if unknown:
        raise SettingsError(f"unknown option {unknown[0]} (known: see README, section Configuration)")


def _parse(env: Mapping[str, str], name: str, default: T, convert: Callable[[str], T]) -> T:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return convert(raw.strip())
    except ValueError as exc:
        raise SettingsError(f"{name}={raw!r} is invalid: {exc}") from None


def _boolean(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("expected one of 1, 0, true, false, yes, no, on, off")


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def convert(raw: str) -> int:
        try:
            value = int(raw.replace("_", ""))
        except ValueError:
            raise ValueError("expected a whole number") from None
        if not low <= value <= high:
            raise ValueError(f"expected a number between {low} and {high}")
        return value

    return convert


def _float_between(low: float, high: float) -> Callable[[str], float]:
    def convert(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise ValueError("expected a number of seconds") from None
        if not low <= value <= high:
            raise ValueError(f"expected a number between {low} and {high}")
        return value

    return convert


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ValueError("expected DEBUG, INFO, WARNING, ERROR or CRITICAL")
    return level


def _database_url(raw: str | None) -> str | None:
    if raw is None or raw.strip() == "":
        return None
    url = raw.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        got = f"the scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        raise SettingsError(f"DATABASE_URL must start with postgres:// or postgresql:// (it has {got})")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
        int(parse_qs(parts.query).get("port", ["5432"])[0])
    except ValueError:
        raise SettingsError("DATABASE_URL has an invalid port") from None
    if not parts.hostname and "host=" not in parts.query:
        raise SettingsError("DATABASE_URL has no host")
    if parts.path.strip("/") == "":
        raise SettingsError("DATABASE_URL has no database name")
    return url


def _data_dir(raw: str) -> Path:
    path = Path(raw).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SettingsError(f"LEGADILO_DATA_DIR={raw!r} cannot be created: {exc.strerror}") from None
    if not os.access(path, os.W_OK):
        raise SettingsError(f"LEGADILO_DATA_DIR={raw!r} is not writable")
    return path


def _readable_file(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise SettingsError(f"{name}={raw!r} cannot be read: {exc.strerror}") from None
    return path


def _check_certificate(certfile: Path, keyfile: Path) -> None:
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except (ssl.SSLError, OSError) as exc:
        reason = str(exc.args[-1] if exc.args else exc).splitlines()[0][:120]
        raise SettingsError(
            f"LEGADILO_TLS_CERTFILE and LEGADILO_TLS_KEYFILE are not a valid certificate and key pair ({reason})"
        ) from None


def _secret_key(raw: str | None, data_dir: Path) -> str:
    if raw is not None and raw.strip():
        if len(raw.strip()) < 32:
            raise SettingsError("LEGADILO_SECRET_KEY must be at least 32 characters long")
        return raw.strip()
    key_file = data_dir / "secret_key"
    try:
        if not key_file.is_file():
            _write_new_secret(key_file)
        stored = key_file.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SettingsError(f"cannot keep the generated secret key in {str(key_file)!r}: {exc.strerror}") from None
    if len(stored) < 32:
        raise SettingsError(f"{str(key_file)!r} holds a secret key shorter than 32 characters: delete it to regenerate")
    return stored


def _write_new_secret(key_file: Path) -> None:
    """Write a fresh key atomically; when two processes race, the first link wins and both read it."""
    temporary = key_file.with_name(f".{key_file.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temporary, key_file)
    finally:
        temporary.unlink(missing_ok=True)
