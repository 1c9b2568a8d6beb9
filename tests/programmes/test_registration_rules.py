"""Eligibility and registration rules, and national duplicate detection that leaks nothing."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_context
from programmes.eligibility import (
    funding_year_bounds,
    funding_year_of,
    normalise_swe_number,
    open_funding_years,
)
from programmes.models import FundingStatus, NationalReview, Registration
from programmes.services import registration_create
from tests.programmes.conftest import STARTED, TODAY, actor_for, facts
from tests.today import days_ago, days_ahead, funding_year_label

pytestmark = pytest.mark.django_db

# A start in the funding year before this one (1 September 2025 when written on 23 November 2026).
LAST_YEARS_START = funding_year_bounds(funding_year_of(TODAY))[0] - relativedelta(months=7)


def test_swe_numbers_are_stored_upper_case():
    assert normalise_swe_number(" sw 12345 ") == "SW12345"


def test_funding_years_run_april_to_march():
    assert funding_year_of(datetime.date(2026, 4, 1)) == "2026-27"
    assert funding_year_of(datetime.date(2027, 3, 31)) == "2026-27"
    assert open_funding_years(datetime.date(2026, 11, 23)) == ["2026-27"]
    assert open_funding_years(datetime.date(2027, 2, 1)) == ["2026-27", "2027-28"]


def test_a_valid_registration_awaits_national_approval(register, employer_a, unscoped):
    registration = register(employer_a)
    assert registration.swe_number == "SW123456"
    assert registration.funding_status == FundingStatus.AWAITING_APPROVAL
    assert registration.funding_year == funding_year_label(STARTED)
    assert registration.framework_version.framework.code == "asye-child-family"
    with unscoped():
        assert AuditEvent.objects.filter(
            action="registration.created", object_id=str(registration.pk)
        ).exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"swe_number": "12345"}, "swe_number", "correct format"),
        ({"swe_number": "SW12X"}, "swe_number", "correct format"),
        ({"qualification_date": days_ahead(39)}, "qualification_date", "today or in the past"),
        (
            {"start_date": days_ago(1), "qualification_date": TODAY},
            "start_date",
            "on or after",
        ),
        (
            {
                "start_date": LAST_YEARS_START,
                "qualification_date": LAST_YEARS_START - relativedelta(months=2),
            },
            "start_date",
            "funding year",
        ),
        ({"contracted_hours": Decimal("0")}, "contracted_hours", "between 1 and 48"),
        ({"first_name": " "}, "first_name", "first name"),
    ],
)
def test_invalid_registrations_are_refused_with_the_reason(
    register, employer_a, overrides, field, message, unscoped
):
    with pytest.raises(ValidationError) as caught:
        if field == "start_date":
            # Registered today, not on the start day: a start before the qualification can only be seen
            # after the qualification, and last year's starts are closed to registration by now.
            given = facts(**overrides)
            with tenant_context(employer_a.employer.pk):
                registration_create(
                    actor=actor_for(employer_a.coordinator, employer_a.employer), facts=given, today=TODAY
                )
        else:
            register(employer_a, **overrides)
    assert message in " ".join(caught.value.message_dict[field])
    with unscoped():
        assert not Registration.objects.exists()


def test_qualified_more_than_four_years_before_is_valid_but_unfunded(register, employer_a):
    registration = register(employer_a, qualification_date=STARTED - relativedelta(years=4, months=4))
    assert registration.funding_status == FundingStatus.UNFUNDED
    assert "more than 4 years" in registration.funding_note


def test_the_same_nqsw_twice_at_one_employer_is_refused(register, employer_a):
    register(employer_a)
    with pytest.raises(ValidationError) as caught:
        register(employer_a, swe_number="SW123456")
    assert "already registered with you" in caught.value.message_dict["swe_number"][0]


def test_a_registration_at_a_second_employer_goes_to_national_review_without_leaking(
    register, employer_a, employer_b, unscoped
):
    first = register(employer_a)
    second = register(employer_b)
    # What B is told is what anyone is told (issue #12, finding 8): it names nobody and hints at nothing.
    assert (second.funding_status, second.funding_note) == (FundingStatus.AWAITING_APPROVAL, "")
    with unscoped():
        review = NationalReview.objects.get()
        assert (review.registration_id, review.other_registration_id) == (second.pk, first.pk)
        b_audit = AuditEvent.objects.filter(employer=employer_b.employer).values_list("changes", flat=True)
    assert all(
        employer_a.employer.name not in str(c) and str(first.pk) not in str(c.get("other", ""))
        for c in b_audit
    )


def test_national_reviews_are_invisible_to_employers(register, employer_a, employer_b):
    register(employer_a)
    register(employer_b)
    from asye.tenancy.db import tenant_context

    with tenant_context(employer_b.employer.pk):
        assert NationalReview.objects.count() == 0
    with tenant_context(employer_a.employer.pk):
        assert NationalReview.objects.count() == 0
