"""Users, their settings, application tokens and notifications."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Theme(StrEnum):
    AUTO = "auto"
    LIGHT = "light"
    DARK = "dark"


class Language(StrEnum):
    ENGLISH = "en"


class User(Model):
    """An account. `email` is stored lower-cased, which makes its uniqueness case-insensitive."""

    id = fields.BigIntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=255, default="")
    password_hash = fields.CharField(max_length=255)
    is_admin = fields.BooleanField(default=False)
    is_active = fields.BooleanField(default=True)
    # Bumped on password change or "log out everywhere": sessions carrying an older epoch are refused.
    session_epoch = fields.IntField(default=0)
    failed_login_count = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    last_login_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "user"
        ordering = ["id"]


class UserSettings(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "models.User", related_name="settings", on_delete=fields.CASCADE
    )
    # Words per minute used to compute reading times; a CHECK keeps it >= 1 (no division by zero).
    words_per_minute = fields.IntField(default=200)
    timezone = fields.CharField(max_length=64, default="UTC")
    language = fields.CharEnumField(Language, max_length=10, default=Language.ENGLISH)
    theme = fields.CharEnumField(Theme, max_length=10, default=Theme.AUTO)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "user_settings"


class ApplicationToken(Model):
    """A long-lived API credential; only the argon2 hash of its secret is stored."""

    id = fields.BigIntField(primary_key=True)
    uuid = fields.UUIDField(unique=True)
    title = fields.CharField(max_length=255)
    token_hash = fields.CharField(max_length=255)
    validity_end = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="application_tokens", on_delete=fields.CASCADE
    )

    class Meta:
        table = "application_token"
        unique_together = (("user", "title"),)
        ordering = ["title"]


class Notification(Model):
    """A message for one user (feed disabled, import finished…). A CHECK pairs the link and its text."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="notifications", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=100)
    content = fields.TextField(default="")
    info_link = fields.CharField(max_length=1024, default="")
    info_link_text = fields.CharField(max_length=100, default="")
    read_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notification"
        indexes = (("user", "read_at"),)
