"""This app's entries in the service navigation (asye.web.context_processors), in the "reports" section:
the 360 evaluation for co-ordinators, the national composite for national staff."""

from __future__ import annotations

from django.urls import reverse

from asye.accounts.actor import Actor
from asye.accounts.models import Role


def nav_items(actor: Actor) -> list[dict]:
    items = []
    if actor.employer_id and actor.has_role(Role.COORDINATOR):
        items.append(
            {"label": "360 evaluation", "url": reverse("evaluations:overview"), "section": "reports"}
        )
    if actor.is_national_staff:
        items.append(
            {
                "label": "360 national composite",
                "url": reverse("national_evaluations:composite"),
                "section": "reports",
            }
        )
    return items
