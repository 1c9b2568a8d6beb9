"""This app's entries in the service navigation (asye.web.context_processors)."""

from __future__ import annotations

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.navigation import nav_entry
from reviews.moderation_navigation import moderation_nav_items


def nav_items(actor: Actor) -> list[dict]:
    """Entries as ``{"label", "url", "section"}``: Reviews for the employer's people (what they have to
    write, sign or comment on), All reviews (searched and downloaded), Moderation panel for co-ordinators,
    Outcomes for national staff, then national moderation's entries."""
    items = []
    if actor.employer_id and actor.has_role(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW):
        items.append(
            nav_entry(
                "Reviews",
                "reviews:list",
                "reviews",
                description="What you have to write, comment on or sign, and each NQSW's reviews.",
            )
        )
        items.append(
            nav_entry(
                "All reviews",
                "reviews:all",
                "reviews",
                description=(
                    "Every review with its due date, status and outcome: search, filter and download."
                ),
            )
        )
    if actor.employer_id and actor.has_role(Role.COORDINATOR):
        items.append(
            nav_entry(
                "Moderation panel",
                "reviews:panels",
                "reviews",
                description=(
                    "The internal moderation panel: its meetings and its decisions on final recommendations."
                ),
            )
        )
    if actor.is_national_staff:
        items.append(nav_entry("Outcomes", "national_outcomes:figures", "reports"))
    return items + moderation_nav_items(actor)
