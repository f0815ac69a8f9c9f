"""The settings pages: user settings and password, the reading-list editor, the tags admin. Every route:
anonymous visitors go to the login page, another user's list and tag ids answer 404, CSRF is enforced,
bad input re-renders the form with a 400 and loses nothing."""

from __future__ import annotations

import re

import pytest
from quart import Quart, render_template_string
from quart.typing import TestClientProtocol as QuartClient

from legadilo.accounts.models import Theme, User, UserSettings
from legadilo.reading import tags
from legadilo.reading.lists import ReadingListSettings, create_reading_list, reading_list_settings
from legadilo.reading.models import (
    FavoriteStatus,
    ForLaterStatus,
    MaxAgeUnit,
    OrderDirection,
    ReadingList,
    ReadingTimeOperator,
    ReadStatus,
    SubTagMapping,
    Tag,
    TagOperator,
)
from legadilo.runtime import Runtime
from legadilo.signup.services import register_user
from tests.conftest import TEST_PASSWORD, csrf_from, get_csrf, log_in

ALICE, BOB = "alice@example.org", "bob@example.org"
NEW_PASSWORD = "a much longer new secret"
GETS = ["/settings/", "/settings/lists/", "/settings/lists/new", "/settings/tags/"]
FULL_LIST_FORM = {
    "title": "Long reads",
    "read_status": "ONLY_UNREAD",
    "favorite_status": "ONLY_FAVORITE",
    "for_later_status": "ONLY_NOT_FOR_LATER",
    "articles_max_age_value": "3",
    "articles_max_age_unit": "WEEKS",
    "articles_reading_time_operator": "MORE_THAN",
    "articles_reading_time": "10",
    "include_tags": "Python, web",
    "include_tag_operator": "ANY",
    "exclude_tags": "news",
    "exclude_tag_operator": "ALL",
    "order_direction": "ASC",
    "enable_reading_on_scroll": "on",
    "auto_refresh_interval": "2",
}


@pytest.fixture
async def alice(db: Runtime) -> User:
    return await register_user(ALICE, TEST_PASSWORD)


@pytest.fixture
async def bob(db: Runtime) -> User:
    return await register_user(BOB, TEST_PASSWORD)


@pytest.fixture
async def logged(client: QuartClient, alice: User) -> QuartClient:
    await log_in(client, ALICE)
    return client


async def _post(client: QuartClient, path: str, form: dict[str, str], page: str = "/settings/") -> tuple[int, str]:
    token = await get_csrf(client, page)
    response = await client.post(path, form={**form, "csrf_token": token})
    return response.status_code, await response.get_data(as_text=True)


async def _lists(user: User) -> list[tuple[str, bool]]:
    return [(rl.title, rl.is_default) for rl in await ReadingList.filter(user_id=user.id).order_by("order", "id")]


# --- access rules ---------------------------------------------------------------------------------------


async def test_anonymous_visitors_are_sent_to_login_on_every_route(client: QuartClient, db: Runtime) -> None:
    token = await get_csrf(client)
    posts = [
        "/settings/",
        "/settings/password",
        "/settings/lists/new",
        "/settings/lists/1/edit",
        "/settings/lists/1/move",
        "/settings/lists/1/default",
        "/settings/lists/1/delete",
        "/settings/tags/new",
        "/settings/tags/1/rename",
        "/settings/tags/1/sub-tags",
        "/settings/tags/1/sub-tags/2/remove",
        "/settings/tags/1/delete",
    ]
    gets = [*GETS, "/settings/lists/1/edit", "/settings/lists/1/delete", "/settings/tags/1/", "/settings/tags/1/delete"]
    for path in gets:
        response = await client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/accounts/login"), path
    for path in posts:
        response = await client.post(path, form={"csrf_token": token})
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/accounts/login"), path


