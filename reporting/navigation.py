"""This app's entry in the service navigation (asye.web.context_processors): "Reports" for national staff."""

from __future__ import annotations

from asye.accounts.actor import Actor
from asye.web.navigation import nav_entry


def nav_items(actor: Actor) -> list[dict]:
    if not actor.is_national_staff:
        return []
    return [nav_entry("Reports", "reports:index", "reports")]
