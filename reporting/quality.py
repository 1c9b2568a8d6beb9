"""Quality figures for the annual report: national moderation's findings and the funding totals by year.

Counted in SQL inside a national scope, as plain dicts.

- **Moderation findings**: NQAP moderation cases of the year's registrations (the portfolio's
  registration's funding year) whose findings have been sent to the employer, by the moderator's answer
  (``reviews.models.ModerationCase.Agreement``), and how many cases are still with a moderator or waiting.
- **Funding by year**: claims in the funding year they are paid from, in the states the national budget
  uses (``funding.budget.CLAIM_COLUMN``): *claimed* is every claim an employer has submitted (submitted,
  approved, on a statement or paid), *paid* the claims paid, *outstanding* claimed but not yet paid, and
  *recovered* the recovery lines recovered. Money is a national total, not a count of people, so it is
  not suppressed.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Sum

from funding.budget import CLAIM_COLUMN
from funding.models import Claim, Recovery
from reporting.registrations import BOTH
from reviews.models import ModerationCase

ZERO = Decimal("0.00")


def moderation_findings(*, year: str, service_area: str = BOTH) -> dict:
    """Moderation cases of the year's registrations: findings by answer, and cases still open."""
    cases = ModerationCase.objects.filter(portfolio__registration__funding_year=year).order_by()
    if service_area != BOTH:
        cases = cases.filter(portfolio__registration__framework_version__framework__service_area=service_area)
    counts = {
        (row["status"], row["agreement"]): row["n"]
        for row in cases.values("status", "agreement").annotate(n=Count("id"))
    }
    sent = ModerationCase.Status.FINDINGS_SENT
    by_answer = [
        {"code": code, "label": label, "cases": counts.get((sent, code), 0)}
        for code, label in ModerationCase.Agreement.choices
    ]
    return {
        "findings_sent": sum(row["cases"] for row in by_answer),
        "by_answer": by_answer,
        "open": sum(n for (status, _), n in counts.items() if status != sent),
    }


def funding_by_year(*, service_area: str = BOTH) -> list[dict]:
    """Claimed, paid, outstanding and recovered, in pounds, for each funding year, oldest first."""
    claims = Claim.objects.filter(status__in=list(CLAIM_COLUMN)).order_by()
    recoveries = Recovery.objects.filter(status=Recovery.Status.RECOVERED).order_by()
    if service_area != BOTH:
        claims = claims.filter(registration__framework_version__framework__service_area=service_area)
        recoveries = recoveries.filter(
            claim__registration__framework_version__framework__service_area=service_area
        )
    years: dict[str, dict] = {}

    def year_row(label: str) -> dict:
        return years.setdefault(
            label, {"year": label, "claimed": ZERO, "paid": ZERO, "outstanding": ZERO, "recovered": ZERO}
        )

    for row in claims.values("status", label=F("funding_year__label")).annotate(amount=Sum("amount")):
        figures = year_row(row["label"])
        figures["claimed"] += row["amount"]
        if CLAIM_COLUMN[row["status"]] == "paid":
            figures["paid"] += row["amount"]
        else:
            figures["outstanding"] += row["amount"]
    for row in recoveries.values(label=F("claim__funding_year__label")).annotate(amount=Sum("amount")):
        year_row(row["label"])["recovered"] += row["amount"]
    return [years[label] for label in sorted(years)]