async def test_every_post_needs_the_csrf_token(logged: QuartClient, alice: User) -> None:
    list_id = (await ReadingList.filter(user_id=alice.id).order_by("order").first()).id  # type: ignore[union-attr]
    tag = await tags.create_tag(alice.id, "t")
    paths = [
        "/settings/",
        "/settings/password",
        "/settings/lists/new",
        f"/settings/lists/{list_id}/edit",
        f"/settings/lists/{list_id}/move",
        f"/settings/lists/{list_id}/default",
        f"/settings/lists/{list_id}/delete",
        "/settings/tags/new",
        f"/settings/tags/{tag.id}/rename",
        f"/settings/tags/{tag.id}/sub-tags",
        f"/settings/tags/{tag.id}/sub-tags/{tag.id}/remove",
        f"/settings/tags/{tag.id}/delete",
    ]
    before = await _lists(alice)
    for path in paths:
        response = await logged.post(path, form={"title": "x", "direction": "down", "csrf_token": "wrong"})
        assert response.status_code == 400, path
    assert await _lists(alice) == before
    assert [tag.title for tag in await Tag.filter(user_id=alice.id)] == ["t"]


async def test_another_users_lists_and_tags_answer_404_and_stay_unchanged(
    logged: QuartClient, alice: User, bob: User
) -> None:
    bob_list = await create_reading_list(bob.id, ReadingListSettings(title="Bob's"))
    bob_tag = await tags.create_tag(bob.id, "bobs")
    mine = await tags.create_tag(alice.id, "mine")
    for path in [
        f"/settings/lists/{bob_list.id}/edit",
        f"/settings/lists/{bob_list.id}/delete",
        f"/settings/tags/{bob_tag.id}/",
        f"/settings/tags/{bob_tag.id}/delete",
        "/settings/lists/99999999999999999999/edit",
    ]:
        assert (await logged.get(path)).status_code == 404, path
    for path, form in [
        (f"/settings/lists/{bob_list.id}/edit", FULL_LIST_FORM),
        (f"/settings/lists/{bob_list.id}/edit", {"title": ""}),
        (f"/settings/lists/{bob_list.id}/move", {"direction": "up"}),
        (f"/settings/lists/{bob_list.id}/default", {}),
        (f"/settings/lists/{bob_list.id}/delete", {}),
        (f"/settings/tags/{bob_tag.id}/rename", {"title": "stolen"}),
        (f"/settings/tags/{bob_tag.id}/sub-tags", {"sub_tag_id": str(mine.id)}),
        (f"/settings/tags/{mine.id}/sub-tags", {"sub_tag_id": str(bob_tag.id)}),
        (f"/settings/tags/{bob_tag.id}/sub-tags/{mine.id}/remove", {}),
        (f"/settings/tags/{bob_tag.id}/delete", {}),
    ]:
        status, _ = await _post(logged, path, form)
        assert status == 404, path
    assert (await ReadingList.get(id=bob_list.id)).title == "Bob's"
    assert not (await ReadingList.get(id=bob_list.id)).is_default
    assert (await Tag.get(id=bob_tag.id)).title == "bobs"
    assert await SubTagMapping.all().count() == 0


# --- settings and password ------------------------------------------------------------------------------


async def test_settings_page_shows_the_current_settings_and_a_timezone_list(logged: QuartClient) -> None:
    response = await logged.get("/settings/")
    html = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="words_per_minute"' in html and 'value="200"' in html
    assert '<option value="Europe/Paris">' in html
    assert re.search(r'<option value="auto" selected>', html)
    assert "js/theme." in html and "css/preferences." in html


async def test_saving_settings_stores_them(logged: QuartClient, alice: User) -> None:
    form = {"words_per_minute": "320", "timezone": "Asia/Tokyo", "language": "en", "theme": "dark"}
    status, _ = await _post(logged, "/settings/", form)
    assert status == 303
    row = await UserSettings.get(user_id=alice.id)
    assert (row.words_per_minute, row.timezone, row.theme) == (320, "Asia/Tokyo", Theme.DARK)
    html = await (await logged.get("/settings/")).get_data(as_text=True)
    assert 'value="Asia/Tokyo"' in html and '<option value="dark" selected>' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("words_per_minute", "10", "reading speed"),
        ("words_per_minute", "fast", "reading speed"),
        ("timezone", "Mars/Base", "not a known timezone"),
        ("theme", "neon", "language and a theme"),
        ("language", "xx", "language and a theme"),
    ],
)
async def test_bad_settings_rerender_the_form_with_an_error(
    logged: QuartClient, alice: User, field: str, value: str, message: str
) -> None:
    form = {"words_per_minute": "320", "timezone": "Asia/Tokyo", "language": "en", "theme": "dark", field: value}
    status, html = await _post(logged, "/settings/", form)
    assert status == 400
    assert message in html and 'role="alert"' in html
    typed = {"words_per_minute": "320", "timezone": "Asia/Tokyo"}
    if field in typed:
        typed[field] = value
    for name, shown in typed.items():  # what was typed is shown again, the refused value included
        assert f'name="{name}" type="' in html and f'value="{shown}"' in html, name
    assert (await UserSettings.get(user_id=alice.id)).words_per_minute == 200


