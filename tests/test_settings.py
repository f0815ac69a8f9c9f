"""Tests of `Settings.from_env`: every value is checked at start, a bad one refused with one clear line.

Every call passes an explicit `environ` and `dotenv_path`, and points LEGADILO_DATA_DIR at a temporary
directory, so neither the real environment nor a `.env` file of the working directory can leak in.
"""

from __future__ import annotations

import stat
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from legadilo.core.errors import SettingsError
from legadilo.settings import FetchSettings, Settings

GIB = 1024 * 1024 * 1024
EXPLICIT_KEY = "an-explicit-secret-key-of-more-than-32-characters"

# A value in an environment table is either a string or a function of tmp_path (to build files).
EnvValue = str | Callable[[Path], str]


def make_env(tmp_path: Path, values: Mapping[str, EnvValue] | None = None) -> dict[str, str]:
    """An explicit environment: a temporary data directory plus `values`."""
    env = {"LEGADILO_DATA_DIR": str(tmp_path / "data")}
    for name, value in (values or {}).items():
        env[name] = value(tmp_path) if callable(value) else value
    return env


def load(
    tmp_path: Path,
    values: Mapping[str, EnvValue] | None = None,
    *,
    dotenv_path: Path | None = None,
) -> Settings:
    return Settings.from_env(make_env(tmp_path, values), dotenv_path=dotenv_path)


def assert_refused(
    tmp_path: Path,
    values: Mapping[str, EnvValue],
    *,
    names: str | None,
    fragment: str,
    dotenv_path: Path | None = None,
) -> str:
    """`from_env` raises SettingsError with a single-line message naming `names` and holding `fragment`."""
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, values, dotenv_path=dotenv_path)
    message = str(caught.value)
    assert message == caught.value.message
    assert "\n" not in message and "\r" not in message, f"message spans several lines: {message!r}"
    if names is not None:
        assert names in message, f"{names} not named in {message!r}"
    assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


def write_file(tmp_path: Path, name: str, content: str = "-----BEGIN SOMETHING-----\n") -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


# --- Defaults -------------------------------------------------------------------------------------


@pytest.mark.parametrize("dotenv_name", [None, "missing.env"], ids=["no-dotenv", "absent-dotenv-file"])
def test_defaults_with_an_empty_environment(tmp_path: Path, dotenv_name: str | None) -> None:
    dotenv_path = None if dotenv_name is None else tmp_path / dotenv_name

    settings = load(tmp_path, dotenv_path=dotenv_path)

    assert settings.database_url is None
    assert settings.uses_embedded_database is True
    assert settings.data_dir == (tmp_path / "data").resolve()
    assert settings.data_dir.is_dir()
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.workers == 1
    assert settings.allow_registration is True
    assert settings.allow_private_networks is False
    assert settings.trust_proxy_headers is False
    assert settings.max_upload_bytes == GIB == 1_073_741_824
    assert settings.tls_certfile is None
    assert settings.tls_keyfile is None
    assert settings.tls_enabled is False
    assert settings.log_level == "INFO"
    assert settings.login_max_failures == 5
    assert settings.login_lockout_seconds == 900
    assert settings.fetch == FetchSettings()


def test_blank_values_fall_back_to_defaults(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        {
            "DATABASE_URL": "  ",
            "LEGADILO_HOST": " ",
            "LEGADILO_PORT": "",
            "LEGADILO_WORKERS": "  ",
        },
    )

    assert settings.database_url is None
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.workers == 1


def test_data_dir_is_created_with_its_parents(tmp_path: Path) -> None:
    nested = tmp_path / "one" / "two" / "three"

    settings = load(tmp_path, {"LEGADILO_DATA_DIR": str(nested)})

    assert settings.data_dir == nested.resolve()
    assert nested.is_dir()


