"""This app's entries in the service navigation (asye.web.context_processors)."""

from __future__ import annotations

from django.urls import reverse

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from programmes.support_selectors import registration_of_nqsw


def nav_items(actor: Actor) -> list[dict]:
    """NQSWs get "Portfolio", to their current registration's portfolio (one query). Assessors, line
    managers and co-ordinators reach portfolios from each registration's page."""
    if not actor.employer_id or not actor.has_role(Role.NQSW):
        return []
    registration = registration_of_nqsw(actor=actor)
    if registration is None:
        return []
    url = reverse("portfolios:overview", kwargs={"pk": registration.pk})
    return [{"label": "Portfolio", "url": url, "section": "nqsws"}]
