"""In a real browser: searching (highlighted matches), editing a reading list in the settings (its new title in
the sidebar, its new filter in its cards), and saving a page by its address (served by the local farm)."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.async_api import Page, expect

from legadilo.accounts.models import User
from tests.browser.test_reading import counter, seed
from tests.feedfarm import FeedFarm

SAVED_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Zeppelins over the lake</title></head>
<body><header><nav><a href="/">Home</a></nav></header>
<article><h1>Zeppelins over the lake</h1>
<p>Every summer the zeppelins cross the lake, carrying passengers between the two shores of the valley.</p>
<p>The first crossing took four hours; the engines were loud, and the passengers were delighted by the view.</p>
<p>Today the crossing takes less than an hour, and the airships fly twice a day from May to September.</p>
</article><footer>© The lake gazette</footer></body></html>"""


async def test_a_search_shows_the_matching_articles_with_the_words_highlighted(page: Page, reader: User) -> None:
    await seed(reader, "airships", summary="A zeppelin crossed the northern sea at dawn.")
    await seed(reader, "boats", summary="Sailing on the lake.")
    await page.get_by_role("link", name="Search", exact=True).click()
    await page.get_by_label("Search text").fill("zeppelin")
    await page.get_by_label("Search text").press("Enter")

    results = page.locator(".search-results")
    await expect(results.get_by_role("heading", level=2)).to_have_text("1 result")
    await expect(results.locator(".card-title")).to_have_text(["Airships"])
    highlighted = results.locator(".snippet mark")
    await expect(highlighted).to_have_text(["zeppelin"])
    await expect(highlighted).to_be_visible()
    await expect(page.get_by_label("Search text")).to_have_value("zeppelin")


async def test_editing_a_reading_list_changes_its_title_and_its_articles(page: Page, reader: User) -> None:
    await seed(reader, "unread-one")
    await seed(reader, "read-one", read_at=datetime(2026, 2, 1, tzinfo=UTC))
    await page.get_by_role("link", name="Settings", exact=True).click()
    await page.get_by_role("navigation", name="Settings").get_by_role("link", name="Reading lists").click()
    row = page.locator(".admin-row", has_text="All articles")
    await row.get_by_role("link", name="Edit").click()
    await page.get_by_label("Title").fill("Already read")
    await page.get_by_label("Read", exact=True).select_option(label="Read")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator(".flash")).to_have_text("The list “Already read” is saved.")
    await expect(page.locator(".admin-row-main a").first).to_have_text("Already read")

    await page.get_by_role("link", name="Reading", exact=True).click()
    sidebar = page.get_by_role("navigation", name="Reading lists")
    await expect(sidebar.get_by_role("link", name="All articles")).to_have_count(0)
    await sidebar.get_by_role("link", name="Already read").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Already read")
    await expect(page.locator("#cards .card-title")).to_have_text(["Read-one"])
    await expect(counter(page, "Already read")).to_have_text("0")


async def test_a_page_saved_by_its_address_is_shown_and_listed(page: Page, reader: User, farm: FeedFarm) -> None:
    farm.set("/blog/zeppelins.html", SAVED_PAGE.encode(), content_type="text/html; charset=utf-8")
    await page.get_by_role("link", name="Save a page").click()
    await page.get_by_label("Address of the page").fill(f"{farm.base_url}/blog/zeppelins.html")
    await page.get_by_label("Tags").fill("lakes")
    await page.get_by_role("button", name="Save").click()

    await expect(page.locator(".flash")).to_have_text("Saved “Zeppelins over the lake”.")
    await expect(page.locator(".article-header h1")).to_have_text("Zeppelins over the lake")
    await expect(page.locator(".article-content")).to_contain_text("carrying passengers between the two shores")
    await expect(page.locator(".article-header .tags")).to_have_text("lakes")

    await page.get_by_role("link", name="Reading", exact=True).click()
    card = page.locator("#cards .card", has_text="Zeppelins over the lake")
    await expect(card).to_have_count(1)
    await expect(card.locator(".tags")).to_have_text("lakes")
    await expect(counter(page, "Unread")).to_have_text("1")
