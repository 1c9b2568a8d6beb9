"""The funding rules that need no actor: which year a claim is paid from, which rate applies, and the
claim state machine. Shared by the services, the hooks and the demo data, so all apply the same rules."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from funding.models import PENNY, ClaimStatus, FundingRate, FundingYear, Instalment
from programmes.eligibility import funding_year_of
from programmes.models import FundingStatus, Outcome, Registration

# Every move a claim may make. Anything else is refused with a ValidationError naming the state.
TRANSITIONS: dict[str, frozenset[str]] = {
    ClaimStatus.DRAFT: frozenset({ClaimStatus.SUBMITTED, ClaimStatus.VOIDED}),
    ClaimStatus.SUBMITTED: frozenset({ClaimStatus.APPROVED, ClaimStatus.REJECTED, ClaimStatus.VOIDED}),
    ClaimStatus.APPROVED: frozenset({ClaimStatus.ON_STATEMENT, ClaimStatus.VOIDED}),
    # Off a draft statement (back to approved), or paid with it. Voiding goes through approved first.
    ClaimStatus.ON_STATEMENT: frozenset({ClaimStatus.APPROVED, ClaimStatus.PAID}),
    ClaimStatus.PAID: frozenset(),
    ClaimStatus.REJECTED: frozenset(),
    ClaimStatus.VOIDED: frozenset(),
}
# Claims that still count towards what will be paid (the budget's commitments).
LIVE_STATUSES = (
    ClaimStatus.DRAFT,
    ClaimStatus.SUBMITTED,
    ClaimStatus.APPROVED,
    ClaimStatus.ON_STATEMENT,
    ClaimStatus.PAID,
)
VERBS = {
    ClaimStatus.SUBMITTED: "submitted",
    ClaimStatus.APPROVED: "approved",
    ClaimStatus.REJECTED: "rejected",
    ClaimStatus.VOIDED: "voided",
    ClaimStatus.ON_STATEMENT: "put on a payment statement",
    ClaimStatus.PAID: "paid",
}


def can_move(current: str, to: str) -> bool:
    return to in TRANSITIONS.get(current, frozenset())


def refuse_move(current: str, to: str) -> ValidationError:
    """The message for a move the state machine does not allow."""
    label = ClaimStatus(current).label.lower()
    return ValidationError(f"This claim is {label}: it cannot be {VERBS.get(to, to)}.")


def claim_year_for(
    *, label: str, today: datetime.date, years: list[FundingYear] | None = None
) -> tuple[FundingYear, FundingYear | None]:
    """The year a claim arising in funding year ``label`` is paid from, and the year it rolled forward
    from (None when it did not): that year, unless its claim deadline passed before ``today``, in which
    case the first later year whose deadline has not. ``years`` (every year, oldest first) saves the
    queries when many claims are placed at once."""
    years = list(FundingYear.objects.order_by("starts_on")) if years is None else years
    index = next((i for i, year in enumerate(years) if year.label == label), None)
    if index is None:
        raise ValidationError(
            f"The funding year {label} is not set up. National staff add it in the administration."
        )
    original = years[index]
    while today > years[index].claim_deadline:
        if index + 1 == len(years):
            year = years[index]
            raise ValidationError(
                f"Claims for {year.label} closed on {year.claim_deadline:%-d %B %Y} and the next "
                "funding year is not set up yet. National staff add it in the administration."
            )
        index += 1
    year = years[index]
    return year, (original if year.pk != original.pk else None)


def rate_for(*, cohort: str, framework_id: int, instalment: str) -> FundingRate:
    """The rate of the cohort's year (the registration's funding year) for its framework and instalment."""
    rate = (
        FundingRate.objects.select_related("funding_year", "framework")
        .filter(funding_year__label=cohort, framework_id=framework_id, instalment=instalment)
        .first()
    )
    if rate is None:
        raise ValidationError(
            f"No {Instalment(instalment).label.lower()} funding rate is set for {cohort} for this programme. "
            "National staff add it in the administration."
        )
    return rate


def instalment_is_due(registration: Registration, instalment: str) -> bool:
    """Whether the registration has earned the instalment: approved for funding, and for completion a
    pass. An unsuccessful outcome earns no completion instalment (docs/funding.md)."""
    if registration.funding_status != FundingStatus.APPROVED:
        return False
    if instalment == Instalment.COMPLETION:
        return registration.outcome == Outcome.PASSED and registration.outcome_date is not None
    return True


def claim_arises_in(registration: Registration, instalment: str) -> str:
    """The funding year the instalment arises in: the cohort's year at registration, the year of the
    outcome at completion."""
    if instalment == Instalment.COMPLETION:
        return funding_year_of(registration.outcome_date)
    return registration.funding_year


def parse_money(value, *, field: str = "amount") -> Decimal:
    """Pounds and pence from a string or number: at most two decimal places, more than zero."""
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("£"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: ["Enter an amount in pounds and pence, like 250.00"]}) from exc
    if not amount.is_finite():
        raise ValidationError({field: ["Enter an amount in pounds and pence, like 250.00"]})
    if amount != amount.quantize(PENNY, rounding=ROUND_HALF_UP):
        raise ValidationError({field: ["Enter an amount with no more than 2 decimal places, like 250.50"]})
    if amount <= 0:
        raise ValidationError({field: ["Enter an amount more than £0"]})
    return amount.quantize(PENNY)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)
