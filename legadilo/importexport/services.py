"""Import and export use cases: OPML subscriptions in and out, for the CLI and (later) the web."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from legadilo.core.errors import InvalidInput
from legadilo.core.text import slugify
from legadilo.feeds.models import FeedCategory, FeedType
from legadilo.importexport.opml import (
    ExportFeed,
    ExportFolder,
    OpmlFeed,
    OpmlFolder,
    OpmlIgnored,
    read_opml,
    write_opml,
)
from legadilo.importexport.subscriptions import (
    NewCategory,
    NewFeed,
    feed_url,
    insert_categories,
    insert_feeds,
    site_url,
)
from legadilo.runtime import Runtime


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


@dataclass
class _Plan:
    categories: dict[str, NewCategory] = field(default_factory=dict)  # slug -> the first folder with it
    feeds: list[NewFeed] = field(default_factory=list)


def _category_title(title: str) -> str:
    return title[:100]


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
        self.plan.categories[slug] = NewCategory(slug, title, parent_slug, depth)
        return slug

    def feed(self, item: OpmlFeed) -> None:
        try:
            url = feed_url(item.url)
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
            NewFeed(
                url=url,
                title=title[:300],
                site_url=site_url(item.site_url),
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
        category_ids = await insert_categories(connection, user_id, plan.categories, rt.clock.now())
        created = len(await insert_feeds(connection, user_id, plan.feeds, category_ids, rt.clock.now()))
    if created != len(plan.feeds):  # subscribed meanwhile by a concurrent request
        summary.feeds_created = created
    return summary


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
