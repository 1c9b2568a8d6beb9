"""This app's entries in the service navigation (asye.web.context_processors)."""

from __future__ import annotations

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.navigation import nav_entry


def nav_items(actor: Actor) -> list[dict]:
    """The NQSW's confidential route to the national team (with their home page); the co-ordinator's QA
    review meetings and matters raised; national staff's assurance page."""
    items = []
    if actor.employer_id and actor.has_role(Role.NQSW):
        items.append(nav_entry("Tell the national team", "assurance:concerns", "home"))
    if actor.employer_id and actor.has_role(Role.COORDINATOR):
        items.append(nav_entry("QA meetings", "assurance:meetings", "reports"))
    if actor.is_national_staff:
        items.append(nav_entry("Assurance", "national_assurance:overview", "moderation"))
    return items
