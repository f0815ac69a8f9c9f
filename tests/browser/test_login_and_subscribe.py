"""In a real browser: logging in through the form, and subscribing to a feed of the local feed farm through the
subscribe page, then reading its articles in the reading list."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from legadilo.accounts.models import User
from legadilo.signup.services import register_user
from tests.browser.conftest import READER_EMAIL, Problems
from tests.conftest import TEST_PASSWORD
from tests.feedfarm import FeedFarm


async def test_logging_in_through_the_form_opens_the_reading_list(page: Page, problems: Problems) -> None:
    problems.allow("the server responded with a status of 401")  # the wrong password, below
    await register_user(READER_EMAIL, TEST_PASSWORD)
    await page.goto("/reading/")
    await expect(page).to_have_url(re.compile(r"/accounts/login\?next="))
    await page.get_by_label("Email").fill(READER_EMAIL)
    await page.get_by_label("Password").fill("not the password")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("alert")).to_be_visible()
    await expect(page.locator(".topbar .who")).to_have_count(0)

    await page.get_by_label("Password").fill(TEST_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.locator(".topbar .who")).to_have_text(READER_EMAIL)
    await expect(page.get_by_role("heading", level=1)).to_have_text("Unread")
    sidebar = page.get_by_role("navigation", name="Reading lists")
    await expect(sidebar.get_by_role("link")).to_have_count(5)


async def test_subscribing_through_the_page_shows_the_feeds_articles(page: Page, reader: User, farm: FeedFarm) -> None:
    await page.get_by_role("link", name="Feeds").click()
    await page.get_by_role("link", name="Subscribe", exact=True).click()
    await page.get_by_label("Address of the feed or of the site").fill(farm.url(1))
    await page.get_by_role("button", name="Subscribe", exact=True).click()
    await expect(page.locator(".flash")).to_have_text("Subscribed to Feed number 1: 5 articles added.")

    await page.get_by_role("link", name="Reading", exact=True).click()
    titles = page.locator("#cards .card-title")
    await expect(titles).to_have_text([f"Story {n} of feed 1 & friends" for n in (4, 3, 2, 1, 0)])
    await expect(page.locator("#cards .card").first).to_contain_text("Feed number 1")
    await expect(page.locator("#cards .card").first).to_contain_text("A short teaser for story 4.")
    unread = page.get_by_role("navigation", name="Reading lists").get_by_role("link", name="Unread")
    await expect(unread.locator(".count")).to_have_text("5")
