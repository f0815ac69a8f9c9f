"""`legadilo import csv|wallabag` and `legadilo export csv` in a subprocess: JSON and table summaries, files and
standard input/output, the atomic export, one-line errors, and progress only on a terminal."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer

from cli._report import SHOWN_REJECTED, print_summary
from cli.articles_io import parse_since
from legadilo.db import DatabaseTarget
from legadilo.importexport.csv_format import CSV_HEADER_FIELDS
from legadilo.importexport.reports import ImportReport
from legadilo.reading.models import Article, Comment, Tag
from legadilo.signup.services import register_user
from tests.cli.conftest import ROOT, Cli, database_url
from tests.cli.test_users_and_db import assert_one_line_error
from tests.conftest import TEST_PASSWORD
from tests.importexport.test_opml_cli import table_rows

OPML = Path(__file__).resolve().parents[1] / "fixtures" / "opml" / "ttrss.opml"
CATEGORY = {"category_id": "1", "category_title": "News"}
FEED = {
    **CATEGORY,
    "feed_id": "7",
    "feed_title": "Example feed",
    "feed_url": "https://example.org/feed.xml",
    "feed_site_url": "https://example.org/",
}


def article(n: int, **cells: str) -> dict[str, str]:
    return {
        **FEED,
        "article_id": str(n),
        "article_title": f"Article {n}",
        "article_url": f"https://example.org/articles/{n}",
        "article_content": f"<p>Body {n}</p>",
        "article_content_type": "text/html",
        "article_date_published": "2024-03-01T10:00:00+00:00",
        "article_is_favorite": "False",
        **cells,
    }


def csv_text(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_HEADER_FIELDS, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


SAMPLE = [
    CATEGORY,
    FEED,
    article(1, article_tags='["Python", "Web"]', article_comments='["A comment, with \\"quotes\\""]'),
    article(2, article_read_at="2024-03-02T08:00:00+00:00", article_is_favorite="True"),
    article(3, article_url="javascript:alert(1)"),
    article(4, article_title="Multi\nline, title"),
]


async def users(*emails: str) -> None:
    for email in emails:
        await register_user(email, TEST_PASSWORD)


async def test_import_csv_with_a_json_report_then_a_table_from_stdin(cli: Cli, tmp_path: Path) -> None:
    await users("alice@example.org", "bob@example.org")
    path = tmp_path / "articles.csv"
    path.write_text(csv_text(SAMPLE), encoding="utf-8")

    as_json = cli("import", "csv", str(path), "--user", "alice@example.org", "--json")
    as_table = cli("import", "csv", "-", "--user", "bob@example.org", stdin=path.read_text(encoding="utf-8"))

    assert as_json.returncode == 0, as_json.stderr
    assert as_json.stderr == ""  # no progress bar: stderr is not a terminal
    report = json.loads(as_json.stdout)
    assert report["created"]["articles"] == 3
    assert (report["invalid"], report["rows_done"], report["bytes_read"]) == (1, 6, path.stat().st_size)
    assert report["rejected"][0]["line"] == 6  # the physical line: the header is line 1
    assert report["rejected"][0]["url"] == "javascript:alert(1)"
    alice_articles = await Article.filter(user__email="alice@example.org").order_by("url")
    assert [a.title for a in alice_articles] == ["Article 1", "Article 2", "Multi line, title"]
    assert (alice_articles[1].is_favorite, alice_articles[1].read_at is not None) == (True, True)
    assert [c.text for c in await Comment.filter(article=alice_articles[0])] == ['A comment, with "quotes"']
    assert set(await Tag.filter(user__email="alice@example.org").values_list("title", flat=True)) >= {"Python", "Web"}

    assert as_table.returncode == 0, as_table.stderr
    assert as_table.stderr == ""
    assert as_table.stdout.startswith("CSV import\n")
    assert table_rows(as_table.stdout, ("created articles", "3"), ("invalid", "1"), ("updated", "0"))
    assert "javascript:alert(1)" in as_table.stdout
    assert await Article.filter(user__email="bob@example.org").count() == 3


async def test_import_wallabag(cli: Cli, tmp_path: Path) -> None:
    await users("alice@example.org")
    entries = [
        {
            "id": 1,
            "title": "Saved page",
            "url": "https://blog.example.org/post",
            "content": "<p>Hello</p>",
            "is_archived": 1,
            "is_starred": 1,
            "tags": ["later"],
            "created_at": "2024-01-05T10:00:00+01:00",
            "updated_at": "2024-01-06T10:00:00+01:00",
            "language": "en",
        },
        {"id": 2, "title": "No URL"},
    ]
    path = tmp_path / "wallabag.json"
    path.write_text(json.dumps(entries), encoding="utf-8")

    result = cli("import", "wallabag", str(path), "--user", "alice@example.org", "--json")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["created"].get("articles"), report["invalid"]) == (1, 1)
    saved = await Article.get(user__email="alice@example.org")
    assert (saved.url, saved.title, saved.is_favorite, saved.read_at is not None) == (
        "https://blog.example.org/post",
        "Saved page",
        True,
        True,
    )


async def test_truncated_file_keeps_the_committed_batches_and_says_where_it_stopped(cli: Cli, tmp_path: Path) -> None:
    await users("alice@example.org")
    text = csv_text([article(n) for n in range(1, 1201)])
    cut = text.rindex("https://example.org/articles/1200")
    path = tmp_path / "cut.csv"
    path.write_text(text[:cut] + '"<p>unterminated, cut here', encoding="utf-8")

    result = cli("import", "csv", str(path), "--user", "alice@example.org", "--json")

    assert_one_line_error(result, "line 1201")
    committed = json.loads(result.stdout)  # what was committed before the error, as in the database
    assert 0 < committed["created"]["articles"] == await Article.all().count() <= 1199


async def seed_articles(cli: Cli, tmp_path: Path) -> None:
    await users("alice@example.org")
    source = tmp_path / "seed.csv"
    source.write_text(csv_text(SAMPLE), encoding="utf-8")
    assert cli("import", "csv", str(source), "--user", "alice@example.org").returncode == 0


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def test_export_to_stdout_and_to_a_file_with_since_and_no_feeds(cli: Cli, tmp_path: Path) -> None:
    await seed_articles(cli, tmp_path)
    target = tmp_path / "out.csv"

    stdout = cli("export", "csv", "--user", "alice@example.org")
    to_file = cli("export", "csv", "--user", "Alice@example.org", "-o", str(target))
    no_feeds = cli("export", "csv", "--user", "alice@example.org", "--no-feeds")
    future = cli("export", "csv", "--user", "alice@example.org", "--since", "2999-01-01")
    past = cli("export", "csv", "--user", "alice@example.org", "--since", "2000-01-01T10:00:00+02:00", "--no-feeds")

    assert stdout.returncode == 0, stdout.stderr
    rows = parsed(stdout.stdout)
    assert [row["category_title"] for row in rows[:1]] == ["News"]
    assert [row["feed_url"] for row in rows[1:2]] == ["https://example.org/feed.xml"]
    assert sorted(row["article_title"] for row in rows[2:]) == ["Article 1", "Article 2", "Multi line, title"]
    assert to_file.returncode == 0, to_file.stderr
    assert to_file.stderr.strip() == f"exported 5 rows to {target}"
    assert target.read_text(encoding="utf-8") == stdout.stdout  # (text mode: \r\n read as \n)
    assert not (tmp_path / ".out.csv.partial").exists()
    assert [row["article_title"] for row in parsed(no_feeds.stdout)] == [row["article_title"] for row in rows[2:]]
    assert future.returncode == 0, future.stderr
    assert future.stdout.splitlines() == [",".join(CSV_HEADER_FIELDS)]
    assert parsed(past.stdout) == parsed(no_feeds.stdout)

    typo = cli("export", "csv", "--user", "alcie@example.org", "-o", str(target))
    assert_one_line_error(typo, "alcie@example.org")
    assert target.read_text(encoding="utf-8") == stdout.stdout  # the previous export is intact
    assert not (tmp_path / ".out.csv.partial").exists()


async def test_errors_are_one_line_and_write_nothing(cli: Cli, tmp_path: Path) -> None:
    await users("alice@example.org")
    not_json = tmp_path / "export.csv"
    not_json.write_text(csv_text(SAMPLE), encoding="utf-8")

    def imported(kind: str, path: str, stdin: str | None = None) -> object:
        return cli("import", kind, path, "--user", "alice@example.org", stdin=stdin)

    def exported(*args: str, user: str = "alice@example.org") -> object:
        return cli("export", "csv", "--user", user, *args)

    assert_one_line_error(imported("csv", str(tmp_path / "missing.csv")), "cannot read")
    assert_one_line_error(imported("csv", str(tmp_path)), "cannot read")
    assert_one_line_error(imported("csv", str(OPML)), "not a Legadilo CSV file")
    assert_one_line_error(imported("csv", "-", stdin=""), "empty")
    assert_one_line_error(imported("wallabag", str(tmp_path)), "cannot read")
    assert_one_line_error(imported("wallabag", str(not_json)), "not a Wallabag export")
    assert_one_line_error(imported("wallabag", "-", stdin=""), "empty")
    assert_one_line_error(imported("wallabag", "-", stdin='[{"url": "https://example.org/a", "title": '), "entry")
    assert_one_line_error(cli("import", "csv", str(not_json), "--user", "nobody@example.org"), "nobody@example.org")
    assert_one_line_error(cli("import", "csv", str(not_json), "--user", "not an email"), "email")
    assert_one_line_error(exported("--since", "yesterday"), "invalid --since")
    assert_one_line_error(exported(user="nobody@example.org"), "nobody@example.org")
    assert_one_line_error(exported("-o", str(tmp_path)), "cannot write")
    assert_one_line_error(exported("-o", str(tmp_path / "no" / "such" / "out.csv")), "cannot write")
    assert await Article.all().count() == 0


def cli_env(database: DatabaseTarget, tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of the `cli` fixture, for tests that need their own standard streams."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LEGADILO_", "DATABASE_URL"))}
    env.update(DATABASE_URL=database_url(database), LEGADILO_DATA_DIR=str(tmp_path / "data"), PYTHONPATH=str(ROOT))
    return {**env, **extra}


def run_on_a_terminal(
    args: list[str], *, env: dict[str, str], cwd: Path
) -> tuple[subprocess.CompletedProcess[bytes], str]:
    """`legadilo ARGS` with stderr on a pseudo-terminal: the result (stdout captured) and what the terminal got."""
    master, terminal = pty.openpty()
    drawn = bytearray()

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            drawn.extend(data)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "cli.main", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=terminal,
            cwd=cwd,
            env=env,
            timeout=60,
            check=False,
        )
    finally:
        os.close(terminal)
        reader.join(timeout=10)
        os.close(master)
    return result, drawn.decode("utf-8", "replace")


async def test_progress_is_drawn_on_a_terminal_only(
    migrated_database: DatabaseTarget, tmp_path: Path, db: object
) -> None:
    await users("alice@example.org")
    path = tmp_path / "articles.csv"
    path.write_text(csv_text(SAMPLE), encoding="utf-8")
    env = cli_env(migrated_database, tmp_path, TERM="xterm", COLUMNS="120")
    result, drawn = run_on_a_terminal(
        ["import", "csv", str(path), "--user", "alice@example.org", "--json"], env=env, cwd=tmp_path
    )

    assert result.returncode == 0
    shown = drawn
    assert "CSV import" in shown
    assert "6 records" in shown
    assert json.loads(result.stdout)["rows_done"] == 6  # stdout stays clean JSON


def test_summary_shows_the_first_rejected_records_and_never_hostile_text(capsys: pytest.CaptureFixture[str]) -> None:
    report = ImportReport(kind="csv")
    report.add_created("articles", 12)
    for line in range(2, 2 + SHOWN_REJECTED + 20):
        report.reject(line, f"https://example.org/{line}\x1b[2J\u202e", "bad [bold]markup[/bold]\x07")
    report.skip(900, "", "already subscribed")
    report.notes.append("read as Windows-1252 \x1b]0;title\x07")

    print_summary(report, "CSV import")

    out = capsys.readouterr().out
    assert table_rows(out, ("created articles", "12"), ("invalid", str(SHOWN_REJECTED + 20)), ("skipped", "1"))
    assert table_rows(out, ("2", "bad [bold]markup[/bold]\\x07", "https://example.org/2\\x1b[2J\\u202e"))
    assert f"https://example.org/{1 + SHOWN_REJECTED}\\x1b" in out
    assert f"https://example.org/{2 + SHOWN_REJECTED}\\x1b" not in out
    assert "… and 21 more" in out
    assert "note: read as Windows-1252 \\x1b]0;title\\x07" in out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-05-31", datetime(2024, 5, 31, tzinfo=UTC)),
        (" 2024-05-31T08:00:00+02:00 ", datetime(2024, 5, 31, 6, tzinfo=UTC)),
        ("2024-05-31T08:00", datetime(2024, 5, 31, 8, tzinfo=UTC)),
        ("2024-05-31 08:00:00Z", datetime(2024, 5, 31, 8, tzinfo=UTC)),
        ("", None),
        ("2024-13-01", None),
        ("2024-01-01T25:00", None),
        ("31/05/2024", None),
        ("0001-01-01T00:00:00+01:00", None),  # before year 1 in UTC
    ],
)
def test_since_accepts_a_date_or_a_datetime(
    raw: str, expected: datetime | None, capsys: pytest.CaptureFixture[str]
) -> None:
    if expected is not None:
        assert parse_since(raw) == expected
        return
    with pytest.raises(typer.Exit) as stopped:
        parse_since(raw)
    assert stopped.value.exit_code == 1
    assert capsys.readouterr().err.startswith(f"error: invalid --since {raw!r}")


def export_to_a_full_disk(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`legadilo export csv` with standard output on /dev/full (every write fails with ENOSPC)."""
    with Path("/dev/full").open("wb") as full:
        return subprocess.run(
            [sys.executable, "-m", "cli.main", "export", "csv", "--user", "alice@example.org"],
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env=env,
            timeout=60,
            check=False,
        )


async def test_export_to_a_full_disk_ends_with_one_line(
    migrated_database: DatabaseTarget, tmp_path: Path, db: object
) -> None:
    await users("alice@example.org")

    result = export_to_a_full_disk(cli_env(migrated_database, tmp_path), tmp_path)

    assert_one_line_error(result, "cannot write standard output: No space left on device")
