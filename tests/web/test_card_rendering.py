"""Article cards are rendered once per distinct (card, timezone, list) and reused (legadilo.web.card_rendering);
whatever a card shows changing gives a fresh rendering, within a process and across requests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from quart import Quart
from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import User
from legadilo.reading.list_queries import ArticleCard, SortKey, TagRef
from legadilo.reading.models import Tag
from legadilo.web.card_rendering import CardRenderer
from tests.conftest import get_csrf, log_in
from tests.web.test_reading_pages import article, card_ids

WHEN = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


def a_card(**changes: Any) -> ArticleCard:
    card = ArticleCard(
        id=7,
        title="Whales",
        slug="whales",
        url="https://example.org/whales",
        summary="<p>About whales</p>",
        authors=("Ann",),
        external_tags=(),
        reading_time=4,
        language="en",
        preview_picture_url="",
        preview_picture_alt="",
        read_at=None,
        opened_at=None,
        is_favorite=False,
        is_for_later=False,
        main_source_type="FEED",
        main_source_title="Sea News",
        main_feed_id=None,
        feed_title=None,
        open_original_by_default=False,
        group_id=None,
        group_title=None,
        published_at=WHEN,
        updated_at=None,
        sort_key=SortKey(WHEN, 7),
        has_content=True,
    )
    return dataclasses.replace(card, **changes)


async def test_the_same_card_is_rendered_once_and_any_change_renders_again(app: Quart) -> None:
    render = CardRenderer(app.jinja_env)
    first = render(a_card(), "UTC", "unread")
    assert render(a_card(), "UTC", "unread") == first
    assert (render.cache_info().hits, render.cache_info().misses) == (1, 1)
    assert 'value="MARK_AS_READ"' in first and "is-read" not in first

    read = render(a_card(read_at=WHEN), "UTC", "unread")
    assert 'value="MARK_AS_UNREAD"' in read and "is-read" in read
    renamed_tag = render(a_card(tags=(TagRef(1, "Ocean life", "ocean"),)), "UTC", "unread")
    assert "Ocean life" in renamed_tag
    assert "2026-03-02 08:30 JST" in render(a_card(), "Asia/Tokyo", "unread")
    assert "?list=all-articles" in render(a_card(), "UTC", "all-articles")
    assert render.cache_info().misses == 5


async def test_cards_are_rendered_every_time_while_templates_reload(app: Quart) -> None:
    app.jinja_env.auto_reload = True
    render = CardRenderer(app.jinja_env)
    assert render(a_card(), "UTC", None) == render(a_card(), "UTC", None)
    assert render.cache_info().hits == 0


async def test_a_list_page_shows_each_cards_latest_state(client: QuartClient, alice: User) -> None:
    saved = await article(alice, "whales", content="<p>body</p>")
    await log_in(client, "alice@example.org")
    before = await (await client.get("/reading/lists/all-articles/")).get_data(as_text=True)
    assert card_ids(before) == [saved.id] and "is-read" not in before

    token = await get_csrf(client, "/reading/lists/all-articles/")
    form = {"csrf_token": token, "action": "MARK_AS_READ"}
    assert (await client.post(f"/reading/articles/{saved.id}/action/", form=form)).status_code == 302
    tag = await Tag.create(user_id=alice.id, title="Cetaceans", slug="cetaceans")
    edit = {"csrf_token": token, "title": "Blue whales", "tags": tag.title, "reading_time": "9"}
    assert (await client.post(f"/reading/articles/{saved.id}/edit/", form=edit)).status_code == 302

    after = await (await client.get("/reading/lists/all-articles/")).get_data(as_text=True)
    assert "is-read" in after and 'value="MARK_AS_UNREAD"' in after
    assert "Blue whales" in after and "Cetaceans" in after and "9 min read" in after
