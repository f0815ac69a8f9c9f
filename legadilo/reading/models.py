"""Articles, tags, reading lists, comments, article groups and fetch errors.

Read/opened state is `read_at` / `opened_at` (NULL or not): the reference's generated booleans are
computed in queries. Two things the migrations add are never written by the application: the weighted
full-text vector (table `article_search`, kept by triggers on `article`, migration 4) and `article.tag_ids`
(kept by triggers on `article_tag`, migration 3); Tortoise has no field for either.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from legadilo.accounts.models import User
    from legadilo.feeds.models import Feed


class ContentType(StrEnum):
    HTML = "text/html"
    XHTML = "application/xhtml+xml"
    PLAIN = "text/plain"


class SourceType(StrEnum):
    FEED = "FEED"
    MANUAL = "MANUAL"


class ReadStatus(StrEnum):
    ALL = "ALL"
    ONLY_UNREAD = "ONLY_UNREAD"
    ONLY_READ = "ONLY_READ"


class FavoriteStatus(StrEnum):
    ALL = "ALL"
    ONLY_FAVORITE = "ONLY_FAVORITE"
    ONLY_NON_FAVORITE = "ONLY_NON_FAVORITE"


class ForLaterStatus(StrEnum):
    ALL = "ALL"
    ONLY_FOR_LATER = "ONLY_FOR_LATER"
    ONLY_NOT_FOR_LATER = "ONLY_NOT_FOR_LATER"


class MaxAgeUnit(StrEnum):
    UNSET = "UNSET"
    HOURS = "HOURS"
    DAYS = "DAYS"
    WEEKS = "WEEKS"
    MONTHS = "MONTHS"


class ReadingTimeOperator(StrEnum):
    UNSET = "UNSET"
    MORE_THAN = "MORE_THAN"
    LESS_THAN = "LESS_THAN"


class TagOperator(StrEnum):
    ALL = "ALL"
    ANY = "ANY"


class OrderDirection(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


class TagFilterType(StrEnum):
    INCLUDE = "INCLUDE"
    EXCLUDE = "EXCLUDE"


class ArticlesGroup(Model):
    """A series of articles read in order."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="article_groups", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=300)
    slug = fields.CharField(max_length=300, default="")
    description = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "articles_group"
        ordering = ["created_at", "id"]
        indexes = (("user",),)


class Article(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="articles", on_delete=fields.CASCADE
    )
    url = fields.CharField(max_length=1024)
    title = fields.CharField(max_length=300)
    slug = fields.CharField(max_length=300, default="")
    summary = fields.TextField(default="")  # sanitised HTML
    content = fields.TextField(default="")  # sanitised HTML, or raw text when content_type is text/plain
    content_type = fields.CharEnumField(ContentType, max_length=50, default=ContentType.HTML)
    reading_time = fields.IntField(default=0)  # minutes
    authors: list[str] = fields.JSONField(default=list)
    contributors: list[str] = fields.JSONField(default=list)
    preview_picture_url = fields.CharField(max_length=1024, default="")
    preview_picture_alt = fields.TextField(default="")
    external_tags: list[str] = fields.JSONField(default=list)
    external_article_id = fields.CharField(max_length=512, default="")
    annotations: list[dict[str, object]] = fields.JSONField(default=list)
    language = fields.CharField(max_length=5, default="")
    table_of_content: list[dict[str, object]] = fields.JSONField(default=list)
    read_at = fields.DatetimeField(null=True)
    opened_at = fields.DatetimeField(null=True)
    is_favorite = fields.BooleanField(default=False)
    is_for_later = fields.BooleanField(default=False)
    main_source_type = fields.CharEnumField(SourceType, max_length=20, default=SourceType.FEED)
    main_source_title = fields.CharField(max_length=300, default="")
    main_feed: fields.ForeignKeyNullableRelation[Feed] = fields.ForeignKeyField(
        "models.Feed", related_name="main_articles", null=True, on_delete=fields.SET_NULL
    )
    group: fields.ForeignKeyNullableRelation[ArticlesGroup] = fields.ForeignKeyField(
        "models.ArticlesGroup", related_name="articles", null=True, on_delete=fields.SET_NULL
    )
    group_order = fields.IntField(default=0)
    published_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(null=True)  # the source's update date, not a technical timestamp
    obj_created_at = fields.DatetimeField(auto_now_add=True)
    obj_updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "article"
        unique_together = (("user", "url"), ("group", "group_order"))
        indexes = (("main_feed",),)