def test_explicit_values_are_parsed(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        {
            "LEGADILO_HOST": " 0.0.0.0 ",
            "LEGADILO_PORT": " 8443 ",
            "LEGADILO_WORKERS": "4",
            "LEGADILO_MAX_UPLOAD_BYTES": "2048",
            "LEGADILO_LOG_LEVEL": "debug",
            "LEGADILO_FETCH_TIMEOUT": "12.5",
        },
    )

    assert settings.host == "0.0.0.0"
    assert settings.port == 8443
    assert settings.workers == 4
    assert settings.max_upload_bytes == 2048
    assert settings.log_level == "DEBUG"
    assert settings.fetch.total_timeout == 12.5


# --- Secret key -----------------------------------------------------------------------------------


def test_generated_secret_key_is_kept_in_data_dir_with_mode_0600_and_reused(
    tmp_path: Path,
) -> None:
    first = load(tmp_path)
    key_file = tmp_path / "data" / "secret_key"

    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.secret_key) >= 32
    assert key_file.read_text(encoding="utf-8").strip() == first.secret_key
    # The temporary file used for the atomic write is gone.
    assert sorted(path.name for path in key_file.parent.iterdir()) == ["secret_key"]

    second = load(tmp_path)

    assert second.secret_key == first.secret_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_generated_secret_keys_differ_between_data_dirs(tmp_path: Path) -> None:
    one = load(tmp_path, {"LEGADILO_DATA_DIR": str(tmp_path / "one")})
    two = load(tmp_path, {"LEGADILO_DATA_DIR": str(tmp_path / "two")})

    assert one.secret_key != two.secret_key


def test_an_existing_secret_key_file_is_used(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    stored = "s" * 40
    (data_dir / "secret_key").write_text(stored + "\n", encoding="utf-8")

    assert load(tmp_path).secret_key == stored


@pytest.mark.parametrize("key", [EXPLICIT_KEY, "x" * 32], ids=["long", "exactly-32"])
def test_explicit_secret_key_is_used_as_is(tmp_path: Path, key: str) -> None:
    settings = load(tmp_path, {"LEGADILO_SECRET_KEY": key})

    assert settings.secret_key == key
    assert not (tmp_path / "data" / "secret_key").exists()


def test_a_too_short_secret_key_is_refused(tmp_path: Path) -> None:
    assert_refused(
        tmp_path,
        {"LEGADILO_SECRET_KEY": "x" * 31},
        names="LEGADILO_SECRET_KEY",
        fragment="32",
    )


def test_a_too_short_stored_secret_key_is_refused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "secret_key").write_text("short\n", encoding="utf-8")

    assert_refused(tmp_path, {}, names=None, fragment="secret_key")


# --- DATABASE_URL ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "postgres://legadilo:secret@db.example.org/legadilo",
        "postgresql://db.example.org:5432/legadilo",
        "postgresql://user@localhost/legadilo?sslmode=require",
        "postgresql:///legadilo?host=/var/run/postgresql",
    ],
)
def test_postgres_database_url_is_accepted(tmp_path: Path, url: str) -> None:
    settings = load(tmp_path, {"DATABASE_URL": url})

    assert settings.database_url == url
    assert settings.uses_embedded_database is False


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mysql://user:pw@db.example.org/legadilo", "postgres://"),
        ("sqlite:///legadilo.db", "postgres://"),
        ("db.example.org/legadilo", "postgres://"),
        ("postgres:///legadilo", "no host"),
        ("postgresql://user@:5432/legadilo", "no host"),
        ("postgres://db.example.org", "no database name"),
        ("postgres://db.example.org:5432/", "no database name"),
        ("postgres://db.example.org:port/legadilo", "invalid port"),
        ("postgres://db.example.org:70000/legadilo", "invalid port"),
    ],
    ids=[
        "mysql",
        "sqlite",
        "no-scheme",
        "no-host",
        "empty-host",
        "no-database",
        "no-database-slash",
        "non-numeric-port",
        "port-out-of-range",
    ],
)
def test_bad_database_url_is_refused(tmp_path: Path, url: str, fragment: str) -> None:
    assert_refused(tmp_path, {"DATABASE_URL": url}, names="DATABASE_URL", fragment=fragment)


