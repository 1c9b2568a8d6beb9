"""Route builders for the URL modules: the groups of routes that recur across apps, written once.

Each builder returns plain ``path()`` routes with the whole address, so a route keeps its converters
(``<int:pk>``) and its name exactly as if it were written out, and the routes stay in the app's flat
``urlpatterns``."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import URLPattern, path

SPREADSHEET_KINDS = ("csv", "xlsx")


def spreadsheet_downloads(route: str, view: Callable, name: str) -> list[URLPattern]:
    """A page's table as a spreadsheet: ``<route>.csv`` and ``<route>.xlsx``, named ``<name>_csv`` and
    ``<name>_xlsx``, each calling ``view`` with its ``kind``."""
    return [
        path(f"{route}.{kind}", view, {"kind": kind}, name=f"{name}_{kind}") for kind in SPREADSHEET_KINDS
    ]


def record_actions(prefix: str, name: str, **actions: Callable) -> list[URLPattern]:
    """What can be done to one record: each of ``actions`` (``change=view``) at
    ``<prefix>/<int:pk>/<action>/``, named ``<name>_<action>``."""
    return [
        path(f"{prefix}/<int:pk>/{action}/", view, name=f"{name}_{action}")
        for action, view in actions.items()
    ]


def record_routes(prefix: str, name: str, page: Callable, **actions: Callable) -> list[URLPattern]:
    """One record's page at ``<prefix>/<int:pk>/``, named ``name``, then its ``record_actions``."""
    return [path(f"{prefix}/<int:pk>/", page, name=name), *record_actions(prefix, name, **actions)]
