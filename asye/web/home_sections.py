"""The parts of the signed-in home page that domain apps contribute (``asye.contributions``, kind
``home_sections``): each app's ``home_sections(actor)`` returns the sections it shows to that actor, and
``listed()``, the first few rows of a to-do list with how many there are in all."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Window

from asye.accounts.actor import Actor
from asye.contributions import contributions

# How many items a to-do list names before it says how many more there are.
SHOWN = 10


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


@dataclass(frozen=True)
class Listed:
    """The first ``SHOWN`` items of a list and how many there are in all."""

    items: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def listed(queryset) -> Listed:
    """One query: the first ``SHOWN`` rows, each carrying the count of them all (a window over the rows
    before the limit)."""
    items = list(queryset.annotate(listed_total=Window(Count("pk")))[:SHOWN])
    return Listed(items=items, total=items[0].listed_total if items else 0)
