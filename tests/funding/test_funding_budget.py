"""The national budget position: committed, claimable, claimed, approved and paid by funding year, service
area, employer type and region, exact to the penny; and the year-end roll-forward of unclaimed claims."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from funding.budget import budget_position_national
from funding.models import Claim, ClaimStatus, FundingYear
from funding.services import claim_submit, claims_roll_forward, recovery_create
from funding.tasks import roll_forward_claims
from tests.funding.helpers import approve, claim_of, paid_statement, register, submitted
from tests.programmes.conftest import TODAY, actor_for

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
        FundingYear.objects.filter(label="2026-27").update(
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
    budget = position(national, "2026-27")
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
    budget = position(national, "2027-28")
    assert budget.total.position.forecast == D("3000.00")  # three NQSWs starting 7 Sept 2026 end in 2027-28
    assert budget.total.position.forecast_nqsws == 3
    years = rows_by_key(budget.years)
    assert years["2026-27"].position.forecast == D("0") and years["2027-28"].position.committed == D(
        "3000.00"
    )
    assert years["2025-26"].budget is None  # not set: the page says so


def test_only_national_staff_see_the_budget(employer_a):
    with pytest.raises(PermissionDenied):
        budget_position_national(actor=actor_for(employer_a.coordinator, employer_a.employer))


# --- Year end --------------------------------------------------------------------------------------


def test_claims_not_submitted_by_the_deadline_roll_forward(employer_a, national, approved):
    assert claims_roll_forward(today=datetime.date(2027, 3, 12)) == 0  # the deadline day itself
    assert claims_roll_forward(today=datetime.date(2027, 3, 13)) == 1
    claim = claim_of(approved)
    with system_national_context():
        claim = Claim.objects.select_related("funding_year", "rolled_forward_from").get(pk=claim.pk)
        event = AuditEvent.objects.get(action="claim.rolled_forward")
    assert (claim.funding_year.label, claim.rolled_forward_from.label) == ("2027-28", "2026-27")
    assert claim.amount == D("1000.00")  # the cohort's amount is kept
    assert event.actor_label == "system" and event.changes["funding_year"] == ["2026-27", "2027-28"]
    assert claims_roll_forward(today=datetime.date(2027, 3, 14)) == 0  # idempotent


def test_submitted_claims_stay_in_their_year(employer_a, national, approved):
    submitted(employer_a, claim_of(approved))
    assert claims_roll_forward(today=datetime.date(2027, 3, 20)) == 0
    assert claim_of(approved).funding_year.label == "2026-27"


def test_a_claim_submitted_after_the_deadline_rolls_forward_as_it_is_submitted(employer_a, approved):
    with tenant_context(employer_a.employer.pk):
        claim = claim_submit(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            claim=claim_of(approved),
            today=datetime.date(2027, 4, 2),
        )
    assert claim.status == ClaimStatus.SUBMITTED and claim.funding_year.label == "2027-28"


def test_with_no_next_year_set_up_claims_wait(employer_a, approved):
    with system_national_context():
        FundingYear.objects.filter(label="2027-28").update(claim_deadline=datetime.date(2027, 4, 1))
    # 2026-27 closes; 2027-28 exists but has closed too; there is no 2028-29 yet: nothing moves.
    assert claims_roll_forward(today=datetime.date(2027, 4, 2)) == 0
    assert claim_of(approved).funding_year.label == "2026-27"


def test_the_scheduled_task_runs_the_roll_forward(employer_a, approved, monkeypatch):
    import funding.services

    monkeypatch.setattr(funding.services, "_today", lambda: TODAY)
    assert roll_forward_claims.apply().get() == 0  # 2026-27 is still open
    monkeypatch.setattr(funding.services, "_today", lambda: datetime.date(2027, 3, 15))
    assert roll_forward_claims.apply().get() == 1
    assert claim_of(approved).funding_year.label == "2027-28"
