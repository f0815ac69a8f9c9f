"""Import and export use cases: OPML subscriptions in and out, for the CLI and (later) the web."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import IO, Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from legadilo.core.errors import InvalidInput
from legadilo.core.text import slugify
from legadilo.feeds.models import FeedCategory, FeedType, RefreshDelay
from legadilo.feeds.services import normalise_url
from legadilo.importexport.opml import (
    ExportFeed,
    ExportFolder,
    OpmlFeed,
    OpmlFolder,
    OpmlIgnored,
    read_opml,
    write_opml,
)
from legadilo.runtime import Runtime

_MAX_URL = 2048


@dataclass(frozen=True)
class Rejected:
    line: int
    url: str
    reason: str


@dataclass
class OpmlImportSummary:
    dry_run: bool
    feeds_created: int = 0
    categories_created: int = 0
    skipped: list[Rejected] = field(default_factory=list)
    invalid: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # folders merged into one category, untitled feeds…

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Category:
    slug: str
    title: str
    parent_slug: str | None
    depth: int


@dataclass(frozen=True)
class _NewFeed:
    url: str
    title: str
    site_url: str
    feed_type: FeedType
    category_slug: str | None


@dataclass
class _Plan:
    categories: dict[str, _Category] = field(default_factory=dict)  # slug -> the first folder with it
    feeds: list[_NewFeed] = field(default_factory=list)


def _category_title(title: str) -> str:
    return title[:100]


def _feed_url(raw: str) -> str:
    """Raises:
    InvalidInput: empty, not http(s), no host, too long."""
    if not raw:
        raise InvalidInput("no feed URL (xmlUrl is empty)")
    if raw.startswith("//"):
        raw = "https:" + raw
    if len(raw) > _MAX_URL:
        raise InvalidInput(f"URL longer than {_MAX_URL} characters")
    if any(char.isspace() or ord(char) < 32 for char in raw):
        raise InvalidInput("URL contains spaces or control characters")
    head = raw.split("/", 1)[0]
    if "://" in raw:
        scheme = raw.split("://", 1)[0].lower()
    elif ":" in head and not head.split(":", 1)[1][:1].isdigit():  # `mailto:…`, not `host:8080/feed`
        scheme = head.split(":", 1)[0].lower()
    else:
        scheme = "https"  # a bare `host/path`
    if scheme not in {"http", "https"}:
        raise InvalidInput(f"not an http(s) URL (scheme {scheme!r})")
    return normalise_url(raw)


def _site_url(raw: str) -> str:
    """The feed's site, or "" when it is not a usable http(s) URL (the feed is imported anyway)."""
    try:
        return _feed_url(raw) if raw else ""
    except InvalidInput:
        return ""


class _Planner:
    """Turns the reader's items into categories and feeds to create, and the report; reads nothing."""

    def __init__(self, summary: OpmlImportSummary, existing_slugs: set[str], subscribed: set[str]) -> None:
        self.summary = summary
        self.plan = _Plan()
        self.existing_slugs = existing_slugs
        self.subscribed = subscribed
        self.path_slugs: dict[tuple[str, ...], str] = {}  # folder path -> slug of its category
        self.slug_lines: dict[str, tuple[int, tuple[str, ...]]] = {}
        self.seen_urls: dict[str, int] = {}

    def folder(self, item: OpmlFolder) -> str:
        if item.path in self.path_slugs:
            return self.path_slugs[item.path]
        title = _category_title(item.path[-1])
        slug = slugify(title, max_length=100)
        parent_slug = self.folder(OpmlFolder(item.line, item.path[:-1])) if len(item.path) > 1 else None
        self.path_slugs[item.path] = slug
        if slug in self.slug_lines:
            first_line, first_path = self.slug_lines[slug]
            if first_path != item.path:
                self.summary.notes.append(
                    f"line {item.line}: folder {' / '.join(item.path)!r} merged into the category of "
                    f"{' / '.join(first_path)!r} (line {first_line}): category names are unique"
                )
            return slug
        self.slug_lines[slug] = (item.line, item.path)
        if slug in self.existing_slugs:
            return slug
        parent = self.plan.categories.get(parent_slug) if parent_slug else None
        depth = parent.depth + 1 if parent else 0
        self.plan.categories[slug] = _Category(slug, title, parent_slug, depth)
        return slug

    def feed(self, item: OpmlFeed) -> None:
        try:
            url = _feed_url(item.url)
        except InvalidInput as exc:
            self.summary.invalid.append(Rejected(item.line, item.url[:300], exc.message))
            return
        if url in self.seen_urls:
            self.summary.skipped.append(Rejected(item.line, url, f"duplicate of line {self.seen_urls[url]}"))
            return
        self.seen_urls[url] = item.line
        if url in self.subscribed:
            self.summary.skipped.append(Rejected(item.line, url, "already subscribed"))
            return
        category_slug = self.folder(OpmlFolder(item.line, item.folders)) if item.folders else None
        title = item.title or url
        if not item.title:
            self.summary.notes.append(f"line {item.line}: feed without a title, titled with its URL")
        self.plan.feeds.append(
            _NewFeed(
                url=url,
                title=title[:300],
                site_url=_site_url(item.site_url),
                feed_type=FeedType.ATOM if item.feed_type == "atom" else FeedType.RSS,
                category_slug=category_slug,
            )
        )


