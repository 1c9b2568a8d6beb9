"""National staff's outcome figures: the 6- and 12-month review outcomes and the final outcomes of a
funding year's registrations, by employer type or region, counted in SQL (evaluate inside the national
scope). Counts only: no person."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.tenancy.models import EmployerType, Region
from funding.selectors import funding_years
from programmes.models import Outcome, Registration
from programmes.selectors import OPEN_STATUSES
from reviews.models import Review, ReviewOutcome

REPORTED_REVIEW_MONTHS = (6, 12)
GROUPINGS = {
    "employer_type": ("employer__employer_type", EmployerType, "Employer type"),
    "region": ("employer__region", Region, "Region"),
}


@dataclass(frozen=True)
class Cell:
    count: int
    percent: float | None


@dataclass(frozen=True)
class FigureRow:
    label: str
    cells: list[Cell]
    total: int
    is_total: bool = False


@dataclass(frozen=True)
class FigureTable:
    caption: str
    columns: list[str]
    rows: list[FigureRow]


def _percent(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


def _table(caption, columns, grouping, counts: dict[str, list[int]]) -> FigureTable:
    _, choices, _ = GROUPINGS[grouping]
    rows = []
    totals = [0] * len(columns)
    for value, label in choices.choices:
        values = counts.get(value)
        if not values:
            continue
        total = sum(values)
        rows.append(FigureRow(label, [Cell(n, _percent(n, total)) for n in values], total))
        totals = [a + b for a, b in zip(totals, values, strict=True)]
    grand = sum(totals)
    rows.append(FigureRow("All employers", [Cell(n, _percent(n, grand)) for n in totals], grand, True))
    return FigureTable(caption, columns, rows)


def outcome_funding_years_national(*, actor: Actor) -> list[str]:
    """The funding years begun so far, newest first: read from the funding years' own table (reference
    data, a few rows), not worked out from every registration on each visit."""
    actor.require(Role.NATIONAL_STAFF)
    today = clock.today()
    years = [year.label for year in reversed(funding_years()) if year.starts_on <= today]
    # From the newest year anyone is registered in, as when the years came from the registrations: so the
    # page opens on figures (one indexed look-up, as a year under way has registrations).
    while years and not Registration.objects.filter(funding_year=years[0]).exists():
        years.pop(0)
    return years


def outcome_figures_national(*, actor: Actor, funding_year: str, grouping: str) -> list[FigureTable]:
    """The 6- and 12-month review outcomes (reviews the assessor has signed) and the final outcomes of one
    funding year's registrations, by employer type or region, counted in SQL. Counts only: no person."""
    actor.require(Role.NATIONAL_STAFF)
    group_field, _, group_label = GROUPINGS[grouping]
    outcomes = [value for value, _ in ReviewOutcome.choices]
    review_rows = (
        Review.objects.filter(
            registration__funding_year=funding_year,
            extra=False,
            month__in=REPORTED_REVIEW_MONTHS,
            assessor_signed_at__isnull=False,
        )
        .exclude(outcome="")
        .values(group_field, "month")
        .annotate(**{value: Count("id", filter=Q(outcome=value)) for value in outcomes})
        .order_by()
    )
    by_month: dict[int, dict[str, list[int]]] = {month: {} for month in REPORTED_REVIEW_MONTHS}
    for row in review_rows:
        by_month[row["month"]][row[group_field]] = [row[value] for value in outcomes]
    final_rows = (
        Registration.objects.filter(funding_year=funding_year)
        .values(group_field)
        .annotate(
            passed=Count("id", filter=Q(outcome=Outcome.PASSED)),
            unsuccessful=Count("id", filter=Q(outcome=Outcome.UNSUCCESSFUL)),
            awaiting=Count("id", filter=Q(outcome="", status__in=OPEN_STATUSES)),
        )
        .order_by()
    )
    finals = {
        row[group_field]: [row["passed"], row["unsuccessful"], row["awaiting"]]
        for row in final_rows
        if row["passed"] or row["unsuccessful"] or row["awaiting"]
    }
    review_columns = [label for _, label in ReviewOutcome.choices]
    return [
        _table(
            f"{month}-month review outcomes by {group_label.lower()}, {funding_year}",
            review_columns,
            grouping,
            by_month[month],
        )
        for month in REPORTED_REVIEW_MONTHS
    ] + [
        _table(
            f"Final outcomes by {group_label.lower()}, {funding_year}",
            ["Passed", "Unsuccessful", "Awaiting an outcome"],
            grouping,
            finals,
        )
    ]