async def test_the_theme_is_offered_to_every_template(app: Quart, alice: User) -> None:
    await UserSettings.filter(user_id=alice.id).update(theme=Theme.DARK)
    async with app.test_request_context("/"):
        from quart import g

        assert await render_template_string("{{ user_theme() }}") == "auto"  # nobody logged in
        g.user = alice
        g.pop("layout")
        assert await render_template_string('<html data-theme="{{ user_theme() }}">') == '<html data-theme="dark">'


async def test_password_change_keeps_this_session_and_ends_the_others(
    client: QuartClient, app: Quart, alice: User
) -> None:
    other = app.test_client()
    await log_in(client, ALICE)
    await log_in(other, ALICE)
    form = {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirmation": NEW_PASSWORD}
    status, _ = await _post(client, "/settings/password", form)
    assert status == 303
    assert (await client.get("/settings/")).status_code == 200
    assert (await other.get("/settings/")).status_code == 302
    await log_in(other, ALICE, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        ("wrong password", NEW_PASSWORD, NEW_PASSWORD, "current password is wrong"),
        (TEST_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "differ"),
        (TEST_PASSWORD, "short", "short", "password"),
    ],
)
async def test_a_refused_password_change_shows_why_and_keeps_the_old_password(
    logged: QuartClient, app: Quart, current: str, new: str, again: str, message: str
) -> None:
    form = {"current_password": current, "new_password": new, "new_password_confirmation": again}
    status, html = await _post(logged, "/settings/password", form)
    assert status == 400
    assert message in html and 'id="password-error"' in html
    assert (await logged.get("/settings/")).status_code == 200  # still logged in
    await log_in(app.test_client(), ALICE, TEST_PASSWORD)


# --- reading lists --------------------------------------------------------------------------------------


async def test_lists_page_shows_the_lists_with_their_actions(logged: QuartClient, alice: User) -> None:
    html = await (await logged.get("/settings/lists/")).get_data(as_text=True)
    for title, _ in await _lists(alice):
        assert title in html
    assert "Default" in html and "Make default" in html
    assert html.count("disabled") == 2  # the first list cannot go up, the last one cannot go down


async def test_the_editor_offers_every_choice_of_every_filter(logged: QuartClient) -> None:
    html = await (await logged.get("/settings/lists/new")).get_data(as_text=True)
    for name, enum in [
        ("read_status", ReadStatus),
        ("favorite_status", FavoriteStatus),
        ("for_later_status", ForLaterStatus),
        ("articles_max_age_unit", MaxAgeUnit),
        ("articles_reading_time_operator", ReadingTimeOperator),
        ("include_tag_operator", TagOperator),
        ("exclude_tag_operator", TagOperator),
        ("order_direction", OrderDirection),
    ]:
        select = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', html, re.S)
        assert select is not None, name
        assert set(re.findall(r'<option value="([A-Z_]+)"', select.group(1))) == {m.value for m in enum}, name
        assert select.group(1).count(" selected") == 1, name


