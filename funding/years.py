"""Funding years and their rates as the calendar moves on: set up the years a day needs by carrying the
latest rates forward, marked as carried forward until the department confirms the year's rate.

National staff normally add a year in the admin. The demo (seeded on any day) and the test suite (run as
any day) use this so that the funding year of every date they touch exists.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from funding.models import FundingRate, FundingYear
from programmes.eligibility import funding_year_bounds, funding_year_of

CARRIED_NOTE = "Rates copied from {label} until the year's rates are confirmed."


def claim_deadline_of(ends_on: datetime.date) -> datetime.date:
    """The second Friday of March of the year's last month, the usual claim deadline."""
    first = datetime.date(ends_on.year, 3, 1)
    first_friday = first + datetime.timedelta(days=(4 - first.weekday()) % 7)
    return first_friday + datetime.timedelta(days=7)


@transaction.atomic
def funding_years_ensure(*, first: datetime.date, last: datetime.date) -> list[FundingYear]:
    """Make sure every funding year from the one ``first`` falls in to the one ``last`` falls in exists,
    each missing one with the rates of the nearest earlier year (or, before the first set up, the
    nearest later one). Years already set up are never changed. Returns the years created."""
    created = []
    label = funding_year_of(first)
    final = funding_year_of(last)
    while True:
        if not FundingYear.objects.filter(label=label).exists():
            created.append(_carry_forward(label))
        if label == final:
            return created
        label = funding_year_of(funding_year_bounds(label)[1] + datetime.timedelta(days=1))


def _carry_forward(label: str) -> FundingYear:
    starts_on, ends_on = funding_year_bounds(label)
    source = (
        FundingYear.objects.filter(starts_on__lt=starts_on).order_by("-starts_on").first()
        or FundingYear.objects.filter(starts_on__gt=starts_on).order_by("starts_on").first()
    )
    year = FundingYear.objects.create(
        label=label,
        starts_on=starts_on,
        ends_on=ends_on,
        claim_deadline=claim_deadline_of(ends_on),
        notes=CARRIED_NOTE.format(label=source.label) if source else "",
    )
    if source is not None:
        FundingRate.objects.bulk_create(
            FundingRate(
                funding_year=year,
                framework_id=rate.framework_id,
                instalment=rate.instalment,
                amount=rate.amount,
                set_by=rate.set_by,
                notes=CARRIED_NOTE.format(label=source.label),
            )
            for rate in source.rates.all()
        )
    return year
