"""Feed sources (fetched once for everybody), subscriptions, categories, updates, entries and tombstones."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from legadilo.accounts.models import User
    from legadilo.reading.models import Article, Tag


class FeedType(StrEnum):
    """feedparser's versions, plus the JSON Feed versions our own adapter parses."""

    RSS090 = "rss090"
    RSS091N = "rss091n"
    RSS091U = "rss091u"
    RSS092 = "rss092"
    RSS093 = "rss093"
    RSS094 = "rss094"
    RSS20 = "rss20"
    RSS10 = "rss10"
    RSS = "rss"
    ATOM01 = "atom01"
    ATOM02 = "atom02"
    ATOM03 = "atom03"
    ATOM10 = "atom10"
    ATOM = "atom"
    CDF = "cdf"
    JSON1 = "json1"
    JSON10 = "json10"
    JSON11 = "json11"


class RefreshDelay(StrEnum):
    HOURLY = "HOURLY"
    BIHOURLY = "BIHOURLY"
    EVERY_MORNING = "EVERY_MORNING"
    DAILY_AT_NOON = "DAILY_AT_NOON"
    EVERY_EVENING = "EVERY_EVENING"
    ON_MONDAYS = "ON_MONDAYS"
    ON_THURSDAYS = "ON_THURSDAYS"
    ON_SATURDAYS = "ON_SATURDAYS"
    ON_SUNDAYS = "ON_SUNDAYS"
    TWICE_A_WEEK = "TWICE_A_WEEK"
    FIRST_DAY_OF_THE_MONTH = "FIRST_DAY_OF_THE_MONTH"
    MIDDLE_OF_THE_MONTH = "MIDDLE_OF_THE_MONTH"
    END_OF_THE_MONTH = "END_OF_THE_MONTH"
    THRICE_A_MONTH = "THRICE_A_MONTH"


class FetchOutcome(StrEnum):
    NEVER = "NEVER"
    SUCCESS = "SUCCESS"
    NOT_MODIFIED = "NOT_MODIFIED"
    FAILURE = "FAILURE"


class UpdateStatus(StrEnum):
    SUCCESS = "SUCCESS"
    NOT_MODIFIED = "NOT_MODIFIED"
    FAILURE = "FAILURE"


class FeedSource(Model):
    """One distinct feed URL, fetched once for all its subscribers; holds the fetch state and schedule."""

    id = fields.BigIntField(primary_key=True)
    url = fields.CharField(max_length=2048, unique=True)
    etag = fields.CharField(max_length=1024, default="")
    last_modified = fields.CharField(max_length=128, default="")
    body_hash = fields.CharField(max_length=64, default="")
    next_check_at = fields.DatetimeField(db_index=True)
    # Row lease: a worker owns the source until `leased_until`, so nobody else fetches it meanwhile.
    lease_owner = fields.CharField(max_length=64, default="")
    leased_until = fields.DatetimeField(null=True)
    last_checked_at = fields.DatetimeField(null=True)
    last_outcome = fields.CharEnumField(FetchOutcome, max_length=20, default=FetchOutcome.NEVER)
    last_error = fields.TextField(default="")
    error_streak = fields.IntField(default=0)
    first_error_at = fields.DatetimeField(null=True)
    retry_after_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "feed_source"