async def test_creating_a_list_with_every_filter(logged: QuartClient, alice: User) -> None:
    assert (await logged.get("/settings/lists/new")).status_code == 200
    status, _ = await _post(logged, "/settings/lists/new", FULL_LIST_FORM, "/settings/lists/new")
    assert status == 303
    created = await ReadingList.get(user_id=alice.id, title="Long reads")
    saved = await reading_list_settings(alice.id, created.id)
    assert saved.read_status == ReadStatus.ONLY_UNREAD
    assert (saved.articles_max_age_value, saved.articles_max_age_unit) == (3, "WEEKS")
    assert (saved.articles_reading_time, saved.articles_reading_time_operator) == (10, "MORE_THAN")
    assert (saved.include_tags, saved.include_tag_operator, saved.exclude_tags) == (
        ("python", "web"),
        TagOperator.ANY,
        ("news",),
    )
    assert saved.enable_reading_on_scroll and saved.auto_refresh_interval == 2 and saved.order_direction == "ASC"
    edit = await (await logged.get(f"/settings/lists/{created.id}/edit")).get_data(as_text=True)
    assert 'value="python, web"' in edit and 'value="ONLY_UNREAD" selected' in edit and "checked" in edit


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "  ", "needs a title"),
        ("articles_max_age_value", "many", "maximum age must be a whole number"),
        ("auto_refresh_interval", "100000", "auto refresh interval must be a whole number from 0"),
        ("read_status", "SOMETIMES", "is not a choice"),
        ("exclude_tags", "web", "both included and excluded"),
    ],
)
async def test_a_bad_list_form_is_shown_again_with_the_error_and_the_typed_values(
    logged: QuartClient, alice: User, field: str, value: str, message: str
) -> None:
    before = await _lists(alice)
    status, html = await _post(logged, "/settings/lists/new", {**FULL_LIST_FORM, field: value}, "/settings/lists/new")
    assert status == 400
    assert message in html
    assert 'value="Python, web"' in html  # what was typed is kept
    assert await _lists(alice) == before


async def test_editing_a_list_replaces_its_settings(logged: QuartClient, alice: User) -> None:
    reading_list = await create_reading_list(alice.id, ReadingListSettings(title="Old", include_tags=("a",)))
    path = f"/settings/lists/{reading_list.id}/edit"
    status, _ = await _post(logged, path, {**FULL_LIST_FORM, "title": "New", "include_tags": ""}, path)
    assert status == 303
    saved = await reading_list_settings(alice.id, reading_list.id)
    assert (saved.title, saved.include_tags, saved.exclude_tags) == ("New", (), ("news",))
    status, html = await _post(logged, path, {**FULL_LIST_FORM, "title": ""}, path)
    assert status == 400 and "needs a title" in html
    assert (await reading_list_settings(alice.id, reading_list.id)).title == "New"


async def test_moving_lists_up_and_down(logged: QuartClient, alice: User) -> None:
    titles = [title for title, _ in await _lists(alice)]
    last = (await ReadingList.filter(user_id=alice.id).order_by("-order", "-id").first()).id  # type: ignore[union-attr]
    assert (await _post(logged, f"/settings/lists/{last}/move", {"direction": "up"}))[0] == 303
    assert [title for title, _ in await _lists(alice)] == [*titles[:-2], titles[-1], titles[-2]]
    assert (await _post(logged, f"/settings/lists/{last}/move", {"direction": "down"}))[0] == 303
    assert [title for title, _ in await _lists(alice)] == titles
    assert (await _post(logged, f"/settings/lists/{last}/move", {"direction": "down"}))[0] == 303  # already last
    assert [title for title, _ in await _lists(alice)] == titles
    assert (await _post(logged, f"/settings/lists/{last}/move", {"direction": "sideways"}))[0] == 400


async def test_make_default_then_delete_with_confirmation(logged: QuartClient, alice: User) -> None:
    old_default = await ReadingList.get(user_id=alice.id, is_default=True)
    other = await create_reading_list(alice.id, ReadingListSettings(title="Mine"))

    page = await logged.get(f"/settings/lists/{old_default.id}/delete")
    assert page.status_code == 200 and old_default.title in await page.get_data(as_text=True)
    status, html = await _post(logged, f"/settings/lists/{old_default.id}/delete", {})
    assert status == 400 and "default reading list cannot be deleted" in html

    assert (await _post(logged, f"/settings/lists/{other.id}/default", {}))[0] == 303
    assert (await ReadingList.get(user_id=alice.id, is_default=True)).id == other.id
    assert (await _post(logged, f"/settings/lists/{old_default.id}/delete", {}))[0] == 303
    assert not await ReadingList.filter(id=old_default.id).exists()


# --- tags -----------------------------------------------------------------------------------------------


