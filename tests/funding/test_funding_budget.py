"""The national budget position: committed, claimable, claimed, approved and paid by funding year, service
area, employer type and region, exact to the penny; and the year-end roll-forward of unclaimed claims."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied

from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from funding.budget import budget_position_national
from funding.claimable_services import claims_roll_forward
from funding.models import Claim, ClaimStatus, FundingYear
from funding.recovery_services import recovery_create
from funding.services import claim_submit
from funding.tasks import roll_forward_claims
from programmes.eligibility import funding_year_bounds
from tests.funding.conftest import COHORT, START, register, year_after
from tests.funding.helpers import approve, claim_of, paid_statement, submitted
from tests.programmes.conftest import TODAY, actor_for
from tests.today import funding_year_label

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def picture(employer_a, employer_b, national):
    """A (a local authority in the North West): one claimable and one paid child and family instalment,
    with £100 being recovered. B (fostering, London): one adults instalment claimed."""
    claimable = approve(national, register(employer_a, first_name="Ada"))
    paid = approve(national, register(employer_a, first_name="Ben"))
    paid_statement(employer_a, national, [paid])
    recovery_create(actor=national, claim_id=claim_of(paid).pk, amount="100", reason="Overpaid")
    adults = approve(national, register(employer_b, service_area="adults"))
    submitted(employer_b, claim_of(adults))
    with system_national_context():
        FundingYear.objects.filter(label=COHORT).update(
            budget_child_and_family=D("100000"), budget_adults=D("50000")
        )
    return claimable, paid, adults


def position(national, year):
    """As the budget page reads it: across employers (the page runs in the national scope)."""
    with system_national_context():
        return budget_position_national(actor=national, year=year)


def rows_by_key(rows):
    return {row.key: row for row in rows}


def test_the_year_by_service_area_employer_type_and_region(national, picture):
    budget = position(national, COHORT)
    total = budget.total.position
    assert (total.claimable, total.claimed, total.approved, total.paid, total.to_recover) == (
        D("1000.00"),
        D("1000.00"),
        D("0"),
        D("1000.00"),
        D("100.00"),
    )
    assert total.committed == D("2900.00")
    assert budget.total.budget == D("150000") and budget.total.remaining == D("147100.00")
    areas = rows_by_key(budget.by_service_area)
    assert areas["child_and_family"].position.committed == D("1900.00")
    assert areas["child_and_family"].remaining == D("98100.00")
    assert areas["adults"].position.claimed == D("1000.00") and areas["adults"].remaining == D("49000.00")
    types = rows_by_key(budget.by_employer_type)
    assert types["local_authority"].position.committed == D("1900.00")
    assert types["fostering"].position.committed == D("1000.00")
    assert types["nhs"].position.committed == D("0")
    regions = rows_by_key(budget.by_region)
    assert regions["north_west"].position.paid == D("1000.00")
    assert regions["london"].position.claimed == D("1000.00")
    # Every breakdown adds up to the year's total.
    for rows in (budget.by_service_area, budget.by_employer_type, budget.by_region):
        assert sum((row.position.committed for row in rows), D("0")) == total.committed


def test_completions_to_come_are_forecast_in_the_year_the_programme_ends(national, picture):
    # Three NQSWs starting on START (in COHORT) end a year later, in the next funding year.
    ends = year_after(COHORT)
    assert funding_year_label(START + relativedelta(years=1)) == ends
    budget = position(national, ends)
    assert budget.total.position.forecast == D("3000.00")
    assert budget.total.position.forecast_nqsws == 3
    years = rows_by_key(budget.years)
    assert years[COHORT].position.forecast == D("0") and years[ends].position.committed == D("3000.00")
    before = funding_year_label(funding_year_bounds(COHORT)[0] - datetime.timedelta(days=1))
    assert years[before].budget is None  # not set: the page says so


def test_only_national_staff_see_the_budget(employer_a):
    with pytest.raises(PermissionDenied):
        budget_position_national(actor=actor_for(employer_a.coordinator, employer_a.employer))


# --- Year end --------------------------------------------------------------------------------------
# Written for 2026-27, whose claims closed on Friday 12 March 2027: the same days around the cohort's
# own claim deadline.


def cohort_deadline() -> datetime.date:
    with system_national_context():
        return FundingYear.objects.get(label=COHORT).claim_deadline


def test_claims_not_submitted_by_the_deadline_roll_forward(employer_a, national, approved):
    deadline, next_year = cohort_deadline(), year_after(COHORT)
    assert claims_roll_forward(today=deadline) == 0  # the deadline day itself
    assert claims_roll_forward(today=deadline + datetime.timedelta(days=1)) == 1
    claim = claim_of(approved)
    with system_national_context():
        claim = Claim.objects.select_related("funding_year", "rolled_forward_from").get(pk=claim.pk)
        event = AuditEvent.objects.get(action="claim.rolled_forward")
    assert (claim.funding_year.label, claim.rolled_forward_from.label) == (next_year, COHORT)
    assert claim.amount == D("1000.00")  # the cohort's amount is kept
    assert event.actor_label == "system" and event.changes["funding_year"] == [COHORT, next_year]
    assert claims_roll_forward(today=deadline + datetime.timedelta(days=2)) == 0  # idempotent


def test_submitted_claims_stay_in_their_year(employer_a, national, approved):
    submitted(employer_a, claim_of(approved))
    assert claims_roll_forward(today=cohort_deadline() + datetime.timedelta(days=8)) == 0
    assert claim_of(approved).funding_year.label == COHORT


def test_a_claim_submitted_after_the_deadline_rolls_forward_as_it_is_submitted(employer_a, approved):
    next_year = year_after(COHORT)
    with tenant_context(employer_a.employer.pk):
        claim = claim_submit(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            claim=claim_of(approved),
            # The second day of the next funding year (written as 2 April 2027).
            today=funding_year_bounds(next_year)[0] + datetime.timedelta(days=1),
        )
    assert claim.status == ClaimStatus.SUBMITTED and claim.funding_year.label == next_year


def test_with_no_next_year_set_up_claims_wait(employer_a, approved):
    next_year = year_after(COHORT)
    first_day = funding_year_bounds(next_year)[0]
    with system_national_context():
        assert not FundingYear.objects.filter(starts_on__gt=first_day).exists()
        FundingYear.objects.filter(label=next_year).update(claim_deadline=first_day)
    # The cohort's year closes; the next exists but has closed too; there is none after it yet: nothing
    # moves.
    assert claims_roll_forward(today=first_day + datetime.timedelta(days=1)) == 0
    assert claim_of(approved).funding_year.label == COHORT


def test_the_scheduled_task_runs_the_roll_forward(employer_a, approved, monkeypatch):
    import funding.claimable_services

    next_year = year_after(COHORT)
    monkeypatch.setattr(funding.claimable_services, "_today", lambda: TODAY)
    assert roll_forward_claims.apply().get() == 0  # the cohort's year is still open
    late = cohort_deadline() + datetime.timedelta(days=3)
    monkeypatch.setattr(funding.claimable_services, "_today", lambda: late)
    assert roll_forward_claims.apply().get() == 1
    assert claim_of(approved).funding_year.label == next_year
