"""Feeds management pages: subscribe (with the choice when a page advertises several feeds), the feeds grouped
by category, edit/disable/delete a feed, refresh now, its update history. The same blueprint (endpoints
`feeds.*`) holds the categories page (web/feed_categories.py) and the notifications (web/notifications.py)."""

from __future__ import annotations

import logging
from typing import Any

from quart import Blueprint, current_app, flash, redirect, render_template, request, url_for
from quart.typing import ResponseReturnValue

from legadilo.core.errors import DomainError, InvalidInput
from legadilo.feeds import management, scheduler, services
from legadilo.feeds.models import RefreshDelay
from legadilo.fetching.types import BlockedHost, BotChallenge, FetchError, FetchTimeout, TooLarge
from legadilo.parsing.types import ParseError
from legadilo.runtime import Runtime
from legadilo.web import feed_categories, notifications
from legadilo.web.auth import login_required
from legadilo.web.context import page_layout, require_user, runtime
from legadilo.web.formatting import localtime

logger = logging.getLogger(__name__)
blueprint = Blueprint("feeds", __name__, url_prefix="/feeds")
for _module in (feed_categories, notifications):
    _module.routes.attach_to(blueprint)
NO_STORE = {"Cache-Control": "no-cache, no-store, must-revalidate, max-age=0"}
DEFAULT_RETENTION_DAYS = 365
_FETCH_HINTS: tuple[tuple[type[FetchError], str], ...] = (
    (TooLarge, "The document is larger than the size limit for feeds."),
    (BlockedHost, "This address is on a private or local network, which this server may not fetch."),
    (FetchTimeout, "The site took too long to answer."),
    (BotChallenge, "The site answered with an anti-bot challenge instead of the feed."),
)


def _subscribe_error(exc: DomainError) -> tuple[str, int]:
    if isinstance(exc, FetchError):
        hint = next((text for kind, text in _FETCH_HINTS if isinstance(exc, kind)), "The site could not be fetched.")
        return f"{hint} ({exc.message})", 406
    if isinstance(exc, ParseError):
        return f"This is not a feed we can read ({exc.message}).", 406
    if isinstance(exc, services.NoFeedFound):
        return "No feed found: the address is neither a feed nor a page advertising one.", 400
    return exc.message, 400


async def _timezone() -> str:
    return (await page_layout()).timezone


def _int_or_none(raw: str | None, what: str) -> int | None:
    if raw is None or not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(f"the {what} must be a number") from None


def _retention(raw: str | None) -> int:
    value = _int_or_none(raw, "retention")
    if value is None or not 0 <= value <= management.MAX_RETENTION_DAYS:
        raise InvalidInput(f"the retention must be a number of days between 0 and {management.MAX_RETENTION_DAYS}")
    return value


def _delay(raw: str | None) -> RefreshDelay:
    try:
        return RefreshDelay(raw or RefreshDelay.DAILY_AT_NOON.value)
    except ValueError:
        raise InvalidInput("choose a refresh delay from the list") from None


def _tags(raw: str | None) -> tuple[str, ...]:
    return tuple(tag.strip() for tag in (raw or "").split(",") if tag.strip())


@blueprint.get("/")
@login_required
async def list_feeds() -> ResponseReturnValue:
    user = require_user()
    feeds = await services.list_feeds(user.id)
    tree = await management.category_tree(user.id)
    by_category: dict[int | None, list[Any]] = {}
    for feed in feeds:
        by_category.setdefault(feed.category_id, []).append(feed)  # type: ignore[attr-defined]
    page = await render_template(
        "feeds/list.html",
        tree=tree,
        by_category=by_category,
        count=len(feeds),
        tags=await management.feed_tag_titles([feed.id for feed in feeds]),
        timezone=await _timezone(),
        now=runtime().clock.now(),
    )
    return page, 200, NO_STORE


async def _subscribe_page(form: dict[str, str], *, error: str = "", choices: Any = None) -> str:
    return await render_template(
        "feeds/subscribe.html",
        form=form,
        error=error,
        choices=choices,
        delays=list(RefreshDelay),
        categories=await management.category_tree(require_user().id),
    )


@blueprint.get("/subscribe")
@login_required
async def show_subscribe() -> ResponseReturnValue:
    form = {"refresh_delay": RefreshDelay.DAILY_AT_NOON.value, "retention": str(DEFAULT_RETENTION_DAYS)}
    return await _subscribe_page(form), 200, NO_STORE


@blueprint.post("/subscribe")
@login_required
async def subscribe() -> ResponseReturnValue:
    user, rt = require_user(), runtime()
    form = (await request.form).to_dict()
    try:
        category_id = _int_or_none(form.get("category"), "category")
        category = (await management.get_category(user.id, category_id)).title if category_id is not None else None
        options = services.SubscribeOptions(
            category=category,
            tags=_tags(form.get("tags")),
            refresh_delay=_delay(form.get("refresh_delay")),
            article_retention_time=_retention(form.get("retention")),
            open_original_url_by_default=form.get("open_original") == "on",
        )
        if not form.get("url", "").strip():
            raise InvalidInput("enter the address of a feed or of a site")
        result = await services.subscribe_to_feed(rt, user.id, form["url"], options)
    except (InvalidInput, services.NoFeedFound, FetchError, ParseError) as exc:
        message, status = _subscribe_error(exc)
        return await _subscribe_page(form, error=message), status
    if isinstance(result, services.FeedChoices):
        message = "This page advertises several feeds: choose the one to subscribe to."
        return await _subscribe_page(form, error=message, choices=result.links), 400
    if result.created:
        await flash(f"Subscribed to {result.feed.title}: {result.new_articles} articles added.")
    elif result.reenabled:
        await flash(f"{result.feed.title} was disabled: it is enabled again.")
    else:
        await flash(f"You were already subscribed to {result.feed.title}.")
    return redirect(url_for(".edit_feed", feed_id=result.feed.id), 303)


