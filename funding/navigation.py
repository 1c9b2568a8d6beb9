"""This app's entries in the service navigation (asye.web.context_processors)."""

from __future__ import annotations

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.navigation import nav_entry


def nav_items(actor: Actor) -> list[dict]:
    """ "Funding" for co-ordinators (their employer's claims, grant applications and statements) and for
    national staff (claims to approve, statements, applications and the budget)."""
    items = []
    employer_funding = bool(actor.employer_id and actor.has_role(Role.COORDINATOR))
    if employer_funding:
        items.append(nav_entry("Funding", "funding:overview", "funding"))
    if actor.is_national_staff:
        label = "National funding" if employer_funding else "Funding"
        items.append(nav_entry(label, "national_funding:overview", "funding"))
    return items
