"""National staff decide many submitted claims at once (#18 item 3): one action with a check page that says
how many and how much, one audit event per claim (the same as the single-claim service writes), all or
nothing (one bad claim: none decided, the error names it), a stale selection refused, fast for 1,000."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asye import clock
from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from funding import bulk
from funding.models import Claim, ClaimStatus, Instalment
from funding.services import claim_approve, claim_void
from programmes.models import Registration
from tests.funding.conftest import register
from tests.funding.helpers import approve, checker_actor, claim_of, submitted

pytestmark = pytest.mark.django_db

_swe = itertools.count(720_001)
CHECK = "national_funding:claims_decide_check"
DECIDE = "national_funding:claims_decide"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def many_submitted(tenant, template: Claim, count: int) -> list[Claim]:
    """``count`` more submitted claims at the tenant, like ``template`` (written directly, for speed)."""
    with system_national_context():
        base = Registration.objects.get(pk=template.registration_id)
    fields = {
        name: getattr(base, name)
        for name in (
            "framework_version_id",
            "qualification_date",
            "start_date",
            "contracted_hours",
            "funding_year",
            "funding_status",
        )
    }
    with tenant_context(tenant.employer.pk):
        registrations = Registration.objects.bulk_create(
            [
                Registration(
                    employer=tenant.employer,
                    first_name=f"Many{n:04d}",
                    last_name="Bulkley",
                    swe_number=f"SW{next(_swe)}",
                    **fields,
                )
                for n in range(count)
            ]
        )
        return Claim.objects.bulk_create(
            [
                Claim(
                    employer=tenant.employer,
                    registration=registration,
                    instalment=Instalment.REGISTRATION,
                    status=ClaimStatus.SUBMITTED,
                    funding_year_id=template.funding_year_id,
                    rate_id=template.rate_id,
                    amount=template.amount,
                    claimable_on=template.claimable_on,
                    submitted_at=clock.now(),
                    submitted_by=tenant.coordinator,
                )
                for registration in registrations
            ]
        )


@pytest.fixture
def one_submitted(employer_a, national) -> Claim:
    return submitted(employer_a, claim_of(approve(national, register(employer_a, first_name="Ada"))))


@pytest.fixture
def staff(login, national_staff):
    return login(national_staff)


def shows_money(page: str, amount: Decimal) -> bool:
    """Whether the page shows ``amount`` in pounds (with or without pence: GOV.UK style drops ".00")."""
    return f"£{amount:,.2f}" in page or (amount == amount.to_integral() and f"£{amount:,.0f}" in page)


def selection_of(claims) -> bulk.Selection:
    with system_national_context():
        return bulk.selection_read(bulk.selection_sign(Claim.objects.filter(pk__in=[c.pk for c in claims])))


def statuses(claims) -> set[str]:
    with system_national_context():
        return set(Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("status", flat=True))


def test_bulk_approval_of_1000_claims_is_one_action_with_a_check_page(staff, employer_a, one_submitted):
    claims = [one_submitted, *many_submitted(employer_a, one_submitted, 999)]
    check = staff.post(reverse(CHECK), {"decision": "approve", "scope": "all", "status": "submitted"})
    assert check.status_code == 200
    page = text(check)
    assert "Check before you approve 1,000 claims" in page
    assert shows_money(page, one_submitted.amount * 1000)
    token = re.search(r'name="selection" value="([^"]+)"', check.content.decode()).group(1)

    with CaptureQueriesContext(connection) as queries:
        done = staff.post(reverse(DECIDE), {"selection": token, "decision": "approve"})
    assert done.status_code == 302
    assert statuses(claims) == {ClaimStatus.APPROVED}
    with system_national_context():
        assert AuditEvent.objects.filter(action="claim.approved", object_type="funding.claim").count() == 1000
    # Set-based whatever the number of claims: the request's statements do not grow with the 1,000 claims
    # (a statement a claim would be 1,000 or more). Its time is measured in benchmarks/, not here: a wall-clock
    # limit in a test fails on a loaded machine, not on slow code.
    assert len(queries) < 60, f"{len(queries)} statements for 1,000 claims"


def test_one_bad_claim_means_none_approved_and_the_error_names_it(staff, employer_a, national, one_submitted):
    claims = [one_submitted, *many_submitted(employer_a, one_submitted, 20)]
    check = staff.post(reverse(CHECK), {"decision": "approve", "scope": "all", "status": "submitted"})
    token = re.search(r'name="selection" value="([^"]+)"', check.content.decode()).group(1)
    # A colleague voids one claim after the check page was shown.
    bad = claims[7]
    claim_void(actor=checker_actor(), claim_id=bad.pk, reason="Registered twice")

    refused = staff.post(reverse(DECIDE), {"selection": token, "decision": "approve"})
    assert refused.status_code == 200  # the form's errors, as every form page answers them
    assert f"Claim {bad.reference} (Many0006 Bulkley, {employer_a.employer.name}) was changed" in text(
        refused
    )
    assert "Nothing was saved" in text(refused)
    assert statuses([c for c in claims if c.pk != bad.pk]) == {ClaimStatus.SUBMITTED}
    with system_national_context():
        assert not AuditEvent.objects.filter(action="claim.approved").exists()


def test_a_claim_approved_by_a_colleague_since_the_check_page_is_refused_not_applied(
    employer_a, national, one_submitted
):
    claims = [one_submitted, *many_submitted(employer_a, one_submitted, 3)]
    selection = selection_of(claims)
    claim_approve(actor=checker_actor(), claim_id=claims[2].pk)
    with pytest.raises(ValidationError, match=f"Claim {claims[2].reference} .* was changed"):
        bulk.claims_decide_bulk(actor=national, decision=bulk.REJECT, selection=selection, reason="Late")
    assert statuses([claims[0], claims[1], claims[3]]) == {ClaimStatus.SUBMITTED}


def test_a_claim_the_decider_submitted_refuses_the_whole_decision(employer_a, national, one_submitted):
    mine = many_submitted(employer_a, one_submitted, 2)
    with system_national_context():
        Claim.objects.filter(pk=mine[1].pk).update(submitted_by=national.user)
    claims = [one_submitted, *mine]
    with pytest.raises(ValidationError, match="was submitted by you"):
        bulk.claims_decide_bulk(actor=national, decision=bulk.APPROVE, selection=selection_of(claims))
    assert statuses(claims) == {ClaimStatus.SUBMITTED}
    with system_national_context():
        # The attempt is recorded, as the single-claim service records it.
        assert AuditEvent.objects.filter(action="claim.approve_refused", object_id=str(mine[1].pk)).exists()


def test_bulk_writes_the_same_audit_events_as_the_single_claim_service(employer_a, national, one_submitted):
    one, other = many_submitted(employer_a, one_submitted, 2)
    claim_approve(actor=national, claim_id=one.pk)
    bulk.claims_decide_bulk(actor=national, decision=bulk.APPROVE, selection=selection_of([other]))
    with system_national_context():
        single = AuditEvent.objects.get(action="claim.approved", object_id=str(one.pk))
        many = AuditEvent.objects.get(action="claim.approved", object_id=str(other.pk))
        decided = Claim.objects.get(pk=other.pk)
    assert many.changes == single.changes == {"status": ["submitted", "approved"], "amount": str(one.amount)}
    assert (many.employer_id, many.actor_user_id, many.actor_label) == (
        single.employer_id,
        single.actor_user_id,
        single.actor_label,
    )
    assert decided.version == one.version + 1
    assert decided.decided_by_id == national.user.pk


def test_rejecting_needs_a_reason_and_records_it(employer_a, national, one_submitted):
    selection = selection_of([one_submitted])
    with pytest.raises(ValidationError, match="Enter the reason"):
        bulk.claims_decide_bulk(actor=national, decision=bulk.REJECT, selection=selection, reason=" ")
    assert (
        bulk.claims_decide_bulk(actor=national, decision=bulk.REJECT, selection=selection, reason="Duplicate")
        == 1
    )
    with system_national_context():
        claim = Claim.objects.get(pk=one_submitted.pk)
        event = AuditEvent.objects.get(action="claim.rejected", object_id=str(claim.pk))
    assert (claim.status, claim.reason) == (ClaimStatus.REJECTED, "Duplicate")
    assert event.changes == {"status": ["submitted", "rejected"], "reason": "Duplicate"}


def test_ticked_claims_only_and_nothing_ticked_is_an_error(staff, employer_a, one_submitted):
    others = many_submitted(employer_a, one_submitted, 3)
    nothing = staff.post(reverse(CHECK), {"decision": "approve", "scope": "selected", "status": "submitted"})
    assert nothing.status_code == 200
    assert "Select the claims to approve or reject" in text(nothing)
    check = staff.post(
        reverse(CHECK), {"decision": "reject", "scope": "selected", "claims": [others[0].pk, others[2].pk]}
    )
    assert "Check before you reject 2 claims" in text(check)
    token = re.search(r'name="selection" value="([^"]+)"', check.content.decode()).group(1)
    no_reason = staff.post(reverse(DECIDE), {"selection": token, "decision": "reject", "reason": ""})
    assert no_reason.status_code == 200
    assert "Enter the reason the claims are rejected" in text(no_reason)
    staff.post(reverse(DECIDE), {"selection": token, "decision": "reject", "reason": "Not eligible"})
    assert statuses([others[0], others[2]]) == {ClaimStatus.REJECTED}
    assert statuses([one_submitted, others[1]]) == {ClaimStatus.SUBMITTED}


def test_an_edited_selection_is_refused(staff, one_submitted):
    forged = signing.dumps([[one_submitted.pk], [one_submitted.version]], salt="another.salt", compress=True)
    refused = staff.post(reverse(DECIDE), {"selection": forged, "decision": "approve"})
    assert "This selection has expired or is not valid" in text(refused)
    assert statuses([one_submitted]) == {ClaimStatus.SUBMITTED}


def test_employers_cannot_decide_in_bulk(login, employer_a, one_submitted):
    client = login(employer_a.coordinator)
    assert client.post(reverse(CHECK), {"decision": "approve", "scope": "all"}).status_code == 403
    token = signing.dumps([[one_submitted.pk], [one_submitted.version]], salt=bulk.SALT, compress=True)
    assert client.post(reverse(DECIDE), {"selection": token, "decision": "approve"}).status_code == 403
    assert statuses([one_submitted]) == {ClaimStatus.SUBMITTED}


def test_the_check_page_says_how_many_and_how_much_by_employer(
    staff, employer_a, employer_b, national, one_submitted
):
    many_submitted(employer_a, one_submitted, 2)
    b_claim = submitted(employer_b, claim_of(approve(national, register(employer_b, first_name="Bea"))))
    page = text(staff.post(reverse(CHECK), {"decision": "approve", "scope": "all"}))
    assert "Check before you approve 4 claims" in page
    assert shows_money(page, one_submitted.amount * 3 + b_claim.amount)
    assert employer_a.employer.name in page and employer_b.employer.name in page
