"""In a real browser 360 px wide (a small phone): no main page scrolls sideways."""

from __future__ import annotations

from playwright.async_api import Page

from legadilo.accounts.models import User
from legadilo.feeds import services
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.browser.conftest import READER_EMAIL, log_in_through_the_form
from tests.browser.test_reading import CONTENT, seed
from tests.conftest import TEST_PASSWORD
from tests.feedfarm import FeedFarm

WIDTH = 360
# What real articles carry and a narrow screen must absorb: an unbreakable word, a long address, a code line.
LONG_TITLE = "Supercalifragilisticexpialidocious-antidisestablishmentarianism in a title"
LONG_SUMMARY = "A zeppelin crossed the sea: https://example.org/a/long/path/without/any/space/to/break/the/line/at"
LONG_CONTENT = CONTENT + "<pre>def a_line_that_never_wraps(argument_one, argument_two, argument_three): pass</pre>"

# The elements sticking out on the right, to say what overflows.
_WIDER_THAN_THE_SCREEN = """(width) => Array.from(document.querySelectorAll("body *"))
  .filter((element) => element.getBoundingClientRect().right > width + 0.5)
  .slice(0, 5)
  .map((element) => {
    const classes = typeof element.className === "string" && element.className ? "." + element.className : "";
    const right = Math.round(element.getBoundingClientRect().right);
    return `${element.tagName.toLowerCase()}${classes.replaceAll(" ", ".")} (right edge ${right} px)`;
  })"""


async def overflow(page: Page, path: str) -> str | None:
    """None when the page at `path` fits the screen's width, else what sticks out."""
    response = await page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response.status if response else 'nothing'}"
    scroll_width: int = await page.evaluate("document.documentElement.scrollWidth")
    if scroll_width <= WIDTH:
        return None
    culprits: list[str] = await page.evaluate(_WIDER_THAN_THE_SCREEN, WIDTH)
    return f"{path} is {scroll_width} px wide: {', '.join(culprits)}"


async def test_the_main_pages_fit_a_360_px_wide_screen(page: Page, db: Runtime, farm: FeedFarm) -> None:
    await page.set_viewport_size({"width": WIDTH, "height": 740})
    user: User = await register_user(READER_EMAIL, TEST_PASSWORD)
    subscribed = await services.subscribe_to_feed(db, user.id, farm.url(1))
    assert isinstance(subscribed, services.Subscribed)
    (article,) = await seed(user, "airship", title=LONG_TITLE, summary=LONG_SUMMARY, content=LONG_CONTENT)
    too_wide = [await overflow(page, "/accounts/login")]
    await log_in_through_the_form(page)

    paths = (
        "/reading/",
        "/reading/lists/all-articles/",
        f"/reading/articles/{article.id}-airship/?list=unread",
        "/reading/search/?q=zeppelin",
        "/reading/articles/add",
        "/feeds/",
        "/feeds/subscribe",
        f"/feeds/{subscribed.feed.id}/",
        f"/feeds/{subscribed.feed.id}/updates",
        "/feeds/categories/",
        "/feeds/notifications/",
        "/import-export/",
        "/settings/",
        "/settings/lists/",
        "/settings/lists/new",
        "/settings/tags/",
    )
    too_wide += [await overflow(page, path) for path in paths]
    assert [found for found in too_wide if found] == []
