"""This app's entries in the service navigation (asye.web.context_processors), in the "reports" section:
the 360 evaluation for co-ordinators, the national composite for national staff."""

from __future__ import annotations

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.navigation import nav_entry


def nav_items(actor: Actor) -> list[dict]:
    items = []
    if actor.employer_id and actor.has_role(Role.COORDINATOR):
        items.append(nav_entry("360 evaluation", "evaluations:overview", "reports"))
    if actor.is_national_staff:
        items.append(nav_entry("360 national composite", "national_evaluations:composite", "reports"))
    return items
