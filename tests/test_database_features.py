"""What the migrations add beyond the models: search vector, constraints, and the migration lock."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from legadilo import schema
from legadilo.accounts.models import User, UserSettings
from legadilo.db import DatabaseTarget, connect, is_deadlock, retrying_deadlocks
from legadilo.feeds.models import Feed, FeedSource, FeedType
from legadilo.reading.models import Article
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD, drop_database, recreate_database


async def _search(user_id: int, query: str) -> list[str]:
    _, rows = await Tortoise.get_connection("default").execute_query(
        """SELECT title FROM article JOIN article_search ON article_id = id
           WHERE user_id = $1 AND vector @@ websearch_to_tsquery('english', $2)
           ORDER BY ts_rank(vector, websearch_to_tsquery('english', $2)) DESC, id""",
        [user_id, query],
    )
    return [row["title"] for row in rows]


async def test_the_search_vector_is_maintained_and_weighs_the_title_first(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    await Article.create(user_id=user.id, url="https://a.example/1", title="Gardening notes", content="<p>penguins</p>")
    await Article.create(user_id=user.id, url="https://a.example/2", title="Penguins of the south", content="ice")
    await Article.create(user_id=user.id, url="https://a.example/3", title="Other", authors=["Pat Penguin"])

    assert await _search(user.id, "penguins") == ["Penguins of the south", "Gardening notes", "Other"]
    assert await _search(user.id, "gardening") == ["Gardening notes"]

    await Article.filter(title="Other").update(title="Renamed", authors=[])
    assert await _search(user.id, "penguin") == ["Penguins of the south", "Gardening notes"]


async def test_a_huge_article_is_stored_and_searchable_by_its_beginning(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    words = " ".join(f"word{i}" for i in range(600_000))  # about 6 MB: past the 1 MB tsvector limit
    await Article.create(user_id=user.id, url="https://a.example/huge", title="Huge", content=f"zebra {words}")

    assert await _search(user.id, "zebra") == ["Huge"]


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        ("UPDATE \"user\" SET email = 'UPPER@example.org'", "user_email_lowercase_check"),
        ("UPDATE user_settings SET words_per_minute = 0", "user_settings_words_per_minute_check"),
        ("UPDATE user_settings SET theme = 'neon'", "user_settings_theme_check"),
        ("UPDATE reading_list SET read_status = 'SOMETIMES'", "reading_list_read_status_check"),
        ("UPDATE reading_list SET articles_max_age_value = -1", "reading_list_counters_check"),
    ],
)
async def test_the_database_refuses_values_the_application_would_never_write(
    db: Runtime, sql: str, constraint: str
) -> None:
    await register_user("alice@example.org", TEST_PASSWORD)

    with pytest.raises(IntegrityError, match=constraint):
        await Tortoise.get_connection("default").execute_script(sql)


async def test_a_disabled_reason_needs_a_disabled_date(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    source = await FeedSource.create(url="https://a.example/feed", next_check_at=db.clock.now())
    feed = await Feed.create(user_id=user.id, source=source, title="A", feed_type=FeedType.RSS20)

    with pytest.raises(IntegrityError, match="feed_disabled_consistency_check"):
        await Feed.filter(id=feed.id).update(disabled_reason="broken")
    await Feed.filter(id=feed.id).update(disabled_reason="broken", disabled_at=db.clock.now())
    assert (await Feed.get(id=feed.id)).disabled_reason == "broken"


async def test_deleting_a_user_cascades_but_a_shared_source_stays(db: Runtime) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    source = await FeedSource.create(url="https://a.example/feed", next_check_at=db.clock.now())
    await Feed.create(user_id=user.id, source=source, title="A", feed_type=FeedType.ATOM10)

    await user.delete()

    assert await UserSettings.all().count() == 0
    assert await Feed.all().count() == 0
    assert await FeedSource.filter(id=source.id).exists()
    assert await User.all().count() == 0


async def test_concurrent_upgrades_apply_each_migration_once(database_target: DatabaseTarget, runtime: Runtime) -> None:
    target = database_target.with_database(database_target.database + "_race")
    await recreate_database(target)
    try:
        results = await asyncio.gather(*(schema.upgrade(target) for _ in range(3)))
        applied = sorted(name for result in results for name in result)
        assert applied == sorted(schema.history())
        assert await schema.heads(target) == []
    finally:
        await drop_database(target)


async def test_the_apps_connections_run_without_jit(db: Runtime) -> None:
    rows = await Tortoise.get_connection("default").execute_query_dict("SHOW jit")
    assert rows == [{"jit": "off"}]


async def test_a_lists_cut_off_date_is_planned_with_its_value_however_often_the_statement_runs(
    db: Runtime,
) -> None:
    """After five runs of a prepared statement PostgreSQL may switch to a generic plan made without the
    values; the app's connections ask for custom plans (legadilo.db.tortoise_config)."""
    user = await register_user("alice@example.org", TEST_PASSWORD)
    async with in_transaction() as connection:  # one connection: a prepared statement belongs to it
        await connection.execute_script(
            "PREPARE recent(bigint, timestamptz) AS SELECT id FROM article WHERE user_id = $1 AND published_at > $2"
        )
        for _ in range(6):
            await connection.execute_query(f"EXECUTE recent({user.id}, '2026-01-01T00:00:00Z')")
        rows = await connection.execute_query_dict(f"EXPLAIN EXECUTE recent({user.id}, '2026-01-01T00:00:00Z')")
        mode = await connection.execute_query_dict("SHOW plan_cache_mode")
        await connection.execute_script("DEALLOCATE recent")
    plan = "\n".join(row["QUERY PLAN"] for row in rows)
    assert mode == [{"plan_cache_mode": "force_custom_plan"}]
    assert "2026-01-01" in plan and "$2" not in plan, plan  # the value is in the plan: a custom one


