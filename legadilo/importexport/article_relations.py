"""The rows around an imported article, in bulk: the user's tags and groups (found or created), the group
positions, tag links, comments and main-feed links (see article_writer for the order they are written in)."""

from __future__ import annotations

from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from legadilo.core.text import slugify
from legadilo.importexport.article_preparation import TAG_MAX_LENGTH, ImportedGroup


def tag_slug(title: str) -> str:
    """A tag's slug, as stored."""
    return slugify(title, max_length=TAG_MAX_LENGTH)


async def tag_ids_by_slug(connection: BaseDBAsyncClient, user_id: int, titles: list[str]) -> tuple[dict[str, int], int]:
    """The user's tags by slug, the missing ones created (title as first written); how many were created."""
    wanted = {tag_slug(title): title for title in reversed(titles)}
    if not wanted:
        return {}, 0
    slugs = sorted(wanted)
    created = await connection.execute_query_dict(
        "INSERT INTO tag (user_id, slug, title) SELECT $1, s, t FROM unnest($2::text[], $3::text[]) AS x(s, t)"
        " ON CONFLICT (user_id, slug) DO NOTHING RETURNING id",
        [user_id, slugs, [wanted[slug] for slug in slugs]],
    )
    rows = await connection.execute_query_dict(
        "SELECT id, slug FROM tag WHERE user_id = $1 AND slug = ANY($2::text[])", [user_id, slugs]
    )
    return {row["slug"]: row["id"] for row in rows}, len(created)


async def group_ids_by_title(
    connection: BaseDBAsyncClient,
    user_id: int,
    groups: list[ImportedGroup],
    tag_ids: dict[str, int],
    now: datetime,
) -> tuple[dict[str, int], int]:
    """Groups by exact title: the user's oldest group with that title, else a new one (with its description);
    the tags given for a group are added to it. Also how many groups were created."""
    if not groups:
        return {}, 0
    first = {group.title: group for group in reversed(groups)}
    titles = sorted(first)
    rows = await connection.execute_query_dict(
        "SELECT DISTINCT ON (title) id, title FROM articles_group WHERE user_id = $1 AND title = ANY($2::text[])"
        " ORDER BY title, created_at, id",
        [user_id, titles],
    )
    ids = {row["title"]: row["id"] for row in rows}
    missing = [title for title in titles if title not in ids]
    created_count = 0
    if missing:
        created = await connection.execute_query_dict(
            "INSERT INTO articles_group (user_id, title, slug, description, created_at, updated_at)"
            " SELECT $1, t, s, d, $5, $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS x(t, s, d)"
            " RETURNING id, title",
            [user_id, missing, [slugify(t) for t in missing], [first[t].description for t in missing], now],
        )
        ids.update({row["title"]: row["id"] for row in created})
        created_count = len(created)
    pairs = {(ids[group.title], tag_ids[tag_slug(tag)]) for group in groups for tag in group.tags}
    if pairs:
        await connection.execute_query_dict(
            "INSERT INTO articles_group_tag (articles_group_id, tag_id)"
            " SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING",
            [[group_id for group_id, _ in sorted(pairs)], [tag_id for _, tag_id in sorted(pairs)]],
        )
    return ids, created_count


async def group_orders(connection: BaseDBAsyncClient, groups: list[int | None]) -> list[int]:
    """For each row in a group, the next free position at the end of the group (in row order); 0 elsewhere."""
    wanted = sorted({group_id for group_id in groups if group_id is not None})
    if not wanted:
        return [0] * len(groups)
    rows = await connection.execute_query_dict(
        "SELECT group_id, max(group_order) AS last FROM article WHERE group_id = ANY($1::bigint[]) GROUP BY group_id",
        [wanted],
    )
    last = {row["group_id"]: row["last"] for row in rows}
    orders: list[int] = []
    for group_id in groups:
        if group_id is None:
            orders.append(0)
        else:
            last[group_id] = last.get(group_id, 0) + 1
            orders.append(last[group_id])
    return orders


async def link_tags(connection: BaseDBAsyncClient, pairs: list[tuple[int, int]]) -> set[int]:
    """Tag articles (article id, tag id); the ids of the articles that got a new tag."""
    pairs = sorted(set(pairs))
    if not pairs:
        return set()
    linked = await connection.execute_query_dict(
        "INSERT INTO article_tag (article_id, tag_id) SELECT * FROM unnest($1::bigint[], $2::bigint[])"
        " ON CONFLICT DO NOTHING RETURNING article_id",
        [[article_id for article_id, _ in pairs], [tag_id for _, tag_id in pairs]],
    )
    return {row["article_id"] for row in linked}


async def add_comments(connection: BaseDBAsyncClient, comments: list[tuple[int, str]], now: datetime) -> list[int]:
    """Add the comments an article does not have yet (same text), in file order; their articles' ids."""
    comments = list(dict.fromkeys(comments))
    if not comments:
        return []
    added = await connection.execute_query_dict(
        "INSERT INTO comment (article_id, text, created_at, updated_at)"
        " SELECT a, t, $3, $3 FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS x(a, t, o)"
        " WHERE NOT EXISTS (SELECT 1 FROM comment c WHERE c.article_id = x.a AND c.text = x.t) ORDER BY o"
        " RETURNING article_id",
        [[article_id for article_id, _ in comments], [text for _, text in comments], now],
    )
    return [row["article_id"] for row in added]


async def link_feeds(connection: BaseDBAsyncClient, links: list[tuple[int | None, int, str]], now: datetime) -> None:
    """Link articles to their main feed (feed id, article id, URL as the entry key), unless linked already."""
    links = sorted({link for link in links if link[0] is not None}, key=lambda link: (link[0] or 0, link[2]))
    if links:
        await connection.execute_query_dict(
            "INSERT INTO feed_article (feed_id, article_id, entry_key, last_seen_at, created_at)"
            " SELECT f, a, k, $4, $4 FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS t(f, a, k)"
            " ON CONFLICT (feed_id, entry_key) DO NOTHING",
            [[f for f, _, _ in links], [a for _, a, _ in links], [k for _, _, k in links], now],
        )
