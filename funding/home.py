"""This app's section of the signed-in home page (``asye.web.home_sections``): the co-ordinator's claims
that can be submitted now, how many and for how much, with a link to the claims list filtered to them.
One aggregate query whatever the number of claims."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.home_sections import HomeSection
from funding.models import ClaimStatus
from funding.selectors import claim_list


@dataclass(frozen=True)
class ClaimableClaims:
    count: int
    total: Decimal


def claims_claimable(*, actor: Actor) -> ClaimableClaims:
    """The employer's claims that can be submitted (status "Claimable") and their total value."""
    figures = (
        claim_list(actor=actor)
        .filter(status=ClaimStatus.DRAFT)
        .order_by()
        .aggregate(count=Count("pk"), total=Sum("amount"))
    )
    return ClaimableClaims(count=figures["count"], total=figures["total"] or Decimal("0"))


def home_sections(actor: Actor) -> list[HomeSection]:
    if actor.employer_id is None or actor.user is None or not actor.has_role(Role.COORDINATOR):
        return []
    return [
        HomeSection(
            role=Role.COORDINATOR,
            template="funding/_home_claims.html",
            context={"funding_claimable": claims_claimable(actor=actor)},
        )
    ]
