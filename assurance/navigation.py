"""This app's entries in the service navigation (asye.web.context_processors)."""

from __future__ import annotations

from django.urls import reverse

from asye.accounts.actor import Actor
from asye.accounts.models import Role


def nav_items(actor: Actor) -> list[dict]:
    """The NQSW's confidential route to the national team (with their home page); the co-ordinator's QA
    review meetings and matters raised; national staff's assurance page."""
    items = []
    if actor.employer_id and actor.has_role(Role.NQSW):
        items.append(
            {"label": "Tell the national team", "url": reverse("assurance:concerns"), "section": "home"}
        )
    if actor.employer_id and actor.has_role(Role.COORDINATOR):
        items.append({"label": "QA meetings", "url": reverse("assurance:meetings"), "section": "reports"})
    if actor.is_national_staff:
        items.append(
            {"label": "Assurance", "url": reverse("national_assurance:overview"), "section": "moderation"}
        )
    return items