class FeedCategory(Model):
    """A user's folder of feeds; folders nest through `parent`."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="feed_categories", on_delete=fields.CASCADE
    )
    parent: fields.ForeignKeyNullableRelation[FeedCategory] = fields.ForeignKeyField(
        "models.FeedCategory", related_name="children", null=True, on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=100)
    slug = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "feed_category"
        unique_together = (("user", "slug"),)
        ordering = ["title"]
        indexes = (("parent",),)


class Feed(Model):
    """A user's subscription to a feed source. A CHECK keeps `disabled_at` and `disabled_reason` consistent."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="feeds", on_delete=fields.CASCADE
    )
    source: fields.ForeignKeyRelation[FeedSource] = fields.ForeignKeyField(
        "models.FeedSource", related_name="subscriptions", on_delete=fields.RESTRICT
    )
    category: fields.ForeignKeyNullableRelation[FeedCategory] = fields.ForeignKeyField(
        "models.FeedCategory", related_name="feeds", null=True, on_delete=fields.SET_NULL
    )
    title = fields.CharField(max_length=300)
    slug = fields.CharField(max_length=300, default="")
    site_url = fields.CharField(max_length=2048, default="")
    description = fields.TextField(default="")
    feed_type = fields.CharEnumField(FeedType, max_length=20)
    refresh_delay = fields.CharEnumField(RefreshDelay, max_length=40, default=RefreshDelay.DAILY_AT_NOON)
    article_retention_time = fields.IntField(default=0)  # days; 0 keeps articles forever
    open_original_url_by_default = fields.BooleanField(default=False)
    disabled_at = fields.DatetimeField(null=True)
    disabled_reason = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "feed"
        unique_together = (("user", "source"),)
        ordering = ["id"]
        indexes = (("source",), ("category",))


class FeedTag(Model):
    """A tag applied to every new article of a feed."""

    id = fields.BigIntField(primary_key=True)
    feed: fields.ForeignKeyRelation[Feed] = fields.ForeignKeyField(
        "models.Feed", related_name="feed_tags", on_delete=fields.CASCADE
    )
    tag: fields.ForeignKeyRelation[Tag] = fields.ForeignKeyField(
        "models.Tag", related_name="feed_tags", on_delete=fields.CASCADE
    )

    class Meta:
        table = "feed_tag"
        unique_together = (("feed", "tag"),)
        indexes = (("tag",),)


class FeedUpdate(Model):
    """One row per fetch attempt of a source: success, not modified, or failure with a technical record."""

    id = fields.BigIntField(primary_key=True)
    source: fields.ForeignKeyRelation[FeedSource] = fields.ForeignKeyField(
        "models.FeedSource", related_name="updates", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(UpdateStatus, max_length=20)
    http_status = fields.IntField(null=True)
    error_message = fields.TextField(default="")
    technical_debug_data: dict[str, object] | None = fields.JSONField(null=True)
    etag = fields.CharField(max_length=1024, default="")
    last_modified = fields.CharField(max_length=128, default="")
    new_entries = fields.IntField(default=0)
    updated_entries = fields.IntField(default=0)
    ignored_entry_keys: list[str] = fields.JSONField(default=list)
    duration_ms = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "feed_update"
        indexes = (("source", "created_at"),)
        ordering = ["-created_at"]


class FeedEntry(Model):
    """An entry seen in a source, keyed by its id in the feed (or its URL): what makes an entry new or changed."""

    id = fields.BigIntField(primary_key=True)
    source: fields.ForeignKeyRelation[FeedSource] = fields.ForeignKeyField(
        "models.FeedSource", related_name="entries", on_delete=fields.CASCADE
    )
    entry_key = fields.TextField()
    url = fields.CharField(max_length=1024, default="")
    content_hash = fields.CharField(max_length=64, default="")
    source_updated_at = fields.DatetimeField(null=True)
    first_seen_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "feed_entry"
        unique_together = (("source", "entry_key"),)


class FeedArticle(Model):
    """Links a subscription's entry to the user's article. `article` NULL is a tombstone: the user deleted
    it, so the entry is never added again. Several entry keys may point to one article (a feed that
    publishes the same URL under two ids, or changes its id scheme): deleting it tombstones them all."""

    id = fields.BigIntField(primary_key=True)
    feed: fields.ForeignKeyRelation[Feed] = fields.ForeignKeyField(
        "models.Feed", related_name="feed_articles", on_delete=fields.CASCADE
    )
    article: fields.ForeignKeyNullableRelation[Article] = fields.ForeignKeyField(
        "models.Article", related_name="feed_articles", null=True, on_delete=fields.SET_NULL
    )
    entry_key = fields.TextField()
    last_seen_at = fields.DatetimeField(auto_now_add=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "feed_article"
        unique_together = (("feed", "entry_key"),)
        indexes = (("article",),)
