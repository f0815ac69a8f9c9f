"""In a real browser: reading an article opened from the list, and marking articles read from the list with
their button and with the keyboard (j/k move, m marks), the card and the sidebar counters changing in place."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.async_api import Page, expect

from legadilo.accounts.models import User
from legadilo.reading.models import Article

START = datetime(2026, 1, 1, tzinfo=UTC)
CONTENT = (
    "<h2>The crossing</h2><p>The airship left the harbour at dawn and crossed the northern sea.</p>"
    "<ul><li>Three engines</li><li>Twelve passengers</li></ul>"
)


async def seed(user: User, *names: str, **fields: Any) -> list[Article]:
    """Articles titled after `names`, the last one the newest (so the first card of the list)."""
    return [
        await Article.create(
            **{
                "user_id": user.id,
                "url": f"https://example.org/{name}",
                "title": name.capitalize(),
                "slug": name,
                "published_at": START + timedelta(days=number),
                **fields,
            }
        )
        for number, name in enumerate(names)
    ]


def counter(page: Page, list_title: str) -> Any:
    sidebar = page.get_by_role("navigation", name="Reading lists")
    return sidebar.get_by_role("link", name=list_title).locator(".count")


async def remember_this_document(page: Page) -> None:
    """A mark that a reload or a navigation would wipe out."""
    await page.evaluate("window.legadiloTestMark = 'same document'")


async def assert_same_document(page: Page) -> None:
    assert await page.evaluate("window.legadiloTestMark") == "same document", "the page was reloaded"


async def test_an_article_opened_from_the_list_shows_its_content_is_read_and_can_be_marked_unread(
    page: Page, reader: User
) -> None:
    await seed(reader, "airship", content=CONTENT, reading_time=2)
    await page.goto("/reading/")
    await page.get_by_role("link", name="Airship").click()

    await expect(page.get_by_role("heading", level=1)).to_have_text("Airship")
    body = page.locator(".article-content")
    await expect(body.get_by_role("heading", name="The crossing")).to_be_visible()
    await expect(body).to_contain_text("crossed the northern sea")
    await expect(body.get_by_role("listitem")).to_have_text(["Three engines", "Twelve passengers"])
    await expect(page.locator(".article-header .card-meta")).to_contain_text("2 min read")

    # opened for the first time: read
    await expect(page.locator(".article-header .card-state")).to_have_text("Read")
    await page.locator(".article-header").get_by_role("button", name="Mark unread").click()
    await expect(page.locator(".article-header .card-state")).to_have_count(0)
    await expect(page.locator(".article-header").get_by_role("button", name="Mark read")).to_be_visible()
    await page.get_by_role("link", name="← Unread").click()
    await expect(counter(page, "Unread")).to_have_text("1")
    await page.get_by_role("link", name="Airship").click()  # opened again: it stays unread
    await expect(page.locator(".article-header").get_by_role("button", name="Mark read")).to_be_visible()
    await page.locator(".article-header").get_by_role("button", name="Mark read").click()
    await expect(page.locator(".article-header .card-state")).to_have_text("Read")
    await page.get_by_role("link", name="← Unread").click()
    await expect(page.locator("#cards .card")).to_have_count(0)
    await expect(counter(page, "Unread")).to_have_text("0")


async def test_the_mark_read_button_removes_the_card_from_unread_and_updates_the_counters(
    page: Page, reader: User
) -> None:
    await seed(reader, "first", "second", "third")
    await page.goto("/reading/")
    await expect(page.locator("#cards .card-title")).to_have_text(["Third", "Second", "First"])
    await expect(counter(page, "Unread")).to_have_text("3")
    await expect(counter(page, "All articles")).to_have_text("3")
    await remember_this_document(page)

    second = page.locator(".card", has_text="Second")
    await second.get_by_role("button", name="Mark read").click()
    await expect(page.locator("#cards .card-title")).to_have_text(["Third", "First"])
    await expect(counter(page, "Unread")).to_have_text("2")
    await expect(counter(page, "All articles")).to_have_text("2")
    await assert_same_document(page)


async def test_j_k_move_between_cards_and_m_marks_the_focused_one_read(page: Page, reader: User) -> None:
    await seed(reader, "first", "second", "third")
    await page.goto("/reading/lists/all-articles/")
    cards = page.locator("#cards > .card")
    await expect(cards).to_have_count(3)
    await remember_this_document(page)

    for key in ("j", "j", "j", "k"):
        await page.keyboard.press(key)
    second = cards.nth(1)
    await expect(second).to_be_focused()
    await expect(second).to_have_class(re.compile(r"\bis-current\b"))
    await expect(page.locator("#cards > .card.is-current")).to_have_count(1)

    await page.keyboard.press("m")
    await expect(second).to_have_class(re.compile(r"\bis-read\b"))
    await expect(second.locator(".card-state")).to_have_text("Read")
    await expect(second.get_by_role("button", name="Mark unread")).to_be_visible()
    await expect(cards).to_have_count(3)
    await expect(page.locator("#cards > .card.is-read")).to_have_count(1)
    await expect(counter(page, "All articles")).to_have_text("2")
    await expect(counter(page, "Unread")).to_have_text("2")

    await page.keyboard.press("m")  # the focus stays on the new version of the card: m toggles it back
    await expect(second).not_to_have_class(re.compile(r"\bis-read\b"))
    await expect(counter(page, "Unread")).to_have_text("3")
    await assert_same_document(page)
