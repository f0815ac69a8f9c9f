"""Routes declared in one module and attached to a blueprint defined in another.

One blueprint is one URL prefix and one endpoint prefix (`preferences.show_settings`, used by `url_for` in the
templates); a `RouteTable` lets several small modules share it without importing each other: each module
declares its views on its own table, and the blueprint's module attaches every table once, before the app
registers the blueprint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from quart import Blueprint

F = TypeVar("F", bound=Callable[..., Any])


class RouteTable:
    def __init__(self) -> None:
        self._routes: list[tuple[str, str, Callable[..., Any]]] = []

    def get(self, rule: str) -> Callable[[F], F]:
        return self._route(rule, "GET")

    def post(self, rule: str) -> Callable[[F], F]:
        return self._route(rule, "POST")

    def _route(self, rule: str, method: str) -> Callable[[F], F]:
        def declare(view: F) -> F:
            self._routes.append((rule, method, view))
            return view

        return declare

    def attach_to(self, blueprint: Blueprint) -> None:
        """Add every route to `blueprint`; the endpoint is the view's name, as with `@blueprint.get`."""
        for rule, method, view in self._routes:
            blueprint.add_url_rule(rule, view_func=view, methods=[method])
