"""The tags admin (reference §4.8): list with article counts, create, rename, sub-tags, delete.

A tag is identified by its slug, unique per user. Sub-tags form a graph without cycles: adding B under A is
refused when A is already reachable from B (or is B).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from legadilo.core.errors import InvalidInput, NotFound
from legadilo.core.text import slugify
from legadilo.reading.list_queries import is_id
from legadilo.reading.models import SubTagMapping, Tag

TAG_TITLE_MAX_LENGTH = 50
# pg_advisory_xact_lock(TAGS_LOCK, hashint8(user_id)): one tags edit of a user at a time (slugs, cycles).
TAGS_LOCK = 0x4C_47_54_47  # "LGTG"


@dataclass(frozen=True)
class TagSummary:
    id: int
    title: str
    slug: str
    article_count: int
    sub_tags: tuple[tuple[int, str], ...]  # (id, title), by title


def _clean_title(title: str) -> tuple[str, str]:
    """(title, slug) of a title as typed.

    Raises:
        InvalidInput: empty, or longer than 50 characters.
    """
    cleaned = " ".join(str(title).split())
    if not cleaned:
        raise InvalidInput("a tag needs a title")
    if len(cleaned) > TAG_TITLE_MAX_LENGTH:
        raise InvalidInput(f"a tag title is at most {TAG_TITLE_MAX_LENGTH} characters")
    return cleaned, slugify(cleaned, max_length=TAG_TITLE_MAX_LENGTH)


async def get_tag(user_id: int, tag_id: int) -> Tag:
    """Raises:
    NotFound: no such tag for this user."""
    tag = await Tag.get_or_none(id=tag_id, user_id=user_id) if is_id(tag_id) else None
    if tag is None:
        raise NotFound(f"no tag {tag_id} for this user")
    return tag


async def list_tags(user_id: int) -> list[TagSummary]:
    """Every tag of the user with its number of articles and its sub-tags, in two queries."""
    connection = connections.get("default")
    rows = await connection.execute_query_dict(
        """SELECT t.id, t.title, t.slug,
                  (SELECT count(*) FROM article_tag a WHERE a.tag_id = t.id) AS article_count
           FROM tag t WHERE t.user_id = $1 ORDER BY lower(t.title), t.id""",
        [user_id],
    )
    mappings = await connection.execute_query_dict(
        """SELECT m.base_tag_id, s.id, s.title FROM sub_tag_mapping m
           JOIN tag s ON s.id = m.sub_tag_id JOIN tag b ON b.id = m.base_tag_id
           WHERE b.user_id = $1 ORDER BY lower(s.title), s.id""",
        [user_id],
    )
    subs: dict[int, list[tuple[int, str]]] = {}
    for mapping in mappings:
        subs.setdefault(mapping["base_tag_id"], []).append((mapping["id"], mapping["title"]))
    return [
        TagSummary(row["id"], row["title"], row["slug"], row["article_count"], tuple(subs.get(row["id"], ())))
        for row in rows
    ]


async def _lock(connection: BaseDBAsyncClient, user_id: int) -> None:
    await connection.execute_query_dict("SELECT pg_advisory_xact_lock($1, hashint8($2::bigint))", [TAGS_LOCK, user_id])


async def create_tag(user_id: int, title: str) -> Tag:
    """Raises:
    InvalidInput: a bad title, or the user already has a tag with this slug."""
    cleaned, slug = _clean_title(title)
    async with in_transaction() as connection:
        await _lock(connection, user_id)
        existing = await Tag.get_or_none(user_id=user_id, slug=slug)
        if existing is not None:
            raise InvalidInput(f"the tag {existing.title!r} already exists")
        return await Tag.create(user_id=user_id, title=cleaned, slug=slug)


async def rename_tag(user_id: int, tag_id: int, title: str) -> Tag:
    """A new title, and the slug that goes with it.

    Raises:
        NotFound: no such tag for this user.
        InvalidInput: a bad title, or another tag of the user has this slug.
    """
    cleaned, slug = _clean_title(title)
    async with in_transaction() as connection:
        await _lock(connection, user_id)
        tag = await get_tag(user_id, tag_id)
        other = await Tag.filter(user_id=user_id, slug=slug).exclude(id=tag.id).first()
        if other is not None:
            raise InvalidInput(f"another tag is already called {other.title!r}")
        tag.title, tag.slug = cleaned, slug
        await tag.save(update_fields=["title", "slug"])
    return tag


async def add_sub_tag(user_id: int, base_id: int, sub_id: int) -> None:
    """Put a tag under another one (nothing happens when it already is).

    Raises:
        NotFound: either tag is not the user's.
        InvalidInput: a tag under itself, or a cycle (the base tag is already below the sub-tag).
    """
    async with in_transaction() as connection:
        await _lock(connection, user_id)
        base, sub = await get_tag(user_id, base_id), await get_tag(user_id, sub_id)
        if base.id == sub.id:
            raise InvalidInput("a tag cannot be its own sub-tag")
        below_sub = await connection.execute_query_dict(
            """WITH RECURSIVE below(id) AS (
                   SELECT sub_tag_id FROM sub_tag_mapping WHERE base_tag_id = $1
                   UNION SELECT m.sub_tag_id FROM sub_tag_mapping m JOIN below b ON m.base_tag_id = b.id)
               SELECT 1 AS found FROM below WHERE id = $2 LIMIT 1""",
            [sub.id, base.id],
        )
        if below_sub:
            raise InvalidInput(f"{base.title!r} is already below {sub.title!r}: that would make a cycle")
        await connection.execute_query_dict(
            "INSERT INTO sub_tag_mapping (base_tag_id, sub_tag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            [base.id, sub.id],
        )


async def remove_sub_tag(user_id: int, base_id: int, sub_id: int) -> None:
    """Raises:
    NotFound: either tag is not the user's."""
    base, sub = await get_tag(user_id, base_id), await get_tag(user_id, sub_id)
    await SubTagMapping.filter(base_tag_id=base.id, sub_tag_id=sub.id).delete()


async def delete_tag(user_id: int, tag_id: int) -> None:
    """Delete a tag: its articles lose it, lists stop filtering on it, its sub-tag links go.

    Raises:
        NotFound: no such tag for this user.
    """
    tag = await get_tag(user_id, tag_id)
    await tag.delete()
