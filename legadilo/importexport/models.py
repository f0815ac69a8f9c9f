"""Import jobs: an uploaded file processed in the background, resumable after an interruption."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from legadilo.accounts.models import User


class ImportKind(StrEnum):
    OPML = "OPML"
    CSV = "CSV"
    WALLABAG = "WALLABAG"


class ImportStatus(StrEnum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


class ImportJob(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="import_jobs", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(ImportKind, max_length=10)
    status = fields.CharEnumField(ImportStatus, max_length=10, default=ImportStatus.PENDING)
    file_path = fields.CharField(max_length=1024)
    original_filename = fields.CharField(max_length=255, default="")
    size_bytes = fields.BigIntField(default=0)
    bytes_read = fields.BigIntField(default=0)
    rows_done = fields.BigIntField(default=0)
    created_count = fields.BigIntField(default=0)
    skipped_count = fields.BigIntField(default=0)
    invalid_count = fields.BigIntField(default=0)
    rejected: list[dict[str, object]] = fields.JSONField(default=list)  # [{line, reason}] of skipped or invalid records
    checkpoint: dict[str, object] | None = fields.JSONField(null=True)  # where to resume after an interruption
    error_message = fields.TextField(default="")
    lease_owner = fields.CharField(max_length=64, default="")
    leased_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    started_at = fields.DatetimeField(null=True)
    finished_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "import_job"
        indexes = (("status", "created_at"), ("user",))
