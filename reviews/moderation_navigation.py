"""The navigation entries of national moderation, for ``reviews.navigation.nav_items`` to add (the lead
wires this in): national staff's moderation pages, a moderator's cases, and the employer's side for
co-ordinators (national moderation, good practice, exemplars) and assessors (exemplars)."""

from __future__ import annotations

from django.urls import reverse

from asye.accounts.actor import Actor
from asye.accounts.models import Role


def moderation_nav_items(actor: Actor) -> list[dict]:
    """Entries as ``{"label", "url", "section"}`` for the actor's roles."""
    items: list[dict] = []
    if actor.employer_id and actor.has_role(Role.COORDINATOR):
        items.append(
            {"label": "National moderation", "url": reverse("reviews:moderation_list"), "section": "reviews"}
        )
    elif actor.employer_id and actor.has_role(Role.ASSESSOR):
        items.append({"label": "Exemplars", "url": reverse("reviews:exemplar_list"), "section": "reviews"})
    if actor.is_national_staff:
        items.append(
            {"label": "National moderation", "url": reverse("moderation:index"), "section": "moderation"}
        )
    if actor.is_moderator:
        items.append(
            {"label": "My moderation cases", "url": reverse("moderation:my_cases"), "section": "moderation"}
        )
        if not actor.is_national_staff:
            items.append(
                {
                    "label": "Exemplars library",
                    "url": reverse("moderation:exemplars"),
                    "section": "moderation",
                }
            )
    return items
