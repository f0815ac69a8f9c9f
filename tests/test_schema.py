"""The migrations are the schema's only source of truth: they must agree with the models."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.utils import get_schema_sql

from legadilo import schema
from legadilo.core.model_checks import enum_columns
from legadilo.db import APP_LABEL, MIGRATIONS_DIR, DatabaseTarget
from legadilo.runtime import Runtime
from tests.conftest import drop_database, recreate_database

# What the hand-written migration adds on purpose, beyond what the models declare.
EXTRA_COLUMNS = {("article", "tag_ids"), ("article_search", "article_id"), ("article_search", "vector")}
EXTRA_FOREIGN_KEYS = {("article_search", "article_id", "article", "c")}
EXTRA_INDEXES = {
    "reading_list_one_default_per_user",
    "article_search_vector_idx",
    "article_user_sort_idx",
    "article_user_unread_sort_idx",
    "article_user_favorite_idx",
    "article_user_for_later_idx",
    "article_user_published_idx",
    "feed_source_due_idx",
    "article_unread_counts_idx",
    "article_tag_ids_idx",
}


@dataclass(frozen=True)
class Shape:
    columns: set[tuple[str, str, str, str, int | None]]
    uniques: set[tuple[str, tuple[str, ...]]]
    foreign_keys: set[tuple[str, str, str, str]]
    indexes: dict[str, tuple[str, str]]  # name -> (table, definition without the name)


async def _shape(connection: asyncpg.Connection) -> Shape:
    columns = await connection.fetch(
        """SELECT table_name, column_name, data_type, is_nullable, character_maximum_length
           FROM information_schema.columns WHERE table_schema = 'public'"""
    )
    uniques = await connection.fetch(
        """SELECT c.conrelid::regclass::text AS tbl,
                  array_agg(a.attname::text ORDER BY a.attname) AS cols
           FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
           WHERE c.contype = 'u' AND c.connamespace = 'public'::regnamespace GROUP BY c.oid, tbl"""
    )
    fks = await connection.fetch(
        """SELECT c.conrelid::regclass::text AS tbl, a.attname::text AS col,
                  c.confrelid::regclass::text AS target, c.confdeltype::text AS on_delete
           FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
           WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace"""
    )
    indexes = await connection.fetch(
        """SELECT i.indexrelid::regclass::text AS name, i.indrelid::regclass::text AS tbl,
                  pg_get_indexdef(i.indexrelid) AS def
           FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
           WHERE c.relnamespace = 'public'::regnamespace AND NOT i.indisprimary
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"""
    )
    return Shape(
        columns={tuple(row.values()) for row in columns},
        uniques={(row["tbl"], tuple(row["cols"])) for row in uniques},
        foreign_keys={tuple(row.values()) for row in fks},
        indexes={row["name"]: (row["tbl"], re.sub(r"INDEX \S+ ON", "INDEX ON", row["def"])) for row in indexes},
    )


@pytest.fixture
async def models_only_database(database_target: DatabaseTarget, runtime: Runtime) -> AsyncIterator[DatabaseTarget]:
    """A database made from the models alone (Tortoise's own DDL), beside the migrated one."""
    target = database_target.with_database(database_target.database + "_models")
    await recreate_database(target)
    ddl = get_schema_sql(Tortoise.get_connection("default"), safe=False)
    connection = await asyncpg.connect(**target.connect_kwargs())
    try:
        await connection.execute(ddl)
    finally:
        await connection.close()
    yield target
    await drop_database(target)


async def _shape_of(target: DatabaseTarget) -> Shape:
    connection = await asyncpg.connect(**target.connect_kwargs())
    try:
        return await _shape(connection)
    finally:
        await connection.close()


async def test_migrations_and_models_describe_the_same_schema(
    migrated_database: DatabaseTarget, models_only_database: DatabaseTarget
) -> None:
    migrated, models = await _shape_of(migrated_database), await _shape_of(models_only_database)
    migrated_columns = {c for c in migrated.columns if (c[0], c[1]) not in EXTRA_COLUMNS and c[0] != "aerich"}
    assert migrated_columns == {c for c in models.columns if c[0] != "aerich"}
    assert migrated.uniques == models.uniques
    assert migrated.foreign_keys - EXTRA_FOREIGN_KEYS == models.foreign_keys
    assert migrated.foreign_keys >= EXTRA_FOREIGN_KEYS
    model_index_defs = {definition for name, definition in models.indexes.items()}
    migrated_index_defs = {d for name, d in migrated.indexes.items() if name not in EXTRA_INDEXES}
    assert migrated_index_defs == model_index_defs
    assert set(migrated.indexes) >= EXTRA_INDEXES


async def test_every_enum_column_has_a_check_constraint_with_exactly_its_values(
    migrated_database: DatabaseTarget, runtime: Runtime
) -> None:
    connection = await asyncpg.connect(**migrated_database.connect_kwargs())
    try:
        rows = await connection.fetch(
            """SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
               WHERE contype = 'c' AND connamespace = 'public'::regnamespace"""
        )
    finally:
        await connection.close()
    definitions = {row["conname"]: row["def"] for row in rows}
    columns = list(enum_columns())
    assert len(columns) >= 15
    for column in columns:
        definition = definitions.get(column.constraint_name)
        assert definition is not None, f"no CHECK on {column.table}.{column.column}"
        assert set(re.findall(r"'([^']*)'", definition)) == column.values, column


async def test_all_migrations_are_applied_and_downgrade_then_upgrade_round_trips(
    database_target: DatabaseTarget, runtime: Runtime
) -> None:
    target = database_target.with_database(database_target.database + "_roundtrip")
    await recreate_database(target)
    try:
        assert await schema.heads(target) == schema.history()
        assert await schema.upgrade(target) == schema.history()
        assert await schema.heads(target) == []
        assert await schema.upgrade(target) == []
        last = schema.history()[-1]
        assert await schema.downgrade(target, -1) == [last]
        assert await schema.heads(target) == [last]
        assert await schema.upgrade(target) == [last]
        assert await schema.heads(target) == []
    finally:
        await drop_database(target)


def test_the_last_migration_records_the_models_as_they_are_now(runtime: Runtime) -> None:
    """aerich diffs the next migration against the MODELS_STATE of the last one: if that state drifted from
    the models, `aerich migrate` would generate a wrong migration."""
    import importlib.util

    from aerich.utils import decompress_dict, get_models_describe

    last = MIGRATIONS_DIR / APP_LABEL / schema.history()[-1]
    spec = importlib.util.spec_from_file_location("last_migration", last)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    # As stored: tuples become lists and enum defaults their values (a JSON round trip).
    current = json.loads(json.dumps(get_models_describe(APP_LABEL), default=str))
    assert decompress_dict(module.MODELS_STATE) == current
