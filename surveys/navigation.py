"""This app's entries in the service navigation (asye.web.context_processors)."""

from __future__ import annotations

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.navigation import nav_entry


def nav_items(actor: Actor) -> list[dict]:
    """ "Surveys": people invited to the annual surveys (co-ordinators, assessors, NQSWs) answer theirs;
    national staff run the rounds and read the figures (in their reports section)."""
    items = []
    if actor.employer_id and actor.has_role(Role.COORDINATOR, Role.ASSESSOR, Role.NQSW):
        items.append(nav_entry("Surveys", "surveys:mine", "forums"))
    if actor.is_national_staff:
        items.append(nav_entry("Annual surveys", "national_surveys:rounds", "reports"))
    return items
