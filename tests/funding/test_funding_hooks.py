"""When instalments become claimable (funding.hooks): approval for funding, a pass, an unsuccessful outcome,
a withdrawal or a transfer; amounts copied from the cohort's rate; the year of the claim and its roll-forward."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from funding import hooks
from funding.claimable_services import claim_make_claimable
from funding.models import Claim, ClaimStatus, FundingRate, FundingYear, Instalment, Recovery
from programmes.models import FundingStatus, Outcome, Registration
from programmes.services import registration_withdraw
from tests.funding.conftest import COHORT, START, register, year_after
from tests.funding.helpers import (
    approve,
    approved_claim,
    claim_of,
    paid_statement,
    record_outcome,
)
from tests.programmes.conftest import TODAY, actor_for
from tests.programmes.test_transfers import transfer
from tests.today import days_ago, funding_year_label

pytestmark = pytest.mark.django_db

THOUSAND = Decimal("1000.00")
# The panel's pass, a year and a fortnight after the start (written as 20 September 2027 for a start on
# 7 September 2026): in the funding year after the cohort's.
OUTCOME_DAY = START + relativedelta(years=1, days=13)


@pytest.fixture(autouse=True)
def _the_outcome_year(db):
    """The funding year of OUTCOME_DAY, set up (from the claim deadline to 31 March it is beyond the years
    the tests' reference calendar sets up)."""
    year_after(COHORT)


def claims_of(registration) -> list[Claim]:
    with system_national_context():
        return list(Claim.objects.filter(registration_id=registration.pk).order_by("instalment"))


def test_approval_makes_the_registration_instalment_claimable_once(employer_a, national, approved):
    [claim] = claims_of(approved)
    assert (claim.instalment, claim.status, claim.amount) == (
        Instalment.REGISTRATION,
        ClaimStatus.DRAFT,
        THOUSAND,
    )
    assert claim.funding_year.label == COHORT and claim.rolled_forward_from is None
    assert claim.rate.instalment == Instalment.REGISTRATION and claim.employer_id == employer_a.employer.pk
    # The hook again (a retried request, a second approval path): still one claim.
    for _ in range(3):
        with system_national_context():  # as registration_funding_decide calls it
            hooks.registration_funding_approved(actor=national, registration=approved)
    assert claims_of(approved) == [claim]
    with system_national_context():
        [event] = AuditEvent.objects.filter(action="claim.claimable")
    assert event.actor_label == national.label and event.changes["amount"] == "1000.00"


def test_nothing_is_claimable_before_approval_or_when_unfunded(employer_a, national):
    waiting = register(employer_a)
    unfunded = register(employer_a, qualification_date=datetime.date(2020, 1, 1))
    assert unfunded.funding_status == FundingStatus.UNFUNDED
    with system_national_context():
        hooks.registration_funding_approved(actor=national, registration=waiting)
        hooks.registration_funding_approved(actor=national, registration=unfunded)
    assert claims_of(waiting) == [] and claims_of(unfunded) == []


def test_adults_registrations_use_the_adults_rate(employer_a, national):
    with system_national_context():
        FundingRate.objects.filter(
            funding_year__label=COHORT, framework__code="asye-adults", instalment=Instalment.REGISTRATION
        ).update(amount=Decimal("750.50"))
    registration = approve(national, register(employer_a, service_area="adults"))
    [claim] = claims_of(registration)
    assert claim.amount == Decimal("750.50")


def test_a_claim_keeps_the_amount_it_was_made_with_when_the_rate_changes(employer_a, national, approved):
    with system_national_context():
        FundingRate.objects.update(amount=Decimal("1500.00"))
    assert claim_of(approved).amount == THOUSAND


def test_approval_without_a_rate_is_refused_with_a_clear_message(employer_a, national):
    registration = register(employer_a)
    with system_national_context():
        Claim.objects.all().delete()
        FundingRate.objects.filter(funding_year__label=COHORT, framework__code="asye-child-family").delete()
    from programmes.services import registration_funding_decide

    with pytest.raises(ValidationError, match=f"No registration funding rate is set for {COHORT}"):
        registration_funding_decide(actor=national, registration_id=registration.pk, approve=True)
    with system_national_context():
        assert Registration.objects.get(pk=registration.pk).funding_status == FundingStatus.AWAITING_APPROVAL


def test_approval_after_the_years_claim_deadline_rolls_the_claim_forward(employer_a, national):
    registration = register(employer_a)
    next_year = year_after(COHORT)
    with system_national_context():
        # Eight days after the cohort's claim deadline (written as 20 March 2027).
        late = FundingYear.objects.get(label=COHORT).claim_deadline + datetime.timedelta(days=8)
    with system_national_context():
        claim = claim_make_claimable(
            actor=national,
            registration=Registration.objects.get(pk=registration.pk),
            instalment=Instalment.REGISTRATION,
            today=late,
        )
    assert claim is None  # not approved yet: nothing is due
    approve(national, registration)
    with system_national_context():
        Claim.objects.all().delete()
        claim = claim_make_claimable(
            actor=national,
            registration=registration,
            instalment=Instalment.REGISTRATION,
            today=late,
        )
    assert claim.funding_year.label == next_year and claim.rolled_forward_from.label == COHORT
    assert claim.rate.funding_year.label == COHORT  # the cohort's rate, whatever year pays it


# --- Completion ------------------------------------------------------------------------------------


def test_a_pass_makes_the_completion_instalment_claimable_in_the_year_of_the_outcome(employer_a, approved):
    record_outcome(employer_a, approved, Outcome.PASSED, OUTCOME_DAY)
    registration_claim, completion = claims_of(approved)[1], claims_of(approved)[0]
    assert (
        completion.instalment == Instalment.COMPLETION
        and registration_claim.instalment == Instalment.REGISTRATION
    )
    assert completion.amount == THOUSAND and completion.status == ClaimStatus.DRAFT
    assert completion.funding_year.label == funding_year_label(OUTCOME_DAY) == year_after(COHORT)
    assert completion.rate.funding_year.label == COHORT
    # Recorded twice (a panel re-endorses): still one completion claim.
    record_outcome(employer_a, approved, Outcome.PASSED, OUTCOME_DAY)
    assert len(claims_of(approved)) == 2


def test_a_pass_recorded_after_the_years_deadline_rolls_forward(employer_a, approved):
    # A pass 24 days ago, in a year whose claims closed 22 days ago (written as a pass on 30 October
    # 2026 and 2026-27 closing on 1 November 2026).
    passed_on = days_ago(24)
    year = funding_year_label(passed_on)
    with system_national_context():
        FundingYear.objects.filter(label=year).update(claim_deadline=days_ago(22))
    record_outcome(employer_a, approved, Outcome.PASSED, passed_on)
    completion = claim_of(approved, Instalment.COMPLETION)
    assert completion.funding_year.label == year_after(year)
    with system_national_context():
        assert completion.rolled_forward_from.label == year


def test_a_pass_without_approval_for_funding_pays_nothing(employer_a):
    registration = register(employer_a)
    record_outcome(employer_a, registration, Outcome.PASSED, OUTCOME_DAY)
    assert claims_of(registration) == []


def test_an_unsuccessful_outcome_earns_no_completion_instalment(employer_a, approved):
    record_outcome(employer_a, approved, Outcome.UNSUCCESSFUL, OUTCOME_DAY)
    assert [c.instalment for c in claims_of(approved)] == [Instalment.REGISTRATION]


def test_an_outcome_corrected_to_unsuccessful_voids_the_completion_claim(employer_a, approved):
    record_outcome(employer_a, approved, Outcome.PASSED, OUTCOME_DAY)
    record_outcome(employer_a, approved, Outcome.UNSUCCESSFUL, OUTCOME_DAY)
    completion = claim_of(approved, Instalment.COMPLETION)
    assert completion.status == ClaimStatus.VOIDED and "unsuccessful" in completion.reason
    assert claim_of(approved).status == ClaimStatus.DRAFT  # the registration instalment stands


def test_a_paid_completion_instalment_is_recovered_when_the_outcome_changes(employer_a, national, approved):
    from funding.services import claim_approve
    from tests.funding.helpers import submitted

    record_outcome(employer_a, approved, Outcome.PASSED, TODAY)
    completion = claim_approve(
        actor=national, claim_id=submitted(employer_a, claim_of(approved, "completion")).pk
    )
    paid_statement(employer_a, national, [])  # pays the approved completion claim (nothing else is approved)
    record_outcome(employer_a, approved, Outcome.UNSUCCESSFUL, TODAY)
    with system_national_context():
        recovery = Recovery.objects.get()
        assert Claim.objects.get(pk=completion.pk).status == ClaimStatus.PAID
    assert (recovery.claim_id, recovery.amount, recovery.status) == (
        completion.pk,
        THOUSAND,
        Recovery.Status.PENDING,
    )


# --- Withdrawal and transfer ----------------------------------------------------------------------------


def test_withdrawal_keeps_the_registration_instalment_and_voids_an_open_completion_claim(
    employer_a, approved
):
    with tenant_context(employer_a.employer.pk):
        # A completion claim made by mistake before the end: the withdrawal must stop it.
        Registration.objects.filter(pk=approved.pk).update(outcome=Outcome.PASSED, outcome_date=TODAY)
        approved.refresh_from_db()
        claim_make_claimable(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=approved,
            instalment=Instalment.COMPLETION,
            today=TODAY,
        )
        Registration.objects.filter(pk=approved.pk).update(outcome="", outcome_date=None)
        approved.refresh_from_db()
        registration_withdraw(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=approved,
            on=TODAY,
            reason="Left social work",
        )
    completion = claim_of(approved, Instalment.COMPLETION)
    assert completion.status == ClaimStatus.VOIDED
    assert (
        completion.reason
        == "The NQSW was withdrawn from the programme before completing it: Left social work"
    )
    assert claim_of(approved).status == ClaimStatus.DRAFT


def test_a_transfer_pays_no_second_registration_instalment(employer_a, employer_b, national, approved):
    # A transfer is a request the receiving employer accepts (#12.2).
    moved = transfer(employer_a, employer_b, approved, on=TODAY)
    assert moved.funding_status == FundingStatus.APPROVED
    with system_national_context():
        hooks.registration_funding_approved(actor=national, registration=moved)
    assert claims_of(moved) == []
    assert claim_of(approved).status == ClaimStatus.DRAFT  # the first employer's stands
    # The new employer is paid the completion instalment when the NQSW passes there.
    record_outcome(employer_b, moved, Outcome.PASSED, OUTCOME_DAY)
    [completion] = claims_of(moved)
    assert completion.instalment == Instalment.COMPLETION and completion.employer_id == employer_b.employer.pk


def test_a_transfer_before_approval_is_paid_once_along_the_chain(employer_a, employer_b, national):
    registration = register(employer_a)
    moved = transfer(employer_a, employer_b, registration, on=TODAY)
    approve(national, moved)
    [claim] = claims_of(moved)
    assert claim.employer_id == employer_b.employer.pk
    approve(national, registration)  # the first employer's, decided later: nothing more is paid
    assert claims_of(registration) == []


def test_an_approved_and_paid_claim_is_kept_through_a_withdrawal(employer_a, national, approved):
    approved_claim(employer_a, national, approved)
    with tenant_context(employer_a.employer.pk):
        registration_withdraw(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=approved,
            on=TODAY,
            reason="x",
        )
    assert claim_of(approved).status == ClaimStatus.APPROVED
