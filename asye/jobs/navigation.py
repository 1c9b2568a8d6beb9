"""The jobs' entry in the service navigation (``settings.ASYE_CONTRIBUTIONS["navigation"]``): national
staff's history of background jobs, beside the scheduled jobs in their "Home" section."""

from __future__ import annotations

from django.urls import reverse

from asye.accounts.actor import Actor


def nav_items(actor: Actor) -> list[dict]:
    if not actor.is_national_staff:
        return []
    return [{"label": "Background jobs", "url": reverse("jobs:history"), "section": "home"}]
