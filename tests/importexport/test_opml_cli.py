"""`legadilo opml import|export` in a subprocess: files, stdin/stdout, JSON summary, one-line errors."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from legadilo.feeds.models import Feed, FeedCategory
from legadilo.signup.services import register_user
from tests.cli.conftest import Cli
from tests.cli.test_users_and_db import assert_one_line_error
from tests.conftest import TEST_PASSWORD

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "opml"


def table_rows(output: str, *rows: tuple[str, ...]) -> bool:
    """Every row is a line of the printed summary table: these cells, in order, separated by spaces only."""
    lines = [line.split() for line in output.splitlines()]
    return all(" ".join(row).split() in lines for row in rows)


async def test_import_a_file_then_stdin_with_a_json_summary(cli: Cli) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)

    dry = cli("opml", "import", str(FIXTURES / "inoreader.opml"), "--user", "alice@example.org", "--dry-run")
    from_file = cli("opml", "import", str(FIXTURES / "inoreader.opml"), "--user", "Alice@example.org")
    from_stdin = cli(
        "opml", "import", "-", "--user", "alice@example.org", "--json", stdin=(FIXTURES / "ttrss.opml").read_text()
    )

    assert dry.returncode == 0, dry.stderr
    assert "OPML import (dry run: nothing written)" in dry.stdout
    assert table_rows(dry.stdout, ("would create feeds", "1"), ("would create categories", "1"), ("invalid", "4"))
    assert from_file.returncode == 0, from_file.stderr
    assert "dry run" not in from_file.stdout
    assert table_rows(from_file.stdout, ("created feeds", "1"), ("created categories", "1"), ("skipped", "0"))
    assert table_rows(from_file.stdout, ("10", "not an http(s) URL (scheme 'ftp')", "ftp://files.example.org/feed.xml"))
    assert from_stdin.returncode == 0, from_stdin.stderr
    summary = json.loads(from_stdin.stdout)
    assert (summary["feeds_created"], summary["categories_created"], summary["dry_run"]) == (3, 2, False)
    assert summary["skipped"][0] == {"line": 15, "url": "", "reason": "Tiny Tiny RSS prefs outline, not a feed"}
    assert await Feed.all().count() == 4
    assert await FeedCategory.all().count() == 3


async def test_export_to_stdout_and_to_a_file(cli: Cli, tmp_path: Path) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)
    assert cli("opml", "import", str(FIXTURES / "ttrss.opml"), "--user", "alice@example.org").returncode == 0
    target = tmp_path / "out.opml"

    stdout = cli("opml", "export", "--user", "alice@example.org")
    to_file = cli("opml", "export", "--user", "alice@example.org", "-o", str(target))

    assert stdout.returncode == 0, stdout.stderr
    root = ET.fromstring(stdout.stdout.encode())
    news = root.find("body/outline[@text='News']")
    assert news is not None
    assert [o.get("text") for o in news] == ["Hacker News", "World"]
    assert news.find("outline[@text='World']/outline").get("xmlUrl") == (  # type: ignore[union-attr]
        "http://feeds.bbci.co.uk/news/world/rss.xml"
    )
    assert to_file.returncode == 0, to_file.stderr
    assert "exported 3 feeds" in to_file.stderr
    undated = re.compile(r"<dateCreated>[^<]*</dateCreated>")
    assert undated.sub("", target.read_text(encoding="utf-8")) == undated.sub("", stdout.stdout)

    typo = cli("opml", "export", "--user", "alcie@example.org", "-o", str(target))
    assert typo.returncode == 1
    assert "exported 3 feeds" not in typo.stderr
    assert undated.sub("", target.read_text(encoding="utf-8")) == undated.sub("", stdout.stdout)  # backup intact
    assert not (tmp_path / ".out.opml.partial").exists()  # no partial file left behind


async def test_errors_are_one_line(cli: Cli, tmp_path: Path) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)

    def imported(path: str, **kwargs: str) -> object:
        return cli("opml", "import", path, "--user", "alice@example.org", **kwargs)

    assert_one_line_error(imported(str(tmp_path / "missing.opml")), "cannot read")
    assert_one_line_error(imported(str(tmp_path)), "cannot read")
    assert_one_line_error(imported(str(FIXTURES / "malformed.opml")), "malformed XML at line 6, column")
    assert_one_line_error(imported(str(FIXTURES / "billion_laughs.opml")), "DOCTYPE")
    assert_one_line_error(imported(str(FIXTURES / "xxe.opml")), "DOCTYPE")
    assert_one_line_error(imported(str(FIXTURES / "not_opml.xml")), "not an OPML file")
    assert_one_line_error(imported("-", stdin=""), "not an OPML file")
    assert_one_line_error(
        cli("opml", "import", str(FIXTURES / "ttrss.opml"), "--user", "nobody@example.org"), "nobody@example.org"
    )
    assert_one_line_error(cli("opml", "export", "--user", "alice@example.org", "-o", str(tmp_path)), "cannot write")
    assert await Feed.all().count() == 0
