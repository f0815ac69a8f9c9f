"""Article actions (reference §4.4, §4.6): read/unread, favourite, for later, opened, bulk read (read on
scroll), delete, and edits of the title, tags and reading time.

Each answers what a page needs to update the article's card and the counters in place: the card as it now
is (None once deleted), the unread count of every list, and the lists the article still belongs to (a card
leaves a list it no longer matches).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from legadilo.core.errors import InvalidInput, NotFound
from legadilo.core.text import slugify
from legadilo.reading import list_queries, queries
from legadilo.reading.list_queries import CARD_COLUMNS, CARD_JOINS, ArticleCard, ListCounters, is_id
from legadilo.reading.services import unread_counters

TITLE_MAX_LENGTH = 300
MAX_READING_TIME = 100_000  # minutes
MAX_TAGS = 100
MAX_BULK_IDS = 1000


class ArticleAction(StrEnum):
    MARK_AS_READ = "MARK_AS_READ"
    MARK_AS_UNREAD = "MARK_AS_UNREAD"
    MARK_AS_FAVORITE = "MARK_AS_FAVORITE"
    UNMARK_AS_FAVORITE = "UNMARK_AS_FAVORITE"
    MARK_AS_FOR_LATER = "MARK_AS_FOR_LATER"
    UNMARK_AS_FOR_LATER = "UNMARK_AS_FOR_LATER"
    MARK_AS_OPENED = "MARK_AS_OPENED"


# The SET clause of each action ($3 is now). Read and opened keep their first date.
_SET = {
    ArticleAction.MARK_AS_READ: "read_at = COALESCE(read_at, $3)",
    ArticleAction.MARK_AS_UNREAD: "read_at = NULL",
    ArticleAction.MARK_AS_FAVORITE: "is_favorite = true",
    ArticleAction.UNMARK_AS_FAVORITE: "is_favorite = false",
    ArticleAction.MARK_AS_FOR_LATER: "is_for_later = true",
    ArticleAction.UNMARK_AS_FOR_LATER: "is_for_later = false",
    ArticleAction.MARK_AS_OPENED: list_queries.OPENED_ASSIGNMENT,
}


def _check_id(article_id: int) -> None:
    if not is_id(article_id):
        raise NotFound(f"no article {str(article_id)[:40]} for this user")


@dataclass(frozen=True)
class ActionResult:
    article: ArticleCard | None
    counters: ListCounters


async def _result(user_id: int, article_id: int, *, now: datetime) -> ActionResult:
    card = await list_queries.card_by_id(user_id, article_id)
    if card is None:
        raise NotFound(f"no article {article_id} for this user")
    return ActionResult(card, await unread_counters(user_id, now=now, article_id=article_id))


async def apply_article_action(user_id: int, article_id: int, action: ArticleAction, *, now: datetime) -> ActionResult:
    """One action on one article, in one UPDATE that answers the new card.

    Raises:
        NotFound: no such article for this user.
        InvalidInput: an unknown action.
    """
    try:
        assignment = _SET[ArticleAction(action)]
    except ValueError:
        raise InvalidInput(f"unknown article action: {str(action)[:40]}") from None
    _check_id(article_id)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        f"""WITH a AS (UPDATE article SET {assignment}, obj_updated_at = $3 WHERE id = $1 AND user_id = $2
                RETURNING *)
            SELECT {CARD_COLUMNS} FROM a {CARD_JOINS}""",  # noqa: S608 (constant fragments)
        [article_id, user_id, now],
    )
    if not rows:
        raise NotFound(f"no article {article_id} for this user")
    card = (await list_queries.with_tags(rows))[0]
    return ActionResult(card, await unread_counters(user_id, now=now, article_id=article_id))


async def mark_articles_as_read(user_id: int, article_ids: Sequence[int], *, now: datetime) -> ListCounters:
    """Read on scroll: mark the given articles read (ids of other users' articles are ignored), one UPDATE.

    Raises:
        InvalidInput: no id, or more than MAX_BULK_IDS.
    """
    ids = sorted(set(article_ids))
    if not ids or len(ids) > MAX_BULK_IDS:
        raise InvalidInput(f"give 1 to {MAX_BULK_IDS} article ids")
    if not all(is_id(i) for i in ids):
        raise InvalidInput("an article id is not a valid id")
    await Tortoise.get_connection("default").execute_query_dict(
        "UPDATE article SET read_at = $3, obj_updated_at = $3"
        " WHERE user_id = $1 AND id = ANY($2::bigint[]) AND read_at IS NULL",
        [user_id, ids, now],
    )
    return await unread_counters(user_id, now=now)


async def delete_article(user_id: int, article_id: int, *, now: datetime) -> ListCounters:
    """Delete an article. Its feed entries stay as tombstones (feed_article.article_id is set to NULL by the
    foreign key), so that no refresh of the feed ever adds it again; tags, comments and errors go with it.

    Raises:
        NotFound: no such article for this user.
    """
    _check_id(article_id)
    rows = await Tortoise.get_connection("default").execute_query_dict(
        "DELETE FROM article WHERE id = $1 AND user_id = $2 RETURNING id", [article_id, user_id]
    )
    if not rows:
        raise NotFound(f"no article {article_id} for this user")
    return await unread_counters(user_id, now=now)


@dataclass(frozen=True)
class ArticleChanges:
    """The edits of the details page; None leaves a field as it is. `tags` replaces the tag set exactly
    (titles or slugs; unknown ones are created)."""

    title: str | None = None
    tags: Sequence[str] | None = None
    reading_time: int | None = None


def _clean_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise InvalidInput("the title cannot be empty")
    if len(cleaned) > TITLE_MAX_LENGTH:
        raise InvalidInput(f"the title is longer than {TITLE_MAX_LENGTH} characters")
    return cleaned


def _check(changes: ArticleChanges) -> None:
    if changes.reading_time is not None and (
        isinstance(changes.reading_time, bool)
        or not isinstance(changes.reading_time, int)
        or not 0 <= changes.reading_time <= MAX_READING_TIME
    ):
        raise InvalidInput(f"the reading time is a number of minutes from 0 to {MAX_READING_TIME}")
    if changes.tags is not None and len(changes.tags) > MAX_TAGS:
        raise InvalidInput(f"an article has at most {MAX_TAGS} tags")


async def update_article(user_id: int, article_id: int, changes: ArticleChanges, *, now: datetime) -> ActionResult:
    """Edit the title (its slug follows), the tags (the set is replaced) and the reading time, in one
    transaction.

    Raises:
        NotFound: no such article for this user.
        InvalidInput: an empty or too long title, a reading time out of range, too many tags.
    """
    title = _clean_title(changes.title) if changes.title is not None else None
    _check(changes)
    _check_id(article_id)
    async with in_transaction() as connection:
        updated = await connection.execute_query_dict(
            """UPDATE article SET title = COALESCE($3, title), slug = COALESCE($4, slug),
                   reading_time = COALESCE($5::int, reading_time), obj_updated_at = $6
               WHERE id = $1 AND user_id = $2 RETURNING id""",
            [article_id, user_id, title, slugify(title, max_length=300) if title else None, changes.reading_time, now],
        )
        if not updated:
            raise NotFound(f"no article {article_id} for this user")
        if changes.tags is not None:
            tag_ids = [tag.id for tag in await queries.get_or_create_tags(user_id, changes.tags)]
            await connection.execute_query_dict(
                "DELETE FROM article_tag WHERE article_id = $1 AND NOT tag_id = ANY($2::bigint[])",
                [article_id, tag_ids],
            )
            await connection.execute_query_dict(
                "INSERT INTO article_tag (article_id, tag_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
                [article_id, tag_ids],
            )
    return await _result(user_id, article_id, now=now)
