"""This app's sections of the signed-in home page (asye.web.home_sections)."""

from __future__ import annotations

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.home_sections import HomeSection
from reviews.selectors import coordinator_alerts


def home_sections(actor: Actor) -> list[HomeSection]:
    """The co-ordinator's review alerts: open support plans, overdue reviews and recommendations waiting
    for the panel (``templates/reviews/_coordinator_alerts.html``)."""
    if not (actor.employer_id and actor.has_role(Role.COORDINATOR)):
        return []
    return [
        HomeSection(
            role=Role.COORDINATOR,
            template="reviews/_coordinator_alerts.html",
            context={"review_alerts": coordinator_alerts(actor=actor)},
        )
    ]
