"""The claim's states: draft (claimable) → submitted → approved → on a statement → paid, or rejected or
voided with a reason. Every allowed move and every refused one, through the services; who may make each;
stale versions; repeated presses."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from asye.errors import Conflict
from asye.tenancy.db import system_national_context, tenant_context
from funding.models import Claim, ClaimStatus
from funding.rules import TRANSITIONS, can_move
from funding.services import claim_approve, claim_reject, claim_submit, claim_void
from funding.statement_services import (
    statement_authorise,
    statement_build,
    statement_mark_paid,
    statement_remove_line,
)
from tests.funding.helpers import checker_actor, claim_of
from tests.programmes.conftest import TODAY, actor_for

pytestmark = pytest.mark.django_db

MONTH = TODAY.replace(day=1)  # this month (written as November 2026)
# Where a claim can be, as the services leave it; "authorised" is on an authorised, unpaid statement.
STATES = ("draft", "submitted", "approved", "on_statement", "authorised", "paid", "rejected", "voided")


def bring(state: str, tenant, national, registration) -> Claim:
    """Take the registration's claim to ``state`` through the services."""
    claim = claim_of(registration)
    coordinator = actor_for(tenant.coordinator, tenant.employer)
    if state == "voided":
        return claim_void(actor=national, claim_id=claim.pk, reason="Made in error")
    if state == "draft":
        return claim
    with tenant_context(tenant.employer.pk):
        claim = claim_submit(actor=coordinator, claim=claim, today=TODAY)
    if state == "submitted":
        return claim
    if state == "rejected":
        return claim_reject(actor=national, claim_id=claim.pk, reason="Not eligible")
    claim = claim_approve(actor=national, claim_id=claim.pk)
    if state == "approved":
        return claim
    statement = statement_build(actor=national, employer_id=tenant.employer.pk, month=MONTH)
    if state != "on_statement":
        statement_authorise(actor=checker_actor(), statement_id=statement.pk)  # a second person
    if state == "paid":
        statement_mark_paid(actor=national, statement_id=statement.pk, paid_on=TODAY, today=TODAY)
    return claim_of(registration)


def status_of(registration) -> str:
    return claim_of(registration).status


@pytest.fixture
def setup(employer_a, national, approved):
    return employer_a, national, approved


SUBMIT = {
    "draft": "submitted",
    "submitted": "same",
    "approved": "same",
    "on_statement": "same",
    "authorised": "same",
    "paid": "same",
    "rejected": "refused",
    "voided": "refused",
}


@pytest.mark.parametrize("state", STATES)
def test_submit(state, setup):
    tenant, national, registration = setup
    before = bring(state, tenant, national, registration)
    with tenant_context(tenant.employer.pk):
        act = lambda: claim_submit(  # noqa: E731
            actor=actor_for(tenant.coordinator, tenant.employer), claim=before, today=TODAY
        )
        if SUBMIT[state] == "refused":
            with pytest.raises(ValidationError, match="it cannot be submitted"):
                act()
        else:
            act()
    expected = before.status if SUBMIT[state] in ("same", "refused") else SUBMIT[state]
    assert status_of(registration) == expected


APPROVE = {
    "draft": "refused",
    "submitted": "approved",
    "approved": "same",
    "on_statement": "same",
    "authorised": "same",
    "paid": "same",
    "rejected": "refused",
    "voided": "refused",
}


@pytest.mark.parametrize("state", STATES)
def test_approve(state, setup):
    tenant, national, registration = setup
    before = bring(state, tenant, national, registration)
    if APPROVE[state] == "refused":
        with pytest.raises(ValidationError, match="it cannot be approved"):
            claim_approve(actor=national, claim_id=before.pk)
    else:
        claim_approve(actor=national, claim_id=before.pk)
    expected = before.status if APPROVE[state] in ("same", "refused") else APPROVE[state]
    assert status_of(registration) == expected


@pytest.mark.parametrize("state", STATES)
def test_reject_only_a_submitted_claim(state, setup):
    tenant, national, registration = setup
    before = bring(state, tenant, national, registration)
    if state == "submitted":
        claim = claim_reject(actor=national, claim_id=before.pk, reason="Not eligible")
        assert (claim.status, claim.reason) == (ClaimStatus.REJECTED, "Not eligible")
    else:
        with pytest.raises(ValidationError):
            claim_reject(actor=national, claim_id=before.pk, reason="Not eligible")
        assert status_of(registration) == before.status


VOID = {
    "draft": "voided",
    "submitted": "voided",
    "approved": "voided",
    "on_statement": "voided",  # taken off the draft statement first
    "authorised": "refused",
    "paid": "refused",
    "rejected": "refused",
    "voided": "refused",
}


@pytest.mark.parametrize("state", STATES)
def test_void(state, setup):
    tenant, national, registration = setup
    before = bring(state, tenant, national, registration)
    if VOID[state] == "refused":
        with pytest.raises(ValidationError):
            claim_void(actor=national, claim_id=before.pk, reason="Made in error")
        assert status_of(registration) == before.status
    else:
        claim = claim_void(actor=national, claim_id=before.pk, reason="Made in error")
        assert (claim.status, claim.statement_id) == (ClaimStatus.VOIDED, None)


