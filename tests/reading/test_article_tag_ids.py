"""`article.tag_ids` (migration 3) always equals the article's `article_tag` rows, whatever writes them, even
two transactions at once; and the unread counts of every list can be read from article_unread_counts_idx."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
from tortoise import Tortoise

from legadilo.db import DatabaseTarget, connect
from legadilo.reading import list_queries
from legadilo.reading.list_queries import ListFilter, SqlParams, filter_sql
from legadilo.reading.models import (
    Article,
    ArticleTag,
    FavoriteStatus,
    MaxAgeUnit,
    ReadingTimeOperator,
    ReadStatus,
    Tag,
    TagOperator,
)
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)

# Articles whose array differs from their rows (sorted, no duplicates): must always be none.
DRIFT = """SELECT a.id, a.tag_ids,
                  coalesce((SELECT array_agg(tag_id ORDER BY tag_id) FROM article_tag WHERE article_id = a.id), '{}')
                  AS rows
           FROM article a
           WHERE a.tag_ids IS DISTINCT FROM
                 coalesce((SELECT array_agg(tag_id ORDER BY tag_id) FROM article_tag WHERE article_id = a.id), '{}')"""


async def _drift() -> list[dict[str, object]]:
    return await Tortoise.get_connection("default").execute_query_dict(DRIFT)


async def _tag_ids(article_id: int) -> list[int]:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT tag_ids FROM article WHERE id = $1", [article_id]
    )
    return list(rows[0]["tag_ids"])


async def test_every_way_of_writing_tags_keeps_the_array_equal_to_the_rows(db: Runtime) -> None:
    user = await register_user("alice@example.org", "a long enough password")
    tags = [await Tag.create(user_id=user.id, title=f"t{n}", slug=f"t{n}") for n in range(5)]
    articles = [await Article.create(user_id=user.id, url=f"https://example.org/{n}", title=f"{n}") for n in range(4)]
    sql = Tortoise.get_connection("default")

    # several articles and tags in one statement, in no particular order, plus a duplicate ignored on conflict
    await ArticleTag.bulk_create([ArticleTag(article=a, tag=t) for a in articles for t in reversed(tags[:3])])
    await sql.execute_query(
        "INSERT INTO article_tag (article_id, tag_id) VALUES ($1, $2), ($1, $3) ON CONFLICT DO NOTHING",
        [articles[0].id, tags[0].id, tags[4].id],
    )
    assert await _tag_ids(articles[0].id) == sorted([tags[0].id, tags[1].id, tags[2].id, tags[4].id])
    # rows deleted, a row moved to another tag, a tag deleted (its rows go by cascade)
    await ArticleTag.filter(article_id=articles[1].id, tag_id=tags[1].id).delete()
    await sql.execute_query(
        "UPDATE article_tag SET tag_id = $1 WHERE article_id = $2 AND tag_id = $3",
        [tags[3].id, articles[2].id, tags[0].id],
    )
    # an update keeping its tag: removed then added again (the update triggers fire in that order)
    await sql.execute_query("UPDATE article_tag SET tag_id = tag_id WHERE article_id = $1", [articles[3].id])
    await tags[2].delete()
    assert await _drift() == []
    assert await _tag_ids(articles[1].id) == sorted([tags[0].id])
    assert await _tag_ids(articles[2].id) == sorted([tags[1].id, tags[3].id])
    assert await _tag_ids(articles[3].id) == sorted([tags[0].id, tags[1].id])


async def test_two_transactions_tagging_one_article_at_once_both_land(
    db: Runtime, migrated_database: DatabaseTarget
) -> None:
    user = await register_user("alice@example.org", "a long enough password")
    first, second = [await Tag.create(user_id=user.id, title=name, slug=name) for name in ("first", "second")]
    article = await Article.create(user_id=user.id, url="https://example.org/a", title="a")
    one, two = await connect(migrated_database), await connect(migrated_database)
    try:
        tx_one, tx_two = one.transaction(), two.transaction()
        await tx_one.start()
        await tx_two.start()
        insert = "INSERT INTO article_tag (article_id, tag_id) VALUES ($1, $2)"
        await one.execute(insert, article.id, first.id)
        # the second transaction's trigger waits for the first one's lock on the article row...
        waiting = asyncio.create_task(two.execute(insert, article.id, second.id))
        await asyncio.sleep(0.3)
        assert not waiting.done()
        await tx_one.commit()
        # ...then updates the row the first one committed, not the one it saw when it started
        await waiting
        await tx_two.commit()
    finally:
        await one.close()
        await two.close()
    assert await _tag_ids(article.id) == sorted([first.id, second.id])


SPECS = [
    ListFilter(),
    ListFilter(read_status=ReadStatus.ONLY_UNREAD, favorite_status=FavoriteStatus.ONLY_FAVORITE),
    ListFilter(read_status=ReadStatus.ONLY_READ),
    ListFilter(
        max_age_value=2,
        max_age_unit=MaxAgeUnit.DAYS,
        reading_time=5,
        reading_time_operator=ReadingTimeOperator.MORE_THAN,
    ),
    ListFilter(include_tag_ids=(1, 2), include_operator=TagOperator.ANY, exclude_tag_ids=(3,)),
]


def test_conditions_for_unread_articles_never_name_read_at() -> None:
    for spec in SPECS:
        assert "read_at" not in filter_sql(spec, SqlParams(1), now=NOW, unread_only=True)
    assert filter_sql(ListFilter(read_status=ReadStatus.ONLY_READ), SqlParams(1), now=NOW, unread_only=True) == "FALSE"
    assert "read_at" in filter_sql(ListFilter(read_status=ReadStatus.ONLY_READ), SqlParams(1), now=NOW)


async def test_the_unread_counts_of_every_list_are_an_index_only_scan(
    db: Runtime, migrated_database: DatabaseTarget
) -> None:
    """The planner may prefer other plans on a small table: forbidding scans of the table shows that this
    one is possible, i.e. that the statement reads no column the index lacks. (Index scans stay allowed: on
    PostgreSQL 18, turning them off turns index-only scans off too, and the choice then depended on the
    table's statistics. Vacuumed, the table's pages are all visible, so an index-only scan is the cheaper.)"""
    user = await register_user("alice@example.org", "a long enough password")
    captured: list[tuple[str, list[object]]] = []
    connection = Tortoise.get_connection("default")
    original = connection.execute_query_dict

    async def capture(sql: str, values: list[object] | None = None) -> list[dict[str, object]]:
        captured.append((sql, list(values or [])))
        return await original(sql, values)

    connection.execute_query_dict = capture  # type: ignore[method-assign,assignment]
    try:
        await list_queries.count_unread(user.id, list(enumerate(SPECS, start=1)), now=NOW)
    finally:
        del connection.execute_query_dict
    [(sql, values)] = captured
    direct: asyncpg.Connection = await connect(migrated_database)
    try:
        await direct.execute("VACUUM ANALYZE article")
        await direct.execute("SET enable_seqscan = off; SET enable_bitmapscan = off")
        plan = "\n".join(row[0] for row in await direct.fetch("EXPLAIN " + sql, *values))
    finally:
        await direct.close()
    assert "Index Only Scan using article_unread_counts_idx" in plan, plan


async def test_tag_filters_can_be_served_by_the_tag_ids_index(db: Runtime, migrated_database: DatabaseTarget) -> None:
    """A list requiring rare tags would otherwise read every article of the user (migration 6)."""
    direct: asyncpg.Connection = await connect(migrated_database)
    try:
        await direct.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        for operator in TagOperator:
            param = SqlParams()
            spec = ListFilter(include_tag_ids=(5, 6), include_operator=operator)
            sql = f"EXPLAIN SELECT a.id FROM article a WHERE {filter_sql(spec, param, now=NOW)}"
            plan = "\n".join(row[0] for row in await direct.fetch(sql, *param.values))
            assert "Bitmap Index Scan on article_tag_ids_idx" in plan, (operator, plan)
    finally:
        await direct.close()
