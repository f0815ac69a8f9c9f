"""Templates render synchronously inside Quart's render_template (legadilo.web.templating)."""

from __future__ import annotations

import jinja2
import pytest
from quart import Quart, render_template_string

from legadilo.web.templating import SyncEnvironment, compile_every_template


async def _seven() -> int:
    return 7


async def _double(value: int) -> int:
    return value * 2


async def test_the_app_compiles_its_templates_for_synchronous_rendering(app: Quart) -> None:
    assert isinstance(app.jinja_env, SyncEnvironment)
    assert not app.jinja_env.is_async
    assert "yield" in app.jinja_env.compile("{{ x }}", raw=True)
    assert "async def" not in app.jinja_env.compile("{% for i in x %}{{ i }}{% endfor %}", raw=True)


async def test_a_context_coroutine_function_without_arguments_is_awaited_once_before_rendering(app: Quart) -> None:
    async with app.test_request_context("/"):
        html = await render_template_string("{{ seven() }}/{{ seven() + 1 }}", seven=_seven)
    assert html == "7/8"


async def test_calling_an_asynchronous_function_from_a_template_is_an_error_not_a_coroutine_printed(
    app: Quart,
) -> None:
    async with app.test_request_context("/"):
        with pytest.raises(TypeError, match="asynchronous"):
            await render_template_string("{{ double(2) }}", double=_double)


async def test_every_template_is_compiled_before_serving(app: Quart) -> None:
    compile_every_template(app.jinja_env)
    compiled = {template.name for template in app.jinja_env.cache.values()} if app.jinja_env.cache else set()
    assert "reading/show_article.html" in compiled
    assert compiled >= set(app.jinja_env.list_templates())


def test_a_broken_template_stops_the_start_instead_of_failing_a_request_later() -> None:
    environment = jinja2.Environment(loader=jinja2.DictLoader({"fine.html": "{{ x }}", "broken.html": "{% if %}"}))
    with pytest.raises(jinja2.TemplateSyntaxError):
        compile_every_template(environment)
