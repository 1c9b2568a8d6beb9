"""Property tests: however approvals and submissions interleave and repeat, a registration approved for
funding produces exactly one claim of £1,000 for its registration instalment. And the same with real
concurrent transactions, racing on one registration."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asye.errors import Conflict
from asye.tenancy.db import system_national_context, tenant_context
from funding import hooks
from funding.models import Claim, ClaimStatus, Instalment
from funding.services import claim_approve, claim_submit, claims_submit
from programmes.services import registration_funding_decide
from tests.funding.helpers import claim_of, register
from tests.programmes.conftest import TODAY, actor_for

THOUSAND = Decimal("1000.00")
OPERATIONS = (
    "approve_registration",  # national staff press "approve" (again)
    "hook",  # the approval hook runs again (a retried job)
    "submit",  # the co-ordinator presses submit with the version they saw
    "submit_stale",  # ...with a version someone else has since moved on
    "submit_many",  # ...from the list, with other claims
    "approve_claim",  # national staff approve the claim
)
EXPECTED_ERRORS = (ValidationError, Conflict)


def run(operation: str, *, tenant, national, registration, seen_version: list[int]) -> None:
    coordinator = actor_for(tenant.coordinator, tenant.employer)
    claim = claim_of(registration)
    if operation == "approve_registration":
        registration_funding_decide(actor=national, registration_id=registration.pk, approve=True)
    elif operation == "hook":
        with system_national_context():
            hooks.registration_funding_approved(actor=national, registration=registration)
    elif claim is None:
        return
    elif operation in ("submit", "submit_stale"):
        version = claim.version if operation == "submit" else max(1, claim.version - 1)
        seen_version.append(version)
        with tenant_context(tenant.employer.pk):
            claim_submit(actor=coordinator, claim=claim, version=version, today=TODAY)
    elif operation == "submit_many":
        with tenant_context(tenant.employer.pk):
            claims_submit(actor=coordinator, claim_ids=[claim.pk, claim.pk], today=TODAY)
    elif operation == "approve_claim":
        claim_approve(actor=national, claim_id=claim.pk)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=10))
def test_any_order_or_repetition_of_approvals_and_submissions_makes_one_claim_of_1000(
    operations, employer_a, national
):
    with transaction.atomic():
        registration = register(employer_a)
        for operation in operations:
            try:
                with transaction.atomic():
                    run(
                        operation,
                        tenant=employer_a,
                        national=national,
                        registration=registration,
                        seen_version=[],
                    )
            except EXPECTED_ERRORS:
                pass
        with system_national_context():
            claims = list(Claim.objects.filter(registration_id=registration.pk))
        if "approve_registration" in operations:
            [claim] = claims
            assert (claim.instalment, claim.amount) == (Instalment.REGISTRATION, THOUSAND)
            assert claim.status in (ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.APPROVED)
            # Never approved without having been submitted first.
            if claim.status == ClaimStatus.APPROVED:
                assert claim.submitted_at is not None and claim.decided_at is not None
        else:
            assert claims == []  # nothing before national staff approve the registration
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rounds=st.lists(
        st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=4), min_size=1, max_size=5
    )
)
def test_submitting_any_selections_any_number_of_times_claims_each_registration_once(
    rounds, employer_a, national
):
    with transaction.atomic():
        registrations = [register(employer_a) for _ in range(4)]
        for registration in registrations:
            registration_funding_decide(actor=national, registration_id=registration.pk, approve=True)
        ids = [claim_of(r).pk for r in registrations]
        coordinator = actor_for(employer_a.coordinator, employer_a.employer)
        chosen = set()
        for selection in rounds:
            with tenant_context(employer_a.employer.pk):
                claims_submit(actor=coordinator, claim_ids=[ids[i] for i in selection], today=TODAY)
            chosen |= set(selection)
        with system_national_context():
            claims = list(Claim.objects.filter(registration_id__in=[r.pk for r in registrations]))
        assert len(claims) == 4 and sum(c.amount for c in claims) == 4 * THOUSAND
        assert {c.pk for c in claims if c.status == ClaimStatus.SUBMITTED} == {ids[i] for i in chosen}
        transaction.set_rollback(True)


# --- Real concurrency: separate connections racing -------------------------------------------------------


def _race(count: int, work) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                work()
        except BaseException as error:  # collected and checked by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.mark.usefixtures("funding_reference_data")
def test_concurrent_approval_hooks_and_submissions_make_one_claim(transactional_db, employer_a, national):
    registration = register(employer_a)
    with transaction.atomic():
        registration_funding_decide(actor=national, registration_id=registration.pk, approve=True)
    with system_national_context():
        Claim.objects.all().delete()  # start from nothing: the hooks race to make the claim

    def hook():
        with system_national_context():
            hooks.registration_funding_approved(actor=national, registration=registration)

    assert _race(6, hook) == []
    with system_national_context():
        [claim] = Claim.objects.filter(registration_id=registration.pk)
    assert claim.amount == THOUSAND

    def submit():
        with tenant_context(employer_a.employer.pk):
            claim_submit(
                actor=actor_for(employer_a.coordinator, employer_a.employer),
                claim=claim,
                version=claim.version,
                today=TODAY,
            )

    errors = _race(6, submit)
    assert all(isinstance(error, Conflict | ValidationError) for error in errors), errors
    with system_national_context():
        [after] = Claim.objects.filter(registration_id=registration.pk)
    assert (after.status, after.amount, after.version) == (ClaimStatus.SUBMITTED, THOUSAND, claim.version + 1)