async def _search_row_version(article_id: int) -> str:
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "SELECT xmin::text AS version FROM article_search WHERE article_id = $1", [article_id]
    )
    return str(rows[0]["version"]) if rows else ""


async def test_the_search_row_is_rewritten_only_when_searched_text_changes_and_goes_with_its_article(
    db: Runtime,
) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    article = await Article.create(user_id=user.id, url="https://a.example/1", title="Penguins", content="ice")
    written = await _search_row_version(article.id)
    assert written

    await Article.filter(id=article.id).update(is_favorite=True, reading_time=3, title="Penguins")
    assert await _search_row_version(article.id) == written  # state and unchanged text: the vector stays

    await Article.filter(id=article.id).update(content="<p>walruses</p>")
    assert await _search_row_version(article.id) != written
    assert await _search(user.id, "walrus") == ["Penguins"]
    assert await _search(user.id, "ice") == []

    await Article.filter(id=article.id).delete()
    assert await _search_row_version(article.id) == ""


async def test_a_statement_chosen_to_break_a_deadlock_is_run_again(
    db: Runtime, migrated_database: DatabaseTarget
) -> None:
    user = await register_user("alice@example.org", TEST_PASSWORD)
    first = await Article.create(user_id=user.id, url="https://a.example/1", title="first")
    second = await Article.create(user_id=user.id, url="https://a.example/2", title="second")
    other = await connect(migrated_database)
    attempts = 0

    async def mark_both() -> None:
        """Locks the first article, then waits for the second: the waiter that starts first is the victim."""
        nonlocal attempts
        attempts += 1
        async with in_transaction() as connection:
            await connection.execute_query("UPDATE article SET reading_time = 1 WHERE id = $1", [first.id])
            await connection.execute_query("UPDATE article SET reading_time = 2 WHERE id = $1", [second.id])

    try:
        transaction = other.transaction()
        await transaction.start()
        await other.execute("UPDATE article SET is_favorite = true WHERE id = $1", second.id)
        marking = asyncio.create_task(retrying_deadlocks(mark_both))
        await asyncio.sleep(0.3)  # mark_both holds the first article and waits for the second
        await other.execute("UPDATE article SET is_favorite = true WHERE id = $1", first.id)  # the cycle
        await transaction.commit()
        await marking
    finally:
        await other.close()

    assert attempts == 2
    assert is_deadlock(await _deadlock_error()) and not is_deadlock(ValueError("nothing to do with it"))
    stored = {a.id: (a.reading_time, a.is_favorite) for a in await Article.filter(user_id=user.id)}
    assert stored == {first.id: (1, True), second.id: (2, True)}


async def _deadlock_error() -> BaseException:
    """What Tortoise raises for a deadlock: its own error, the driver's as the cause."""
    try:
        await Tortoise.get_connection("default").execute_query(
            "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40P01', MESSAGE = 'deadlock detected'; END $$"
        )
    except Exception as exc:  # noqa: BLE001 - returned to be inspected
        return exc
    raise AssertionError("no error raised")
