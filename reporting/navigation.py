"""This app's entry in the service navigation (asye.web.context_processors): "Reports" for national staff."""

from __future__ import annotations

from django.urls import reverse

from asye.accounts.actor import Actor


def nav_items(actor: Actor) -> list[dict]:
    if not actor.is_national_staff:
        return []
    return [{"label": "Reports", "url": reverse("reports:index"), "section": "reports"}]
