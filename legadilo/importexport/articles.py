"""The one writer of imported articles (CSV, Wallabag), in one place: what a file gives (`ImportedArticle`),
its preparation (`prepare`, `prepare_batch`: pure, outside the transaction) and the bulk write of a batch
(`save_articles`, inside the batch's transaction; its merge rules are in article_writer's doc).

The code lives in article_preparation (types and preparation), article_writer (the order of the writes),
article_upserts (the articles' own rows) and article_relations (tags, groups, comments, feed links).
"""

from __future__ import annotations

from legadilo.importexport.article_preparation import (
    ArticleRow,
    ImportedArticle,
    ImportedGroup,
    prepare,
    prepare_batch,
    prepare_many,
    tag_titles,
)
from legadilo.importexport.article_writer import SaveResult, lock_user_imports, save_articles

__all__ = [
    "ArticleRow",
    "ImportedArticle",
    "ImportedGroup",
    "SaveResult",
    "lock_user_imports",
    "prepare",
    "prepare_batch",
    "prepare_many",
    "save_articles",
    "tag_titles",
]