def test_statement_moves_approved_to_on_statement_and_back_and_to_paid(setup):
    tenant, national, registration = setup
    claim = bring("approved", tenant, national, registration)
    statement = statement_build(actor=national, employer_id=tenant.employer.pk, month=MONTH)
    assert status_of(registration) == ClaimStatus.ON_STATEMENT
    statement_remove_line(actor=national, statement_id=statement.pk, claim_id=claim.pk)
    assert status_of(registration) == ClaimStatus.APPROVED
    statement = statement_build(actor=national, employer_id=tenant.employer.pk, month=MONTH)
    statement_authorise(actor=checker_actor(), statement_id=statement.pk)
    with pytest.raises(ValidationError):
        statement_remove_line(actor=national, statement_id=statement.pk, claim_id=claim.pk)
    statement_mark_paid(actor=national, statement_id=statement.pk, paid_on=TODAY, today=TODAY)
    paid = claim_of(registration)
    assert (paid.status, paid.paid_on) == (ClaimStatus.PAID, TODAY)


def test_the_transition_table_is_the_one_the_services_follow():
    assert can_move(ClaimStatus.DRAFT, ClaimStatus.SUBMITTED)
    assert not can_move(ClaimStatus.DRAFT, ClaimStatus.APPROVED)
    assert not can_move(ClaimStatus.PAID, ClaimStatus.VOIDED)
    # Terminal states.
    assert {s for s, moves in TRANSITIONS.items() if not moves} == {
        ClaimStatus.PAID,
        ClaimStatus.REJECTED,
        ClaimStatus.VOIDED,
    }


# --- Who may, and stale versions ------------------------------------------------------------------


def test_a_coordinator_cannot_approve_reject_or_void(setup):
    tenant, national, registration = setup
    claim = bring("submitted", tenant, national, registration)
    coordinator = actor_for(tenant.coordinator, tenant.employer)
    for service in (claim_approve, claim_reject, claim_void):
        kwargs = {"reason": "x"} if service is not claim_approve else {}
        with pytest.raises(PermissionDenied):
            service(actor=coordinator, claim_id=claim.pk, **kwargs)
    assert status_of(registration) == ClaimStatus.SUBMITTED


def test_national_staff_and_other_roles_cannot_submit(setup):
    tenant, national, registration = setup
    claim = claim_of(registration)
    for actor in (national, actor_for(tenant.assessor, tenant.employer)):
        with pytest.raises(PermissionDenied):
            claim_submit(actor=actor, claim=claim, today=TODAY)


def test_another_employers_coordinator_cannot_submit(setup, employer_b):
    _tenant, _national, registration = setup
    with tenant_context(employer_b.employer.pk), pytest.raises(PermissionDenied):
        claim_submit(
            actor=actor_for(employer_b.coordinator, employer_b.employer), claim=claim_of(registration)
        )
    assert status_of(registration) == ClaimStatus.DRAFT


def test_a_stale_version_is_a_conflict_and_changes_nothing(setup):
    tenant, national, registration = setup
    claim = claim_of(registration)
    with system_national_context():
        Claim.objects.filter(pk=claim.pk).update(version=claim.version + 1)
    with tenant_context(tenant.employer.pk), pytest.raises(Conflict):
        claim_submit(actor=actor_for(tenant.coordinator, tenant.employer), claim=claim, version=claim.version)
    submitted = bring("submitted", tenant, national, registration)
    with pytest.raises(Conflict):
        claim_approve(actor=national, claim_id=submitted.pk, version=submitted.version - 1)
    with pytest.raises(Conflict):
        claim_reject(actor=national, claim_id=submitted.pk, reason="x", version=submitted.version - 1)
    assert status_of(registration) == ClaimStatus.SUBMITTED


def test_reasons_are_required_to_reject_or_void(setup):
    tenant, national, registration = setup
    claim = bring("submitted", tenant, national, registration)
    with pytest.raises(ValidationError) as raised:
        claim_reject(actor=national, claim_id=claim.pk, reason="  ")
    assert "reason" in raised.value.message_dict
    with pytest.raises(ValidationError):
        claim_void(actor=national, claim_id=claim.pk, reason="")


def test_the_database_refuses_a_second_claim_for_the_same_instalment(setup):
    from django.db import IntegrityError, transaction

    _tenant, _national, registration = setup
    claim = claim_of(registration)
    with system_national_context(), pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            employer_id=claim.employer_id,
            registration_id=claim.registration_id,
            instalment=claim.instalment,
            funding_year=claim.funding_year,
            rate_id=claim.rate_id,
            amount=claim.amount,
            claimable_on=TODAY,
        )


def test_a_registration_no_longer_approved_cannot_be_claimed(setup):
    from programmes.models import FundingStatus, Registration

    tenant, _national, registration = setup
    with system_national_context():
        Registration.objects.filter(pk=registration.pk).update(funding_status=FundingStatus.REJECTED)
    with tenant_context(tenant.employer.pk), pytest.raises(ValidationError, match="no longer due"):
        claim_submit(actor=actor_for(tenant.coordinator, tenant.employer), claim=claim_of(registration))


def test_approve_is_idempotent_for_a_claim_approved_twice(setup):
    tenant, national, registration = setup
    claim = bring("submitted", tenant, national, registration)
    first = claim_approve(actor=national, claim_id=claim.pk)
    second = claim_approve(actor=national, claim_id=claim.pk, version=claim.version)
    assert first.version == second.version and second.status == ClaimStatus.APPROVED


def test_registration_transfer_chain_is_found_for_registrations_with_no_transfers(setup):
    """A plain registration (the common case) is its own programme: no lookups of others' claims."""
    from funding.claimable_services import _registration_instalment_paid_elsewhere

    _tenant, _national, registration = setup
    assert _registration_instalment_paid_elsewhere(registration) is False
