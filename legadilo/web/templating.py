"""Templates rendered synchronously, inside Quart's async `render_template`.

Quart compiles Jinja templates in async mode: every block, include, loop and call becomes an async generator
or an awaited helper, which made a reading-list page of 100 cards cost about 70 % of its request's CPU. Our
templates do no I/O (views load everything first), so they are compiled in Jinja's ordinary mode; Quart's
`render_template` still awaits the context processors, and the template is then rendered in one go.

A context value that is a coroutine function taking no argument (a context processor's `unread_notifications`,
say) is awaited once before rendering and offered to the template as a plain function returning its value.
Any other awaitable reaching a template is a programming error, reported at once (`_SyncContext.call`)
rather than printed as "<coroutine object …>".
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import jinja2
from jinja2 import Template
from jinja2.runtime import Context
from quart import Quart
from quart.templating import Environment


def _constant(value: object) -> Callable[[], object]:
    return lambda: value


@functools.cache  # the same few context functions on every render
def _takes_no_argument(function: Callable[..., Any]) -> bool:
    parameters = inspect.signature(function).parameters.values()
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters)


class _SyncContext(Context):
    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's signature
        result = super().call(__obj, *args, **kwargs)
        if inspect.iscoroutine(result):  # not isawaitable: Tortoise models are awaitable
            result.close()
            raise TypeError(f"{__obj!r} is asynchronous: templates render synchronously (legadilo.web.templating)")
        return result


class SyncTemplate(Template):
    async def render_async(self, *args: Any, **kwargs: Any) -> str:
        context = dict(*args, **kwargs)
        for name, value in context.items():
            if inspect.iscoroutinefunction(value) and _takes_no_argument(value):
                context[name] = _constant(await value())
        return self.render(context)


class SyncEnvironment(Environment):
    """Quart's environment (its loader, globals and filters), compiling templates for synchronous rendering."""

    template_class = SyncTemplate
    context_class = _SyncContext

    def __init__(self, app: Quart, **options: Any) -> None:
        super().__init__(app, **options)
        self.is_async = False


def compile_every_template(environment: jinja2.Environment) -> None:
    """Compile (and cache) every template now, before serving: about 160 ms for all of them, otherwise paid by
    the first requests of each worker process (its first article page, say, waited for that page's templates
    while the requests queued behind it)."""
    for name in environment.list_templates():
        environment.get_template(name)
