"""The CLI contract: exit 0 on success, exit 1 with one line on stderr (no traceback) on a user error."""

from __future__ import annotations

import dataclasses
import json

from legadilo.accounts.models import User
from legadilo.db import DatabaseTarget
from legadilo.reading.models import ReadingList
from legadilo.signup.services import register_user
from tests.cli.conftest import Cli, database_url
from tests.conftest import TEST_PASSWORD


def assert_one_line_error(result: object, fragment: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    stderr = result.stderr.strip()  # type: ignore[attr-defined]
    assert "Traceback" not in stderr
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("error: ")
    assert fragment in stderr


async def test_users_create_with_password_on_stdin_creates_the_account_and_its_lists(cli: Cli) -> None:
    result = cli("users", "create", "Carol@Example.org", "--password-stdin", "--admin", stdin=TEST_PASSWORD + "\n")

    assert result.returncode == 0, result.stderr
    assert "created user carol@example.org" in result.stdout
    user = await User.get(email="carol@example.org")
    assert user.is_admin
    assert await ReadingList.filter(user_id=user.id, is_default=True).count() == 1


async def test_users_create_refuses_a_duplicate_email_whatever_its_case(cli: Cli) -> None:
    await register_user("carol@example.org", TEST_PASSWORD)

    result = cli("users", "create", "CAROL@example.org", "--password-stdin", stdin=TEST_PASSWORD + "\n")

    assert_one_line_error(result, "already exists")
    assert await User.all().count() == 1


async def test_users_create_refuses_bad_input(cli: Cli) -> None:
    assert_one_line_error(cli("users", "create", "nope", "--password-stdin", stdin="x" * 10 + "\n"), "valid email")
    assert_one_line_error(cli("users", "create", "a@example.org", "--password-stdin", stdin="short\n"), "at least 8")
    assert_one_line_error(cli("users", "create", "a@example.org", "--password-stdin"), "no password")
    assert_one_line_error(cli("users", "create", "a@example.org"), "--password-stdin")
    assert await User.all().count() == 0


async def test_users_list_json(cli: Cli) -> None:
    await register_user("zed@example.org", TEST_PASSWORD, is_admin=True)
    await register_user("amy@example.org", TEST_PASSWORD)

    result = cli("users", "list", "--json")

    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(row["email"], row["is_admin"]) for row in rows] == [("zed@example.org", True), ("amy@example.org", False)]
    table = cli("users", "list")
    assert "zed@example.org" in table.stdout


async def test_set_password_and_delete(cli: Cli) -> None:
    user = await register_user("dan@example.org", TEST_PASSWORD)

    changed = cli("users", "set-password", "DAN@example.org", "--password-stdin", stdin="new password 123\n")
    assert changed.returncode == 0, changed.stderr
    assert (await User.get(id=user.id)).session_epoch == user.session_epoch + 1

    assert_one_line_error(cli("users", "delete", "ghost@example.org", "--yes"), "no user")
    refused = cli("users", "delete", "dan@example.org")  # no terminal to confirm: nothing deleted
    assert refused.returncode == 1
    assert await User.filter(id=user.id).exists()
    deleted = cli("users", "delete", "dan@example.org", "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert not await User.filter(id=user.id).exists()


async def test_db_heads_and_history_on_the_migrated_database(cli: Cli) -> None:
    heads = cli("db", "heads")
    history = cli("db", "history")
    upgrade = cli("db", "upgrade")

    assert heads.returncode == history.returncode == upgrade.returncode == 0
    assert "no pending migration" in heads.stdout
    assert "_init.py" in history.stdout.splitlines()[0]
    assert "up to date" in upgrade.stdout


async def test_an_unreachable_database_is_one_clear_line(cli: Cli) -> None:
    result = cli("users", "list", extra_env={"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"})
    assert_one_line_error(result, "cannot connect to the database nobody@127.0.0.1:1/none")


async def test_a_wrong_database_is_one_clear_line(cli: Cli, migrated_database: DatabaseTarget) -> None:
    missing = dataclasses.replace(migrated_database, database="no_such_database_xyz")

    result = cli("db", "heads", extra_env={"DATABASE_URL": database_url(missing)})

    assert_one_line_error(result, "no_such_database_xyz")


async def test_bad_settings_stop_the_command_with_one_line(cli: Cli) -> None:
    assert_one_line_error(cli("users", "list", extra_env={"LEGADILO_PORT": "eighty"}), "LEGADILO_PORT")
    assert_one_line_error(cli("users", "list", extra_env={"LEGADILO_ALLOW_REGISTRATON": "1"}), "unknown option")
    assert_one_line_error(cli("serve", extra_env={"DATABASE_URL": "mysql://x@y/z"}), "DATABASE_URL")
    assert_one_line_error(
        cli("serve", extra_env={"LEGADILO_TLS_CERTFILE": "/nonexistent.pem", "LEGADILO_TLS_KEYFILE": "/x.pem"}),
        "LEGADILO_TLS_CERTFILE",
    )


def test_every_command_has_help(cli: Cli) -> None:
    for args in (["--help"], ["serve", "--help"], ["db", "--help"], ["users", "--help"], ["users", "create", "--help"]):
        result = cli(*args)
        assert result.returncode == 0, args
        assert "Usage" in result.stdout