def _db() -> BaseDBAsyncClient:
    return Tortoise.get_connection("default")


async def _subscribed_urls(user_id: int) -> set[str]:
    rows = await _db().execute_query_dict(
        "SELECT s.url FROM feed f JOIN feed_source s ON s.id = f.source_id WHERE f.user_id = $1", [user_id]
    )
    return {row["url"] for row in rows}


async def import_opml(
    rt: Runtime, user_id: int, source: str | IO[bytes], *, dry_run: bool = False
) -> OpmlImportSummary:
    """Subscribe a user to the feeds of an OPML file, without fetching them (their sources are due at once).

    This will:
    - read the whole file first (streaming; a malformed file writes nothing);
    - turn nested folders into nested categories (one category per slug: a folder name used twice maps to one
      category, noted in the summary; existing categories are reused);
    - skip duplicates in the file and feeds already subscribed, and report invalid outlines with their line;
    - insert sources, categories and feeds in bulk, in one transaction (nothing at all with `dry_run`).

    Raises:
        OpmlError: malformed XML, not OPML, a DOCTYPE.
    """
    summary = OpmlImportSummary(dry_run=dry_run)
    existing = await FeedCategory.filter(user_id=user_id).values_list("slug", flat=True)
    planner = _Planner(summary, {str(slug) for slug in existing}, await _subscribed_urls(user_id))
    for item in read_opml(source):
        if isinstance(item, OpmlFeed):
            planner.feed(item)
        elif isinstance(item, OpmlFolder):
            planner.folder(item)
        elif isinstance(item, OpmlIgnored):
            bucket = summary.skipped if item.reason.startswith("Tiny Tiny RSS") else summary.invalid
            bucket.append(Rejected(item.line, item.url, item.reason))
    plan = planner.plan
    summary.categories_created = len(plan.categories)
    summary.feeds_created = len(plan.feeds)
    if dry_run or (not plan.feeds and not plan.categories):
        return summary
    async with in_transaction() as connection:
        category_ids = await _insert_categories(connection, user_id, plan.categories, rt.clock.now())
        created = await _insert_feeds(connection, user_id, plan.feeds, category_ids, rt.clock.now())
    if created != len(plan.feeds):  # subscribed meanwhile by a concurrent request
        summary.feeds_created = created
    return summary


async def _insert_categories(
    connection: BaseDBAsyncClient, user_id: int, categories: dict[str, _Category], now: datetime
) -> dict[str, int]:
    """Create the new categories, parents first (one INSERT per depth); the ids of every category by slug."""
    by_depth: dict[int, list[_Category]] = {}
    for category in categories.values():
        by_depth.setdefault(category.depth, []).append(category)
    ids: dict[str, int] = {}

    async def load() -> None:
        rows = await connection.execute_query_dict("SELECT id, slug FROM feed_category WHERE user_id = $1", [user_id])
        ids.update({row["slug"]: row["id"] for row in rows})

    await load()
    for depth in sorted(by_depth):
        level = by_depth[depth]
        await connection.execute_query(
            "INSERT INTO feed_category (user_id, parent_id, title, slug, created_at, updated_at)"
            " SELECT $1, parent_id, title, slug, $4, $4 FROM unnest($2::text[], $3::text[], $5::bigint[])"
            " AS t(title, slug, parent_id) ON CONFLICT (user_id, slug) DO NOTHING",
            [
                user_id,
                [category.title for category in level],
                [category.slug for category in level],
                now,
                [ids.get(category.parent_slug) if category.parent_slug else None for category in level],
            ],
        )
        await load()
    return ids


