"""What the database must enforce beyond Tortoise's own DDL, read from the models (used by the tests
that hold the migrations to the models)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tortoise import Tortoise
from tortoise.fields.data import CharEnumFieldInstance


@dataclass(frozen=True)
class EnumColumn:
    table: str
    column: str
    values: frozenset[str]

    @property
    def constraint_name(self) -> str:
        return f"{self.table}_{self.column}_check"


def enum_columns(app_label: str = "models") -> Iterator[EnumColumn]:
    """Every enum column of the app's models (Tortoise must be initialised)."""
    for model in Tortoise.apps[app_label].values():
        for field in model._meta.fields_map.values():
            if isinstance(field, CharEnumFieldInstance):
                yield EnumColumn(
                    table=model._meta.db_table,
                    column=field.source_field or field.model_field_name,
                    values=frozenset(str(member.value) for member in field.enum_type),
                )