class Tag(Model):
    """A user's tag, identified by its slug. Tags nest through SubTagMapping."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tags", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=50)
    slug = fields.CharField(max_length=50)

    class Meta:
        table = "tag"
        unique_together = (("user", "slug"),)
        ordering = ["title", "id"]


class SubTagMapping(Model):
    id = fields.BigIntField(primary_key=True)
    base_tag: fields.ForeignKeyRelation[Tag] = fields.ForeignKeyField(
        "models.Tag", related_name="sub_tag_mappings", on_delete=fields.CASCADE
    )
    sub_tag: fields.ForeignKeyRelation[Tag] = fields.ForeignKeyField(
        "models.Tag", related_name="base_tag_mappings", on_delete=fields.CASCADE
    )

    class Meta:
        table = "sub_tag_mapping"
        unique_together = (("base_tag", "sub_tag"),)
        indexes = (("sub_tag",),)


class ArticleTag(Model):
    id = fields.BigIntField(primary_key=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        "models.Article", related_name="article_tags", on_delete=fields.CASCADE
    )
    tag: fields.ForeignKeyRelation[Tag] = fields.ForeignKeyField(
        "models.Tag", related_name="article_tags", on_delete=fields.CASCADE
    )

    class Meta:
        table = "article_tag"
        unique_together = (("article", "tag"),)
        indexes = (("tag", "article"),)


class ArticlesGroupTag(Model):
    id = fields.BigIntField(primary_key=True)
    articles_group: fields.ForeignKeyRelation[ArticlesGroup] = fields.ForeignKeyField(
        "models.ArticlesGroup", related_name="articles_group_tags", on_delete=fields.CASCADE
    )
    tag: fields.ForeignKeyRelation[Tag] = fields.ForeignKeyField(
        "models.Tag", related_name="articles_group_tags", on_delete=fields.CASCADE
    )

    class Meta:
        table = "articles_group_tag"
        unique_together = (("articles_group", "tag"),)
        indexes = (("tag",),)


class ReadingList(Model):
    """A saved filter over the user's articles. One list per user is the default (a partial unique index)."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="reading_lists", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=255)
    slug = fields.CharField(max_length=255)
    is_default = fields.BooleanField(default=False)
    enable_reading_on_scroll = fields.BooleanField(default=False)
    auto_refresh_interval = fields.IntField(default=0)  # hours; 0 = off
    order = fields.IntField(default=0)
    read_status = fields.CharEnumField(ReadStatus, max_length=20, default=ReadStatus.ALL)
    favorite_status = fields.CharEnumField(FavoriteStatus, max_length=20, default=FavoriteStatus.ALL)
    for_later_status = fields.CharEnumField(ForLaterStatus, max_length=20, default=ForLaterStatus.ALL)
    articles_max_age_value = fields.IntField(default=0)
    articles_max_age_unit = fields.CharEnumField(MaxAgeUnit, max_length=10, default=MaxAgeUnit.UNSET)
    articles_reading_time = fields.IntField(default=0)
    articles_reading_time_operator = fields.CharEnumField(
        ReadingTimeOperator, max_length=10, default=ReadingTimeOperator.UNSET
    )
    include_tag_operator = fields.CharEnumField(TagOperator, max_length=5, default=TagOperator.ALL)
    exclude_tag_operator = fields.CharEnumField(TagOperator, max_length=5, default=TagOperator.ALL)
    order_direction = fields.CharEnumField(OrderDirection, max_length=5, default=OrderDirection.DESC)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "reading_list"
        unique_together = (("user", "slug"),)
        ordering = ["order", "id"]


class ReadingListTag(Model):
    id = fields.BigIntField(primary_key=True)
    reading_list: fields.ForeignKeyRelation[ReadingList] = fields.ForeignKeyField(
        "models.ReadingList", related_name="reading_list_tags", on_delete=fields.CASCADE
    )
    tag: fields.ForeignKeyRelation[Tag] = fields.ForeignKeyField(
        "models.Tag", related_name="reading_list_tags", on_delete=fields.CASCADE
    )
    filter_type = fields.CharEnumField(TagFilterType, max_length=10, default=TagFilterType.INCLUDE)

    class Meta:
        table = "reading_list_tag"
        unique_together = (("reading_list", "tag"),)
        indexes = (("tag",),)


class Comment(Model):
    id = fields.BigIntField(primary_key=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        "models.Article", related_name="comments", on_delete=fields.CASCADE
    )
    text = fields.TextField()  # raw Markdown, rendered sanitised
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "comment"
        ordering = ["created_at", "id"]
        indexes = (("article",),)


class ArticleFetchError(Model):
    id = fields.BigIntField(primary_key=True)
    article: fields.ForeignKeyRelation[Article] = fields.ForeignKeyField(
        "models.Article", related_name="fetch_errors", on_delete=fields.CASCADE
    )
    message = fields.TextField()
    technical_debug_data: dict[str, object] | None = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "article_fetch_error"
        indexes = (("article",),)
