"""This app's entries in the service navigation (asye.web.context_processors)."""

from __future__ import annotations

from django.urls import reverse

from asye.accounts.actor import Actor
from asye.accounts.models import Role


def nav_items(actor: Actor) -> list[dict]:
    """ "Surveys": people invited to the annual surveys (co-ordinators, assessors, NQSWs) answer theirs;
    national staff run the rounds and read the figures (in their reports section)."""
    items = []
    if actor.employer_id and actor.has_role(Role.COORDINATOR, Role.ASSESSOR, Role.NQSW):
        items.append({"label": "Surveys", "url": reverse("surveys:mine"), "section": "forums"})
    if actor.is_national_staff:
        items.append(
            {"label": "Annual surveys", "url": reverse("national_surveys:rounds"), "section": "reports"}
        )
    return items