async def test_tags_create_list_rename_and_refusals(logged: QuartClient, alice: User) -> None:
    assert (await _post(logged, "/settings/tags/new", {"title": "Python"}, "/settings/tags/"))[0] == 303
    assert "The tag “Python” is created." in await (await logged.get("/settings/tags/")).get_data(as_text=True)
    status, html = await _post(logged, "/settings/tags/new", {"title": "python"}, "/settings/tags/")
    assert status == 400 and "already exists" in html and 'value="python"' in html
    status, html = await _post(logged, "/settings/tags/new", {"title": ""}, "/settings/tags/")
    assert status == 400 and "needs a title" in html
    listed = await (await logged.get("/settings/tags/")).get_data(as_text=True)
    assert "Python" in listed and "0 articles" in listed

    tag = await Tag.get(user_id=alice.id, slug="python")
    await tags.create_tag(alice.id, "Rust")
    page = f"/settings/tags/{tag.id}/"
    assert (await _post(logged, f"/settings/tags/{tag.id}/rename", {"title": "Python 3"}, page))[0] == 303
    status, html = await _post(logged, f"/settings/tags/{tag.id}/rename", {"title": "rust"}, page)
    assert status == 400 and "already called" in html and 'value="rust"' in html
    assert (await Tag.get(id=tag.id)).title == "Python 3"


async def test_sub_tags_added_refused_on_cycles_and_removed(logged: QuartClient, alice: User) -> None:
    a, b = await tags.create_tag(alice.id, "a"), await tags.create_tag(alice.id, "b")
    page = f"/settings/tags/{a.id}/"
    assert (await _post(logged, f"/settings/tags/{a.id}/sub-tags", {"sub_tag_id": str(b.id)}, page))[0] == 303
    html = await (await logged.get(page)).get_data(as_text=True)
    assert f"/settings/tags/{a.id}/sub-tags/{b.id}/remove" in html
    status, html = await _post(logged, f"/settings/tags/{b.id}/sub-tags", {"sub_tag_id": str(a.id)}, page)
    assert status == 400 and "cycle" in html
    for bad in ("", "abc"):
        status, _ = await _post(logged, f"/settings/tags/{b.id}/sub-tags", {"sub_tag_id": bad}, page)
        assert status == 400
    assert (await _post(logged, f"/settings/tags/{a.id}/sub-tags/{b.id}/remove", {}, page))[0] == 303
    assert await SubTagMapping.all().count() == 0


async def test_deleting_a_tag_asks_first(logged: QuartClient, alice: User) -> None:
    tag = await tags.create_tag(alice.id, "old")
    confirm = await logged.get(f"/settings/tags/{tag.id}/delete")
    html = await confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "old" in html
    response = await logged.post(f"/settings/tags/{tag.id}/delete", form={"csrf_token": csrf_from(html)})
    assert response.status_code == 303
    assert not await Tag.filter(id=tag.id).exists()


async def test_password_changes_are_rate_limited(logged: QuartClient) -> None:
    token = await get_csrf(logged, "/settings/")
    form = {"current_password": TEST_PASSWORD, "new_password": "x", "new_password_confirmation": "y"}
    form["csrf_token"] = token
    statuses = [(await logged.post("/settings/password", form=form)).status_code for _ in range(11)]
    assert statuses == [400] * 10 + [429]


@pytest.mark.parametrize(
    ("theme", "color_scheme"), [(Theme.AUTO, "light dark"), (Theme.DARK, "dark"), (Theme.LIGHT, "light")]
)
async def test_every_page_is_rendered_in_the_chosen_theme_with_the_notifications_bell(
    logged: QuartClient, alice: User, theme: Theme, color_scheme: str
) -> None:
    from legadilo.accounts.models import Notification

    await UserSettings.filter(user_id=alice.id).update(theme=theme)
    await Notification.create(user_id=alice.id, title="Feed disabled", content="")

    for page in ("/reading/", "/feeds/", "/settings/", "/import-export/"):
        html = await (await logged.get(page)).get_data(as_text=True)
        assert f'<html lang="en" data-theme="{theme.value}">' in html, page
        assert f'<meta name="color-scheme" content="{color_scheme}">' in html, page
        assert 'aria-label="Notifications: 1 unread"' in html, page
