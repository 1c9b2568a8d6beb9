"""The parts of the signed-in home page that domain apps contribute (``asye.contributions``, kind
``home_sections``): each app's ``home_sections(actor)`` returns the sections it shows to that actor."""

from __future__ import annotations

from dataclasses import dataclass, field

from asye.accounts.actor import Actor
from asye.contributions import contributions


@dataclass(frozen=True)
class HomeSection:
    """``template`` is included in the home page's part for ``role``; ``context`` is added to the page's
    context (so its names carry the app's prefix, like ``review_alerts``)."""

    role: str
    template: str
    context: dict = field(default_factory=dict)


def home_sections(actor: Actor) -> list[HomeSection]:
    """Every contributed section for the actor, in the order the apps are listed."""
    return [section for module in contributions("home_sections") for section in module.home_sections(actor)]
