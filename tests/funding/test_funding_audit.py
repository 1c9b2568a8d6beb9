"""Every change to money is audited with its actor, in the employer's audit trail: a claim from claimable
to paid, the statement that paid it, a recovery, a rejection and a void."""

from __future__ import annotations

import pytest

from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from funding.recovery_services import recovery_cancel, recovery_create
from funding.services import claim_reject, claim_void
from tests.funding.helpers import approve, checker_actor, claim_of, paid_statement, register, submitted

pytestmark = pytest.mark.django_db


def trail(employer, object_type: str, object_id) -> list[tuple[str, int | None]]:
    """The object's events in the employer's own audit trail (what /audit/ shows the co-ordinator)."""
    with tenant_context(employer.pk):
        return list(
            AuditEvent.objects.filter(
                employer_id=employer.pk, object_type=object_type, object_id=str(object_id)
            )
            .order_by("id")
            .values_list("action", "actor_user_id")
        )


def test_a_claim_from_claimable_to_paid(employer_a, national, approved):
    checker = checker_actor()
    statement = paid_statement(employer_a, national, [approved], checker=checker)
    claim = claim_of(approved)
    nat, coord = national.user.pk, employer_a.coordinator.pk
    assert trail(employer_a.employer, "funding.claim", claim.pk) == [
        ("claim.claimable", nat),
        ("claim.submitted", coord),
        ("claim.approved", nat),
        ("claim.added_to_statement", nat),
        ("claim.paid", nat),
    ]
    assert trail(employer_a.employer, "funding.paymentstatement", statement.pk) == [
        ("statement.built", nat),
        ("statement.authorised", checker.user.pk),  # a second person (maker-checker)
        ("statement.paid", nat),
    ]
    with tenant_context(employer_a.employer.pk):
        authorised = AuditEvent.objects.get(action="statement.authorised")
    assert authorised.changes["total"] == "1000.00" and authorised.changes["status"] == [
        "draft",
        "authorised",
    ]
    assert authorised.changes["lines"] == 1 and authorised.changes["prepared_by"] == [national.user.email]


def test_rejections_voids_and_recoveries_record_their_reasons(employer_a, national, approved):
    other = approve(national, register(employer_a))
    rejected = claim_reject(
        actor=national, claim_id=submitted(employer_a, claim_of(other)).pk, reason="Not eligible"
    )
    third = approve(national, register(employer_a))
    voided = claim_void(actor=national, claim_id=claim_of(third).pk, reason="Made in error")
    paid_statement(employer_a, national, [approved])
    recovery = recovery_create(
        actor=national, claim_id=claim_of(approved).pk, amount="10.00", reason="Overpaid"
    )
    recovery_cancel(actor=national, recovery_id=recovery.pk, reason="Not overpaid")
    with system_national_context():
        events = {
            e.action: e
            for e in AuditEvent.objects.filter(
                action__in=["claim.rejected", "claim.voided", "recovery.created", "recovery.cancelled"]
            )
        }
    assert events["claim.rejected"].changes["reason"] == "Not eligible"
    assert events["claim.rejected"].object_id == str(rejected.pk)
    assert events["claim.voided"].changes["reason"] == "Made in error" and events[
        "claim.voided"
    ].object_id == str(voided.pk)
    assert events["recovery.created"].changes["amount"] == "10.00"
    assert events["recovery.cancelled"].changes["reason"] == "Not overpaid"
    assert {e.employer_id for e in events.values()} == {employer_a.employer.pk}
    assert {e.actor_user_id for e in events.values()} == {national.user.pk}
