"""A correction goes through the funding rules and hooks (docs/funding.md): a registration approved for
funding that a correction makes ineligible stops its instalments (an unpaid claim is voided; a paid one is
never changed, a recovery line is recorded), and a corrected number or funding year is decided again by
national staff. What the employer sees never depends on whether another employer holds the number."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from asye.tenancy.db import system_national_context, tenant_context
from funding.models import Claim, ClaimStatus, Instalment, Recovery
from programmes.corrections import RECHECK_NOTE, registration_correct
from programmes.models import FundingStatus, Registration
from programmes.services import registration_funding_decide
from tests.funding.conftest import COHORT, START, register, year_after
from tests.funding.helpers import approve, national_actor, paid_statement, record_outcome, submitted
from tests.programmes.conftest import actor_for

pytestmark = pytest.mark.django_db

TOO_LONG_BEFORE = START - relativedelta(years=4, months=3)


@pytest.fixture
def national(national_staff):
    return national_actor(national_staff)


@pytest.fixture
def approved(employer_a, national):
    return approve(national, register(employer_a))


def correct(tenant, registration, *, reason="Corrected from the certificate", **changes) -> Registration:
    with tenant_context(tenant.employer.pk):
        registration = Registration.objects.get(pk=registration.pk)
        return registration_correct(
            actor=actor_for(tenant.coordinator, tenant.employer),
            registration=registration,
            version=registration.version,
            reason=reason,
            **changes,
        )


def claims(registration) -> list[Claim]:
    with system_national_context():
        return list(Claim.objects.filter(registration_id=registration.pk).order_by("instalment"))


def test_an_approved_registration_made_ineligible_is_unfunded_and_its_unpaid_claim_voided(
    approved, employer_a
):
    [claim] = claims(approved)
    assert claim.status == ClaimStatus.DRAFT
    corrected = correct(employer_a, approved, qualification_date=TOO_LONG_BEFORE)
    assert corrected.funding_status == FundingStatus.UNFUNDED
    assert "more than 4 years" in corrected.funding_note
    [claim] = claims(approved)
    assert claim.status == ClaimStatus.VOIDED
    assert "correct" in claim.reason.lower() and "not eligible" in claim.reason.lower()


def test_a_paid_instalment_is_never_changed_a_recovery_is_recorded(approved, employer_a, national):
    paid_statement(employer_a, national, [approved])
    [claim] = claims(approved)
    assert claim.status == ClaimStatus.PAID
    correct(employer_a, approved, qualification_date=TOO_LONG_BEFORE)
    [after] = claims(approved)
    assert (after.status, after.amount, after.version) == (claim.status, claim.amount, claim.version)
    with system_national_context():
        [recovery] = Recovery.objects.filter(claim=claim)
    assert recovery.amount == claim.amount == Decimal("1000.00")
    assert recovery.status == Recovery.Status.PENDING and "not eligible" in recovery.reason.lower()


def test_a_corrected_number_is_decided_again_and_keeps_its_one_claim(approved, employer_a, national):
    [claim] = claims(approved)
    corrected = correct(employer_a, approved, swe_number="SW699999")
    assert corrected.funding_status == FundingStatus.AWAITING_APPROVAL
    assert corrected.funding_note == RECHECK_NOTE
    # The claim waits: not voided, and it cannot be submitted until national staff approve again.
    assert claims(approved) == [claim] and claims(approved)[0].status == ClaimStatus.DRAFT
    with pytest.raises(ValidationError):
        submitted(employer_a, claim)
    again = registration_funding_decide(actor=national, registration_id=approved.pk, approve=True)
    assert again.funding_status == FundingStatus.APPROVED
    assert [c.pk for c in claims(approved)] == [claim.pk]


def test_refused_after_the_second_look_stops_the_claim(approved, employer_a, national):
    correct(employer_a, approved, swe_number="SW699998")
    registration_funding_decide(
        actor=national, registration_id=approved.pk, approve=False, note="Already funded for this programme"
    )
    [claim] = claims(approved)
    assert claim.status == ClaimStatus.VOIDED


def test_a_name_or_a_date_that_keeps_it_eligible_leaves_funding_alone(approved, employer_a):
    [claim] = claims(approved)
    renamed = correct(
        employer_a, approved, first_name="Adaeze", qualification_date=START - relativedelta(months=5)
    )
    assert renamed.funding_status == FundingStatus.APPROVED and renamed.funding_note == ""
    moved = correct(employer_a, renamed, start_date=START + datetime.timedelta(days=1))
    assert moved.funding_status == FundingStatus.APPROVED
    assert claims(approved) == [claim] and claims(approved)[0].status == ClaimStatus.DRAFT


def test_a_rejected_registration_with_a_corrected_number_is_decided_again(employer_a, national):
    registration = register(employer_a)
    registration_funding_decide(
        actor=national, registration_id=registration.pk, approve=False, note="Number not on the register"
    )
    corrected = correct(employer_a, registration, swe_number="SW699997")
    assert corrected.funding_status == FundingStatus.AWAITING_APPROVAL
    assert corrected.funding_note == RECHECK_NOTE


def test_an_unfunded_registration_made_eligible_waits_for_approval(employer_a):
    registration = register(employer_a, qualification_date=TOO_LONG_BEFORE)
    assert registration.funding_status == FundingStatus.UNFUNDED
    corrected = correct(employer_a, registration, qualification_date=START - relativedelta(months=2))
    assert corrected.funding_status == FundingStatus.AWAITING_APPROVAL and corrected.funding_note == ""
    assert claims(registration) == []


def test_a_completed_registration_keeps_its_dates_and_its_claims(approved, employer_a, national):
    year_after(COHORT)
    record_outcome(employer_a, approved, "passed", START + relativedelta(years=1, days=13))
    instalments = {c.instalment: c.status for c in claims(approved)}
    assert instalments == {
        Instalment.REGISTRATION: ClaimStatus.DRAFT,
        Instalment.COMPLETION: ClaimStatus.DRAFT,
    }
    # A completed registration keeps its dates: a correction that would stop its funding is refused.
    with pytest.raises(ValidationError):
        correct(employer_a, approved, qualification_date=TOO_LONG_BEFORE)
    assert {c.status for c in claims(approved)} == {ClaimStatus.DRAFT}