def test_refused_database_url_does_not_echo_the_password(tmp_path: Path) -> None:
    message = assert_refused(
        tmp_path,
        {"DATABASE_URL": "//legadilo:hunter2@db.example.org/legadilo"},
        names="DATABASE_URL",
        fragment="",
    )

    assert "hunter2" not in message


# --- Booleans -------------------------------------------------------------------------------------

BOOLEAN_OPTIONS = {
    "LEGADILO_ALLOW_REGISTRATION": "allow_registration",
    "LEGADILO_ALLOW_PRIVATE_NETWORKS": "allow_private_networks",
    "LEGADILO_TRUST_PROXY_HEADERS": "trust_proxy_headers",
}


@pytest.mark.parametrize("name", list(BOOLEAN_OPTIONS))
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("0", False),
        ("true", True),
        ("false", False),
        ("yes", True),
        ("no", False),
        ("on", True),
        ("off", False),
        ("TRUE", True),
        ("False", False),
        ("Yes", True),
        ("NO", False),
        ("oN", True),
        ("OFF", False),
        (" on ", True),
    ],
)
def test_boolean_values(tmp_path: Path, name: str, raw: str, expected: bool) -> None:
    settings = load(tmp_path, {name: raw})

    assert getattr(settings, BOOLEAN_OPTIONS[name]) is expected


@pytest.mark.parametrize("name", list(BOOLEAN_OPTIONS))
@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled", "truee", "-1"])
def test_bad_boolean_is_refused(tmp_path: Path, name: str, raw: str) -> None:
    assert_refused(tmp_path, {name: raw}, names=name, fragment=repr(raw))


# --- Numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("65535", 65535), ("8080", 8080), ("8_080", 8080)])
def test_port_is_accepted(tmp_path: Path, raw: str, expected: int) -> None:
    assert load(tmp_path, {"LEGADILO_PORT": raw}).port == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("0", "between 1 and 65535"),
        ("65536", "between 1 and 65535"),
        ("-80", "between 1 and 65535"),
        ("eighty", "whole number"),
        ("80.5", "whole number"),
        ("0x50", "whole number"),
    ],
)
def test_bad_port_is_refused(tmp_path: Path, raw: str, fragment: str) -> None:
    assert_refused(tmp_path, {"LEGADILO_PORT": raw}, names="LEGADILO_PORT", fragment=fragment)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("0", "between 1 and 64"),
        ("-2", "between 1 and 64"),
        ("65", "between 1 and 64"),
        ("many", "whole number"),
    ],
)
def test_bad_workers_is_refused(tmp_path: Path, raw: str, fragment: str) -> None:
    assert_refused(tmp_path, {"LEGADILO_WORKERS": raw}, names="LEGADILO_WORKERS", fragment=fragment)


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("LEGADILO_MAX_UPLOAD_BYTES", "1023"),
        ("LEGADILO_LOGIN_MAX_FAILURES", "0"),
        ("LEGADILO_LOGIN_LOCKOUT_SECONDS", "forever"),
        ("LEGADILO_LOG_LEVEL", "verbose"),
        ("LEGADILO_FETCH_CONNECT_TIMEOUT", "0"),
        ("LEGADILO_FETCH_TIMEOUT", "nan"),
        ("LEGADILO_FETCH_MAX_BYTES", "1k"),
        ("LEGADILO_FETCH_CONCURRENCY", "0"),
        ("LEGADILO_FETCH_PER_HOST", "101"),
    ],
)
def test_other_bad_values_are_refused(tmp_path: Path, name: str, raw: str) -> None:
    assert_refused(tmp_path, {name: raw}, names=name, fragment="invalid")


# --- Unknown options ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typo",
    [
        "LEGADILO_ALLOW_REGISTRATON",
        "LEGADILO_PROT",
        "LEGADILO_DATABASE_URL",
        "LEGADILO_",
    ],
)
def test_unknown_option_is_refused_and_named(tmp_path: Path, typo: str) -> None:
    assert_refused(tmp_path, {typo: "false"}, names=typo, fragment="unknown option")


