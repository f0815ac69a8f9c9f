"""Re-fetch an article's page (reference §3 "Re-fetch", with the reference's force update):

    the user's article → check its URL, fetch and extract it (`page_fetch`, as saving a page does)
    → one transaction: the content replaced by the fresh one (`saving.apply_page`), or, on failure, the old
      content kept and the reason recorded (`ArticleFetchError`), as saving a page does.

Unlike saving the same URL again, a re-fetch leaves the reading state, the tags and the source type alone: the
reader asked for fresh content, not to file the article again. The search vector is kept by a trigger
(migration 4): the database recomputes it from the new title, summary and content.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from legadilo.core.errors import InvalidInput, NotFound
from legadilo.reading.list_queries import is_id
from legadilo.reading.models import Article
from legadilo.reading.page_fetch import Failure, Page, checked_url, fetch_page, own_origins_of
from legadilo.reading.saving import apply_page, reading_speed, record_failure
from legadilo.runtime import Runtime


@dataclass(frozen=True)
class Refetched:
    article_id: int
    title: str
    slug: str
    fetch_error: str | None  # why the page could not be fetched (the article keeps its previous content)


async def refetch_article(
    rt: Runtime, user_id: int, article_id: int, *, own_origins: Collection[str] = ()
) -> Refetched:
    """Fetch the article's URL again and replace its content (see the module docstring). Never raises for a
    failed fetch: the answer says why.

    Raises:
        NotFound: no such article for this user.
    """
    article = await Article.get_or_none(id=article_id, user_id=user_id) if is_id(article_id) else None
    if article is None:
        raise NotFound(f"no article {article_id} for this user")
    own = own_origins_of(rt.settings, own_origins)
    try:
        outcome: Page | Failure = await fetch_page(rt, checked_url(article.url, own), own)
    except InvalidInput as refused:  # an imported article may carry a URL that was never fetchable
        outcome = Failure(refused.message, {"error": "InvalidInput", "url": article.url})
    words_per_minute = await reading_speed(user_id)
    async with in_transaction() as conn:
        locked = await Article.filter(id=article.id, user_id=user_id).select_for_update().using_db(conn).first()
        if locked is None:  # deleted while the page was being fetched
            raise NotFound(f"no article {article_id} for this user")
        if isinstance(outcome, Page):
            apply_page(locked, outcome.article, words_per_minute)
            locked.obj_updated_at = rt.clock.now()
            await locked.save(using_db=conn)
        else:
            await record_failure(conn, locked.id, outcome)
    error = outcome.message if isinstance(outcome, Failure) else None
    return Refetched(locked.id, locked.title, locked.slug, error)
