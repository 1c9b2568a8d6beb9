"""The national budget position: what the funding years are committed to, claimed, approved and paid, by
service area, employer type and region.

Three SQL aggregates (claims by status, recovery lines, and the completions still to come) grouped by
funding year, service area, employer type and region; the small result is shaped here with ``Decimal``
arithmetic, so every figure is exact to the penny.

- **Forecast**: completion instalments not yet claimable, for registrations approved for funding and still
  on the programme without an outcome, at their cohort's completion rate, in the funding year their
  programme is due to end (start + length + any extension; deferrals are not forecast).
- **Claimable / Claimed / Approved / Paid**: the claims in each state (approved includes claims on a
  statement not yet paid), in the funding year they are paid from.
- **Recovered / To recover**: recovery lines, in the funding year of the claim they recover.
- **Committed**: forecast + claimable + claimed + approved + paid - recovered - to recover.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, F, OuterRef, Sum

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.tenancy.models import EmployerType, Region, ServiceArea
from funding.models import Claim, ClaimStatus, FundingRate, FundingYear, Instalment, Recovery
from programmes.eligibility import funding_year_of
from programmes.models import FundingStatus, Registration, RegistrationStatus

ZERO = Decimal("0.00")
CLAIM_COLUMN = {
    ClaimStatus.DRAFT: "claimable",
    ClaimStatus.SUBMITTED: "claimed",
    ClaimStatus.APPROVED: "approved",
    ClaimStatus.ON_STATEMENT: "approved",
    ClaimStatus.PAID: "paid",
}
RECOVERY_COLUMN = {
    Recovery.Status.PENDING: "to_recover",
    Recovery.Status.ON_STATEMENT: "to_recover",
    Recovery.Status.RECOVERED: "recovered",
}


@dataclass
class Position:
    """Money in one cell of the budget, in pounds and pence."""

    forecast: Decimal = ZERO
    claimable: Decimal = ZERO
    claimed: Decimal = ZERO
    approved: Decimal = ZERO
    paid: Decimal = ZERO
    recovered: Decimal = ZERO
    to_recover: Decimal = ZERO
    claims: int = 0
    forecast_nqsws: int = 0

    @property
    def committed(self) -> Decimal:
        return (
            self.forecast
            + self.claimable
            + self.claimed
            + self.approved
            + self.paid
            - self.recovered
            - self.to_recover
        )

    @property
    def recoveries(self) -> Decimal:
        return self.recovered + self.to_recover

    @property
    def net_paid(self) -> Decimal:
        return self.paid - self.recovered

    def add(self, other: Position) -> Position:
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


@dataclass
class Row:
    key: str
    label: str
    position: Position
    budget: Decimal | None = None

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.position.committed


@dataclass
class Budget:
    year: str
    years: list[Row]
    by_service_area: list[Row]
    by_employer_type: list[Row]
    by_region: list[Row]
    total: Row
    forecast_without_rate: int = 0
    cells: dict = field(default_factory=dict)


Key = tuple[str, str, str, str]  # (funding year, service area, employer type, region)


def _sums_by_cell(rows, *, claim: str) -> list[dict]:
    """The amounts and counts of ``rows`` (claims, or recoveries) by status and cell; ``claim`` is the
    path from a row to its claim ("" for a claim itself, "claim__" for a recovery)."""
    return list(
        rows.values(
            "status",
            year=F(f"{claim}funding_year__label"),
            area=F(f"{claim}registration__framework_version__framework__service_area"),
            employer_type=F("employer__employer_type"),
            region=F("employer__region"),
        )
        .annotate(amount=Sum("amount"), n=Count("id"))
        .order_by()
    )


def _cells() -> tuple[dict[Key, Position], int]:
    cells: dict[Key, Position] = defaultdict(Position)
    sums = (
        (Claim.objects.filter(status__in=list(CLAIM_COLUMN)), "", CLAIM_COLUMN),
        (Recovery.objects.filter(status__in=list(RECOVERY_COLUMN)), "claim__", RECOVERY_COLUMN),
    )
    for rows, claim, columns in sums:
        for row in _sums_by_cell(rows, claim=claim):
            cell = cells[row["year"], row["area"], row["employer_type"], row["region"]]
            column = columns[row["status"]]
            setattr(cell, column, getattr(cell, column) + row["amount"])
            if rows.model is Claim:
                cell.claims += row["n"]

    rates = {
        (label, framework_id): amount
        for label, framework_id, amount in FundingRate.objects.filter(
            instalment=Instalment.COMPLETION
        ).values_list("funding_year__label", "framework_id", "amount")
    }
    completion_claimed = Claim.objects.filter(registration=OuterRef("pk"), instalment=Instalment.COMPLETION)
    to_come = (
        Registration.objects.filter(
            funding_status=FundingStatus.APPROVED,
            status__in=[RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED],
            outcome="",
        )
        .exclude(Exists(completion_claimed))
        .values(
            "funding_year",
            "start_date",
            "extension_days",
            framework_id=F("framework_version__framework_id"),
            length=F("framework_version__length_months"),
            area=F("framework_version__framework__service_area"),
            employer_type=F("employer__employer_type"),
            region=F("employer__region"),
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    without_rate = 0
    for row in to_come:
        rate = rates.get((row["funding_year"], row["framework_id"]))
        if rate is None:
            without_rate += row["n"]
            continue
        ends = (
            row["start_date"]
            + relativedelta(months=row["length"])
            + datetime.timedelta(days=row["extension_days"])
        )
        cell = cells[funding_year_of(ends), row["area"], row["employer_type"], row["region"]]
        cell.forecast += rate * row["n"]
        cell.forecast_nqsws += row["n"]
    return cells, without_rate


def _rows(cells: dict[Key, Position], index: int, choices) -> list[Row]:
    sums: dict[str, Position] = defaultdict(Position)
    for key, position in cells.items():
        sums[key[index]].add(position)
    return [Row(key=value, label=label, position=sums.get(value, Position())) for value, label in choices]


def _budget_of(year: FundingYear | None, area: str | None = None) -> Decimal | None:
    if year is None:
        return None
    parts = {
        ServiceArea.CHILD_AND_FAMILY: year.budget_child_and_family,
        ServiceArea.ADULTS: year.budget_adults,
    }
    if area is not None:
        return parts.get(area)
    if any(value is None for value in parts.values()):
        return None
    return sum(parts.values(), ZERO)


def budget_position_national(
    *, actor: Actor, year: str | None = None, today: datetime.date | None = None
) -> Budget:
    """The national budget position for ``year`` (default: the current funding year) and every year."""
    actor.require(Role.NATIONAL_STAFF)
    set_up = {y.label: y for y in FundingYear.objects.order_by("starts_on")}
    year = year or funding_year_of(today or clock.today())
    cells, without_rate = _cells()
    labels = sorted(set(set_up) | {key[0] for key in cells})
    years = []
    for label in labels:
        position = Position()
        for key, cell in cells.items():
            if key[0] == label:
                position.add(cell)
        years.append(Row(key=label, label=label, position=position, budget=_budget_of(set_up.get(label))))
    chosen = {key: cell for key, cell in cells.items() if key[0] == year}
    by_area = _rows(chosen, 1, ServiceArea.choices)
    for row in by_area:
        row.budget = _budget_of(set_up.get(year), row.key)
    total = Position()
    for cell in chosen.values():
        total.add(cell)
    return Budget(
        year=year,
        years=years,
        by_service_area=by_area,
        by_employer_type=_rows(chosen, 2, EmployerType.choices),
        by_region=_rows(chosen, 3, Region.choices),
        total=Row(key="total", label="All", position=total, budget=_budget_of(set_up.get(year))),
        forecast_without_rate=without_rate,
        cells=chosen,
    )