def test_unknown_option_in_dotenv_is_refused(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("LEGADILO_ALLOW_REGISTRATON=false\n", encoding="utf-8")

    assert_refused(
        tmp_path,
        {},
        names="LEGADILO_ALLOW_REGISTRATON",
        fragment="unknown option",
        dotenv_path=dotenv,
    )


def test_test_database_url_and_foreign_variables_are_tolerated(tmp_path: Path) -> None:
    settings = load(
        tmp_path,
        {
            "LEGADILO_TEST_DATABASE_URL": "postgres://localhost/legadilo_test",
            "PATH": "/usr/bin",
            "HOME": "/nowhere",
            "OTHER_APP_PORT": "not a port",
        },
    )

    # LEGADILO_TEST_DATABASE_URL is not a setting: it does not become the database URL.
    assert settings.database_url is None
    assert settings.port == 8000


def test_readable_files_that_are_not_a_certificate_and_key_are_refused(tmp_path: Path) -> None:
    _, key = self_signed(tmp_path)
    (tmp_path / "other").mkdir()
    other_cert, _ = self_signed(tmp_path / "other")  # a certificate that does not match the key
    garbage = write_file(tmp_path, "garbage.pem")

    assert_refused(tmp_path, {"LEGADILO_TLS_CERTFILE": garbage, "LEGADILO_TLS_KEYFILE": key},
                   names="LEGADILO_TLS_CERTFILE", fragment="not a valid certificate and key pair")  # fmt: skip
    assert_refused(tmp_path, {"LEGADILO_TLS_CERTFILE": other_cert, "LEGADILO_TLS_KEYFILE": key},
                   names="LEGADILO_TLS_CERTFILE", fragment="not a valid certificate and key pair")  # fmt: skip


# --- TLS ------------------------------------------------------------------------------------------


def self_signed(tmp_path: Path) -> tuple[str, str]:
    cert, key = tmp_path / "real-cert.pem", tmp_path / "real-key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
    subprocess.run([*command, "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return str(cert), str(key)


def test_tls_with_a_valid_certificate_and_key_is_enabled(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)

    settings = load(tmp_path, {"LEGADILO_TLS_CERTFILE": cert, "LEGADILO_TLS_KEYFILE": key})

    assert settings.tls_enabled is True
    assert settings.tls_certfile == Path(cert)
    assert settings.tls_keyfile == Path(key)


@pytest.mark.parametrize(
    ("values", "names", "fragment"),
    [
        (
            {"LEGADILO_TLS_CERTFILE": lambda tmp: write_file(tmp, "cert.pem")},
            "LEGADILO_TLS_KEYFILE",
            "together",
        ),
        (
            {"LEGADILO_TLS_KEYFILE": lambda tmp: write_file(tmp, "key.pem")},
            "LEGADILO_TLS_CERTFILE",
            "together",
        ),
        (
            {
                "LEGADILO_TLS_CERTFILE": lambda tmp: write_file(tmp, "cert.pem"),
                "LEGADILO_TLS_KEYFILE": "  ",
            },
            "LEGADILO_TLS_KEYFILE",
            "together",
        ),
        (
            {
                "LEGADILO_TLS_CERTFILE": lambda tmp: str(tmp / "missing-cert.pem"),
                "LEGADILO_TLS_KEYFILE": lambda tmp: write_file(tmp, "key.pem"),
            },
            "LEGADILO_TLS_CERTFILE",
            "cannot be read",
        ),
        (
            {
                "LEGADILO_TLS_CERTFILE": lambda tmp: write_file(tmp, "cert.pem"),
                "LEGADILO_TLS_KEYFILE": lambda tmp: str(tmp / "missing-key.pem"),
            },
            "LEGADILO_TLS_KEYFILE",
            "cannot be read",
        ),
        (
            {
                "LEGADILO_TLS_CERTFILE": str,
                "LEGADILO_TLS_KEYFILE": lambda tmp: write_file(tmp, "key.pem"),
            },
            "LEGADILO_TLS_CERTFILE",
            "cannot be read",
        ),
    ],
    ids=[
        "cert-without-key",
        "key-without-cert",
        "blank-key",
        "missing-cert",
        "missing-key",
        "cert-is-directory",
    ],
)
def test_bad_tls_is_refused(tmp_path: Path, values: dict[str, EnvValue], names: str, fragment: str) -> None:
    assert_refused(tmp_path, values, names=names, fragment=fragment)


# --- .env file ------------------------------------------------------------------------------------


def test_dotenv_file_is_read_and_the_real_environ_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# comment line\n"
        "LEGADILO_PORT=9001\n"
        "LEGADILO_HOST='0.0.0.0'\n"
        'DATABASE_URL="postgres://db.example.org/from_dotenv"\n'
        "LEGADILO_ALLOW_REGISTRATION=off\n",
        encoding="utf-8",
    )

    settings = load(
        tmp_path,
        {"LEGADILO_PORT": "9002", "LEGADILO_ALLOW_REGISTRATION": "yes"},
        dotenv_path=dotenv,
    )

    assert settings.port == 9002
    assert settings.allow_registration is True
    assert settings.host == "0.0.0.0"
    assert settings.database_url == "postgres://db.example.org/from_dotenv"


def test_bad_value_in_dotenv_is_refused(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("LEGADILO_WORKERS=0\n", encoding="utf-8")

    assert_refused(
        tmp_path,
        {},
        names="LEGADILO_WORKERS",
        fragment="between 1 and 64",
        dotenv_path=dotenv,
    )


def test_real_environ_overrides_a_bad_dotenv_value(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("LEGADILO_WORKERS=0\n", encoding="utf-8")

    assert load(tmp_path, {"LEGADILO_WORKERS": "3"}, dotenv_path=dotenv).workers == 3


def test_undecodable_dotenv_is_refused(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_bytes(b"LEGADILO_PORT=\xff\xfe\n")

    assert_refused(
        tmp_path, {}, names=None, fragment=f"cannot read {str(dotenv)!r}: it is not valid UTF-8", dotenv_path=dotenv
    )


def test_dotenv_interpolation_does_not_read_the_real_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an explicit `environ`, the process environment must not leak in through `${VAR}` in `.env`."""
    monkeypatch.setenv("SETTINGS_TEST_LEAKED_HOST", "198.51.100.7")
    dotenv = tmp_path / ".env"
    dotenv.write_text("LEGADILO_HOST=${SETTINGS_TEST_LEAKED_HOST}\n", encoding="utf-8")

    settings = load(tmp_path, {"SETTINGS_TEST_LEAKED_HOST": "192.0.2.1"}, dotenv_path=dotenv)

    assert settings.host != "198.51.100.7"


# --- Data directory -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data_dir",
    [
        lambda tmp: write_file(tmp, "regular-file") + "/data",
        lambda tmp: write_file(tmp, "regular-file"),
    ],
    ids=["under-a-regular-file", "is-a-regular-file"],
)
def test_data_dir_that_cannot_be_created_is_refused(tmp_path: Path, data_dir: Callable[[Path], str]) -> None:
    assert_refused(
        tmp_path,
        {"LEGADILO_DATA_DIR": data_dir},
        names="LEGADILO_DATA_DIR",
        fragment="cannot be created",
    )


# --- One line per error ---------------------------------------------------------------------------


def test_error_message_with_a_newline_in_a_path_stays_on_one_line(
    tmp_path: Path,
) -> None:
    """DomainError promises one line; a path holding a newline must not break that."""
    data_dir = tmp_path / "odd\nname"
    data_dir.mkdir()
    (data_dir / "secret_key").write_text("short\n", encoding="utf-8")

    assert_refused(
        tmp_path,
        {"LEGADILO_DATA_DIR": str(data_dir)},
        names=None,
        fragment="secret_key",
    )


def test_refused_value_with_a_newline_is_reported_on_one_line(tmp_path: Path) -> None:
    assert_refused(
        tmp_path,
        {"LEGADILO_PORT": "80\n81"},
        names="LEGADILO_PORT",
        fragment="whole number",
    )