async def _insert_feeds(
    connection: BaseDBAsyncClient, user_id: int, feeds: list[_NewFeed], category_ids: dict[str, int], now: datetime
) -> int:
    """Sources (shared, created due at once) then subscriptions, in bulk; the number of feeds created."""
    urls = [feed.url for feed in feeds]
    await connection.execute_query(
        "INSERT INTO feed_source (url, etag, last_modified, body_hash, next_check_at, lease_owner, last_outcome,"
        " last_error, error_streak, created_at, updated_at)"
        " SELECT url, '', '', '', $2, '', 'NEVER', '', 0, $2, $2 FROM unnest($1::text[]) AS t(url)"
        # A source other users already follow is made due now and forgets its validators: the next refresh
        # fetches and parses it in full, which stores its current entries for the new subscribers too.
        " ON CONFLICT (url) DO UPDATE SET next_check_at = LEAST(feed_source.next_check_at, EXCLUDED.next_check_at),"
        " etag = '', last_modified = '', body_hash = ''",
        [urls, now],
    )
    rows = await connection.execute_query_dict("SELECT id, url FROM feed_source WHERE url = ANY($1::text[])", [urls])
    source_ids = {row["url"]: row["id"] for row in rows}
    created = await connection.execute_query_dict(
        "INSERT INTO feed (user_id, source_id, category_id, title, slug, site_url, description, feed_type,"
        " refresh_delay, article_retention_time, open_original_url_by_default, disabled_reason, created_at,"
        " updated_at)"
        " SELECT $1, source_id, category_id, title, slug, site_url, '', feed_type, $7, 0, FALSE, '', $8, $8"
        " FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $9::text[])"
        " AS t(source_id, category_id, title, slug, site_url, feed_type)"
        " ON CONFLICT (user_id, source_id) DO NOTHING RETURNING id",
        [
            user_id,
            [source_ids[feed.url] for feed in feeds],
            [category_ids[feed.category_slug] if feed.category_slug else None for feed in feeds],
            [feed.title for feed in feeds],
            [slugify(feed.title) for feed in feeds],
            [feed.site_url for feed in feeds],
            RefreshDelay.DAILY_AT_NOON.value,
            now,
            [feed.feed_type.value for feed in feeds],
        ],
    )
    return len(created)


# --- export ----------------------------------------------------------------------------------------------


def _category_tree(categories: list[dict[str, Any]]) -> dict[int | None, list[dict[str, Any]]]:
    """Children by parent id; a category unreachable from the top (a cycle in the parent links) becomes a
    top-level one, so that no category and no feed is ever left out of an export."""
    children: dict[int | None, list[dict[str, Any]]] = {}
    known = {row["id"] for row in categories}
    for row in categories:
        children.setdefault(row["parent_id"] if row["parent_id"] in known else None, []).append(row)
    reached: set[int] = set()
    pending: list[int | None] = [None]
    while pending:
        for row in children.get(pending.pop(), ()):
            if row["id"] not in reached:
                reached.add(row["id"])
                pending.append(row["id"])
    for row in categories:
        if row["id"] not in reached:
            reached.add(row["id"])
            children[row["parent_id"]].remove(row)
            children.setdefault(None, []).append(row)
    return children


async def export_opml(rt: Runtime, user_id: int, out: IO[bytes]) -> int:
    """Write the user's subscriptions as OPML 2.0 to `out` (categories nested, titles as stored); the number
    of feeds written. Feeds without a category come first, at the top level."""
    categories = await _db().execute_query_dict(
        "SELECT id, parent_id, title FROM feed_category WHERE user_id = $1 ORDER BY title, id", [user_id]
    )
    feeds = await _db().execute_query_dict(
        "SELECT f.category_id, f.title, f.site_url, s.url FROM feed f JOIN feed_source s ON s.id = f.source_id"
        " WHERE f.user_id = $1 ORDER BY f.title, f.id",
        [user_id],
    )
    children = _category_tree(categories)
    feeds_of: dict[int | None, list[ExportFeed]] = {}
    for row in feeds:
        feeds_of.setdefault(row["category_id"], []).append(ExportFeed(row["title"], row["url"], row["site_url"]))

    def nodes(category_id: int | None, ancestors: frozenset[int]) -> Iterator[ExportFolder | ExportFeed]:
        yield from feeds_of.get(category_id, ())
        for row in children.get(category_id, ()):
            if row["id"] in ancestors:  # a cycle in the parent links: never loop
                continue
            yield ExportFolder(row["title"], nodes(row["id"], ancestors | {row["id"]}))

    write_opml(out, nodes(None, frozenset()), created=rt.clock.now())
    return len(feeds)
