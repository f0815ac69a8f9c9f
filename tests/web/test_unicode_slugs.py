"""Titles in any script get their own slugs through the pages: Cyrillic, CJK and Arabic categories, tags and
reading lists no longer collide on `no-slug`, and a reading list's percent-encoded URL opens it."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

import pytest
from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import User
from legadilo.feeds.models import FeedCategory
from legadilo.reading.lists import ReadingListSettings, create_reading_list
from legadilo.reading.models import Tag
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD, get_csrf, log_in

ALICE = "alice@example.org"
TITLES = ["Новости", "Спорт", "新闻", "体育", "أخبار", "🎉🎉"]


@pytest.fixture
async def logged(client: QuartClient, db: Runtime) -> tuple[QuartClient, User]:
    user = await register_user(ALICE, TEST_PASSWORD)
    await log_in(client, ALICE)
    return client, user


async def _post(client: QuartClient, path: str, form: dict[str, str], page: str) -> int:
    token = await get_csrf(client, page)
    return (await client.post(path, form={**form, "csrf_token": token})).status_code


async def test_categories_in_other_scripts_do_not_collide(logged: tuple[QuartClient, User]) -> None:
    client, user = logged
    for title in TITLES:
        assert await _post(client, "/feeds/categories/", {"title": title}, "/feeds/categories/") == 303, title
    slugs = dict(await FeedCategory.filter(user_id=user.id).values_list("title", "slug"))
    assert slugs == {
        "Новости": "новости",
        "Спорт": "спорт",
        "新闻": "新闻",
        "体育": "体育",
        "أخبار": "أخبار",
        "🎉🎉": "no-slug",
    }
    # the same name again is still refused: uniqueness still goes by slug
    assert await _post(client, "/feeds/categories/", {"title": "НОВОСТИ"}, "/feeds/categories/") == 409


async def test_tags_in_other_scripts_do_not_collide(logged: tuple[QuartClient, User]) -> None:
    client, user = logged
    for title in TITLES[:5]:
        assert await _post(client, "/settings/tags/new", {"title": title}, "/settings/tags/") == 303, title
    assert await _post(client, "/settings/tags/new", {"title": "спорт"}, "/settings/tags/") == 400
    slugs = [str(slug) for slug in await Tag.filter(user_id=user.id).values_list("slug", flat=True)]
    assert sorted(slugs) == sorted(["новости", "спорт", "新闻", "体育", "أخبار"])


async def test_a_reading_list_with_a_non_latin_title_opens_at_its_encoded_url(
    logged: tuple[QuartClient, User],
) -> None:
    client, user = logged
    for title in ("Новости дня", "今日のニュース", "الأخبار العربية"):
        created = await create_reading_list(user.id, ReadingListSettings(title=title))
        html = await (await client.get("/reading/")).get_data(as_text=True)
        links = [unescape(href) for href in re.findall(r'href="(/reading/lists/[^"]+/)"', html)]
        link = next(href for href in links if unquote(href) == f"/reading/lists/{created.slug}/")
        assert link.isascii(), link  # percent-encoded by url_for
        response = await client.get(link)
        assert response.status_code == 200, link
        assert title in await response.get_data(as_text=True)
