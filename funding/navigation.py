"""This app's entries in the service navigation (asye.web.context_processors)."""

from __future__ import annotations

from django.urls import reverse

from asye.accounts.actor import Actor
from asye.accounts.models import Role


def nav_items(actor: Actor) -> list[dict]:
    """ "Funding" for co-ordinators (their employer's claims, grant applications and statements) and for
    national staff (claims to approve, statements, applications and the budget)."""
    items = []
    employer_funding = bool(actor.employer_id and actor.has_role(Role.COORDINATOR))
    if employer_funding:
        items.append({"label": "Funding", "url": reverse("funding:overview"), "section": "funding"})
    if actor.is_national_staff:
        label = "National funding" if employer_funding else "Funding"
        items.append({"label": label, "url": reverse("national_funding:overview"), "section": "funding"})
    return items
