"""The custom CSV format (reference §6.4): the Django system's columns, so files go both ways.

One header row with these columns, in this order (extra columns are ignored on import). Cells holding lists
(`group_tags`, `article_authors`, `article_tags`, `article_comments`) are JSON arrays of strings; dates are
ISO 8601; booleans are written `True`/`False` and read from true/1/t/yes (any case). Rows come in three shapes:
a category row (only category columns), a feed row (category + feed columns) and an article row (group,
category and feed of its main feed, article columns).
"""

from __future__ import annotations

CSV_HEADER_FIELDS: tuple[str, ...] = (
    "group_id",
    "group_title",
    "group_description",
    "group_tags",
    "category_id",
    "category_title",
    "feed_id",
    "feed_title",
    "feed_url",
    "feed_site_url",
    "article_id",
    "article_title",
    "article_url",
    "article_content",
    "article_content_type",
    "article_date_published",
    "article_date_updated",
    "article_authors",
    "article_tags",
    "article_read_at",
    "article_is_favorite",
    "article_lang",
    "article_comments",
)
