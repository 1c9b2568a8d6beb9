"""The navigation entries of national moderation, for ``reviews.navigation.nav_items`` to add (the lead
wires this in): national staff's moderation pages, a moderator's cases, and the employer's side for
co-ordinators (national moderation, good practice, exemplars) and assessors (exemplars)."""

from __future__ import annotations

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.navigation import nav_entry


def moderation_nav_items(actor: Actor) -> list[dict]:
    """Entries as ``{"label", "url", "section"}`` for the actor's roles."""
    items: list[dict] = []
    if actor.employer_id and actor.has_role(Role.COORDINATOR):
        items.append(nav_entry("National moderation", "reviews:moderation_list", "reviews"))
    elif actor.employer_id and actor.has_role(Role.ASSESSOR):
        items.append(nav_entry("Exemplars", "reviews:exemplar_list", "reviews"))
    if actor.is_national_staff:
        items.append(nav_entry("National moderation", "moderation:index", "moderation"))
    if actor.is_moderator:
        items.append(nav_entry("My moderation cases", "moderation:my_cases", "moderation"))
        if not actor.is_national_staff:
            items.append(nav_entry("Exemplars library", "moderation:exemplars", "moderation"))
    return items