async def _edit_page(feed_id: int, *, error: str = "", form: dict[str, str] | None = None) -> str:
    user = require_user()
    details = await services.show_feed(user.id, feed_id, updates=5)
    tags = ", ".join(tag.title for tag in await management.feed_tags(feed_id))
    return await render_template(
        "feeds/edit.html",
        details=details,
        feed=details.feed,
        form=form,
        tags=tags,
        error=error,
        delays=list(RefreshDelay),
        categories=await management.category_tree(user.id),
        timezone=await _timezone(),
    )


@blueprint.get("/<int:feed_id>/")
@login_required
async def edit_feed(feed_id: int) -> ResponseReturnValue:
    return await _edit_page(feed_id), 200, NO_STORE


@blueprint.post("/<int:feed_id>/")
@login_required
async def update_feed(feed_id: int) -> ResponseReturnValue:
    user = require_user()
    form = (await request.form).to_dict()
    await services.show_feed(user.id, feed_id, updates=0)  # another user's feed: 404 before reading the form
    try:
        changes = management.FeedChanges(
            category_id=_int_or_none(form.get("category"), "category"),
            tags=_tags(form.get("tags")),
            refresh_delay=_delay(form.get("refresh_delay")),
            article_retention_time=_retention(form.get("retention")),
            open_original_url_by_default=form.get("open_original") == "on",
        )
    except InvalidInput as exc:
        return await _edit_page(feed_id, error=exc.message, form=form), 400
    feed = await management.update_feed(user.id, feed_id, changes)
    await flash(f"{feed.title} was saved.")
    return redirect(url_for(".edit_feed", feed_id=feed_id), 303)


@blueprint.post("/<int:feed_id>/disable")
@login_required
async def disable_feed(feed_id: int) -> ResponseReturnValue:
    reason = (await request.form).get("reason", "")
    feed = await management.disable_feed(require_user().id, feed_id, reason, runtime().clock.now())
    await flash(f"{feed.title} is disabled: it is no longer checked.")
    return redirect(url_for(".edit_feed", feed_id=feed_id), 303)


@blueprint.post("/<int:feed_id>/enable")
@login_required
async def enable_feed(feed_id: int) -> ResponseReturnValue:
    feed = await management.enable_feed(require_user().id, feed_id, runtime().clock.now())
    await flash(f"{feed.title} is enabled: it will be checked in a moment.")
    return redirect(url_for(".edit_feed", feed_id=feed_id), 303)


@blueprint.get("/<int:feed_id>/delete")
@login_required
async def confirm_delete_feed(feed_id: int) -> ResponseReturnValue:
    details = await services.show_feed(require_user().id, feed_id, updates=0)
    return await render_template("feeds/delete.html", feed=details.feed), 200, NO_STORE


@blueprint.post("/<int:feed_id>/delete")
@login_required
async def delete_feed(feed_id: int) -> ResponseReturnValue:
    user = require_user()
    title = (await services.show_feed(user.id, feed_id, updates=0)).feed.title
    await services.remove_feed(user.id, feed_id)
    await flash(f"Unsubscribed from {title}; its articles stay in your reading lists.")
    return redirect(url_for(".list_feeds"), 303)


@blueprint.post("/<int:feed_id>/refresh")
@login_required
async def refresh_feed(feed_id: int) -> ResponseReturnValue:
    user, rt, now = require_user(), runtime(), runtime().clock.now()
    back = (await request.form).get("back")
    when = await management.refresh_now(user.id, feed_id, now)
    if when <= now:
        current_app.add_background_task(_refresh_in_background, rt, feed_id)
        await flash("The feed is being refreshed; reload the page in a few seconds to see the result.")
    else:
        moment = localtime(when, await _timezone())
        await flash(
            f"The feed was checked very recently or its site asked for a pause: it will be checked at {moment}."
        )
    return redirect(url_for(".edit_feed", feed_id=feed_id) if back == "edit" else url_for(".list_feeds"), 303)


async def _refresh_in_background(rt: Runtime, feed_id: int) -> None:
    """The source is due now: refresh it at once unless a worker has leased it already."""
    try:
        await scheduler.refresh_selected(rt, user_id=None, feed_id=feed_id, force=False, use_cache=True)
    except DomainError as exc:
        logger.info("refresh of feed %s in the web process failed: %s", feed_id, exc.message)


@blueprint.get("/<int:feed_id>/updates")
@login_required
async def show_updates(feed_id: int) -> ResponseReturnValue:
    user = require_user()
    details = await services.show_feed(user.id, feed_id, updates=100)
    page = await render_template("feeds/updates.html", details=details, timezone=await _timezone())
    return page, 200, NO_STORE
