"""In a real browser, on the article page: the actions change the page in place (buttons, state, the list's
unread count), comments are added, refused, edited and deleted with htmx without a reload, and deleting the
article goes back to its list."""

from __future__ import annotations

import re

from playwright.async_api import Dialog, Page, expect

from legadilo.accounts.models import User
from legadilo.reading.models import Comment
from tests.browser.conftest import Problems
from tests.browser.test_reading import assert_same_document, remember_this_document, seed


async def test_actions_update_the_article_page_in_place(page: Page, reader: User) -> None:
    [airship, _] = await seed(reader, "airship", "balloon", content="<p>Up we go.</p>")
    await page.goto(f"/reading/articles/{airship.id}-airship/?list=unread")
    await remember_this_document(page)
    header = page.locator(".article-header")
    back = page.get_by_role("link", name="← Unread")

    await expect(header.locator(".card-state")).to_have_text("Read")  # opened: read
    await header.get_by_role("button", name="Mark unread").click()
    await expect(header.locator(".card-state")).to_have_count(0)
    await expect(back.locator(".count")).to_have_text("2")
    await header.get_by_role("button", name="Favourite").click()
    await expect(header.locator(".badge")).to_have_text("Favourite")
    await expect(header.get_by_role("button", name="Unfavourite")).to_have_attribute("aria-pressed", "true")
    await page.keyboard.press("m")  # the shortcut drives the swapped buttons
    await expect(header.get_by_role("button", name="Mark unread")).to_be_visible()
    await expect(header.locator(".card-state")).to_have_text("Read")
    await expect(back.locator(".count")).to_have_text("1")
    await assert_same_document(page)


async def test_comments_are_added_refused_edited_and_deleted_in_place(
    page: Page, reader: User, problems: Problems
) -> None:
    # the content has ids like the page's own (a feed's "Comments" heading): the swaps must not land there
    content = '<h2 id="comments">Comments</h2><p id="comment-1">Up we go.</p>'
    [article] = await seed(reader, "airship", content=content)
    await page.goto(f"/reading/articles/{article.id}-airship/")
    await remember_this_document(page)
    comments = page.locator("section.comments")

    problems.allow("the server responded with a status of 400")  # the refused comment, on purpose
    await comments.get_by_label("Add a comment").fill("<script>alert(1)</script>")
    await comments.get_by_role("button", name="Add comment").click()
    await expect(comments.get_by_role("alert")).to_contain_text("empty once rendered")
    await comments.get_by_label("Add a comment").fill("A **fine** trip, see www.example.org")
    await comments.get_by_role("button", name="Add comment").click()
    await expect(comments.locator(".comment-body strong")).to_have_text("fine")
    await expect(comments.get_by_role("link", name="www.example.org")).to_have_attribute(
        "href", "http://www.example.org"
    )
    await expect(comments.get_by_label("Add a comment")).to_have_value("")

    await comments.get_by_role("link", name="Edit").click()
    await comments.get_by_label("Edit the comment").fill("~~fine~~ great")
    await comments.get_by_role("button", name="Save").click()
    await expect(comments.locator(".comment-body")).to_have_text("fine great")
    await expect(comments.locator(".comment-body s")).to_have_text("fine")

    _confirm_next_dialog(page, problems)
    await comments.locator(".comment").get_by_role("button", name="Delete").click()
    await expect(comments.locator(".comment")).to_have_count(0)
    assert await Comment.filter(article_id=article.id).count() == 0
    await expect(page.locator(".article-body h2")).to_have_text("Comments")
    await expect(page.locator(".article-body p")).to_have_text("Up we go.")
    await expect(page.locator("section.comments")).to_have_count(1)
    await assert_same_document(page)


async def test_deleting_the_article_goes_back_to_its_list(page: Page, reader: User, problems: Problems) -> None:
    [article, _] = await seed(reader, "airship", "balloon")
    await page.goto(f"/reading/articles/{article.id}-airship/?list=all-articles")
    _confirm_next_dialog(page, problems)
    await page.locator(".article-header").get_by_role("button", name="Delete…").click()
    await expect(page).to_have_url(re.compile(r"/reading/lists/all-articles/$"))
    await expect(page.locator("#cards .card-title")).to_have_text(["Balloon"])


def _confirm_next_dialog(page: Page, problems: Problems) -> None:
    """Accept the next confirmation (the page fixture dismisses and reports any dialog otherwise)."""
    page.remove_listener("dialog", problems.dialog)

    async def accept(dialog: Dialog) -> None:
        await dialog.accept()
        page.on("dialog", problems.dialog)

    page.once("dialog", accept)
