"""Evidence services: the NQSW owns and writes their evidence, tags it only to their portfolio's
capabilities and shares it when it is complete; the assessor responds; stale writes are conflicts;
every change is audited; a submitted portfolio is read-only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from asye.accounts.models import Role
from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from portfolios.models import Evidence, EvidenceTag, Portfolio
from portfolios.services import (
    evidence_create,
    evidence_respond,
    evidence_share,
    evidence_update,
    portfolio_submit,
)
from programmes.models import Registration, RegistrationStatus
from tests.factories import person
from tests.portfolios.conftest import add_evidence, linked_registration, portfolio_of, statement
from tests.programmes.conftest import TODAY, actor_for

pytestmark = pytest.mark.django_db

S = Evidence.Status


def as_(tenant, user):
    return actor_for(user, tenant.employer)


def update(tenant, evidence, user=None, version=None, **changes):
    """``evidence_update`` with the evidence's own values except ``changes`` (in the tenant's context)."""
    values = {
        "title": evidence.title,
        "description": evidence.description,
        "reflection": evidence.reflection,
        "occurred_on": evidence.occurred_on,
        "statement_ids": list(evidence.tags.values_list("statement_id", flat=True)),
    }
    values.update(changes)
    return evidence_update(
        actor=as_(tenant, user or tenant.nqsw),
        evidence=evidence,
        version=evidence.version if version is None else version,
        today=TODAY,
        **values,
    )


def audit_actions(unscoped, obj) -> list[str]:
    with unscoped():
        return list(
            AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
            .order_by("id")
            .values_list("action", flat=True)
        )


# --- Writing evidence ----------------------------------------------------------------------------------


def test_the_nqsw_adds_draft_evidence_tagged_to_their_portfolios_capabilities(
    employer_a, portfolio_a, unscoped
):
    evidence = add_evidence(employer_a, portfolio_a, tags=(("pcf", 7), ("cf-pqs", 1)))
    with tenant_context(employer_a.employer.pk):
        evidence.refresh_from_db()
        labels = sorted(tag.statement.label for tag in EvidenceTag.objects.filter(evidence=evidence))
    assert evidence.status == S.DRAFT and evidence.created_by == employer_a.nqsw
    assert labels == ["PCF 7", "PQS 1"]
    assert audit_actions(unscoped, evidence) == ["evidence.created"]


def test_evidence_cannot_be_tagged_to_a_framework_outside_the_portfolio(employer_a, portfolio_a, unscoped):
    with unscoped():
        from portfolios.models import CapabilityStatement

        adults = CapabilityStatement.objects.get(capability_set__code="adults-kss", number=1)
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError) as caught:
        evidence_create(
            actor=as_(employer_a, employer_a.nqsw),
            portfolio=portfolio_a,
            title="Visit",
            statement_ids=[adults.pk],
            today=TODAY,
        )
    assert caught.value.message_dict == {
        "statements": ["Select capabilities from your portfolio's frameworks only"]
    }


@pytest.mark.parametrize("who", ["assessor", "line_manager", "coordinator", "other_nqsw"])
def test_only_the_portfolios_nqsw_adds_evidence(employer_a, portfolio_a, who):
    user = (
        person(role=Role.NQSW, employer=employer_a.employer, email="other@alphashire.example")
        if who == "other_nqsw"
        else getattr(employer_a, who)
    )
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        evidence_create(actor=as_(employer_a, user), portfolio=portfolio_a, title="Not mine", today=TODAY)


def test_a_title_is_needed_and_practice_cannot_be_in_the_future(employer_a, portfolio_a):
    import datetime

    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError) as caught:
        evidence_create(
            actor=as_(employer_a, employer_a.nqsw),
            portfolio=portfolio_a,
            title=" ",
            occurred_on=TODAY + datetime.timedelta(days=1),
            today=TODAY,
        )
    assert caught.value.message_dict == {
        "title": ["Enter a title for the evidence"],
        "occurred_on": ["The date of the practice must be today or in the past"],
    }


def test_a_stale_version_is_a_conflict_and_changes_nothing(employer_a, portfolio_a):
    evidence = add_evidence(employer_a, portfolio_a)
    with tenant_context(employer_a.employer.pk):
        update(employer_a, evidence, title="First change")
        with pytest.raises(Conflict):
            update(employer_a, evidence, title="Second change from an old tab", version=evidence.version)
        evidence.refresh_from_db()
    assert evidence.title == "First change" and evidence.version == 2


def test_the_audit_trail_says_the_reflection_changed_but_not_what_it_says(employer_a, portfolio_a, unscoped):
    evidence = add_evidence(employer_a, portfolio_a)
    with tenant_context(employer_a.employer.pk):
        update(employer_a, evidence, reflection="Something private about a family")
    with unscoped():
        event = AuditEvent.objects.get(action="evidence.updated", object_id=str(evidence.pk))
    assert event.changes == {"reflection": "changed"}
    assert "private" not in str(event.changes)


def test_shared_or_accepted_evidence_cannot_be_changed_but_more_needed_can(employer_a, portfolio_a):
    shared = add_evidence(employer_a, portfolio_a, title="Shared", status=S.SHARED)
    accepted = add_evidence(employer_a, portfolio_a, title="Accepted", status=S.ACCEPTED)
    more = add_evidence(employer_a, portfolio_a, title="More", status=S.MORE_NEEDED)
    with tenant_context(employer_a.employer.pk):
        for evidence in (shared, accepted):
            with pytest.raises(ValidationError):
                update(employer_a, evidence, title="Changed")
        changed = update(employer_a, more, title="With more added")
    assert changed.title == "With more added" and changed.status == S.MORE_NEEDED


# --- Sharing -------------------------------------------------------------------------------------------


def test_sharing_needs_a_capability_the_evidence_itself_and_a_reflection(employer_a, portfolio_a):
    with tenant_context(employer_a.employer.pk):
        evidence = evidence_create(
            actor=as_(employer_a, employer_a.nqsw), portfolio=portfolio_a, title="Bare", today=TODAY
        )
        with pytest.raises(ValidationError) as caught:
            evidence_share(
                actor=as_(employer_a, employer_a.nqsw), evidence=evidence, version=evidence.version
            )
    assert set(caught.value.message_dict) == {"statements", "description", "reflection"}
    assert caught.value.message_dict["statements"] == [
        "Select at least one capability this evidence supports before you share it"
    ]


def test_sharing_needs_an_assessor(employer_a, portfolio_a):
    evidence = add_evidence(employer_a, portfolio_a)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=portfolio_a.registration_id).update(assessor=None)
        with pytest.raises(ValidationError) as caught:
            evidence_share(
                actor=as_(employer_a, employer_a.nqsw), evidence=evidence, version=evidence.version
            )
    assert "You do not have an assessor yet" in caught.value.messages[0]


def test_sharing_moves_the_evidence_to_the_assessor_once(employer_a, portfolio_a, unscoped):
    evidence = add_evidence(employer_a, portfolio_a)
    with tenant_context(employer_a.employer.pk):
        shared = evidence_share(
            actor=as_(employer_a, employer_a.nqsw), evidence=evidence, version=evidence.version
        )
        again = evidence_share(
            actor=as_(employer_a, employer_a.nqsw), evidence=shared, version=evidence.version
        )
    assert shared.status == again.status == S.SHARED and shared.shared_at is not None
    assert audit_actions(unscoped, evidence).count("evidence.shared") == 1


# --- Responding ----------------------------------------------------------------------------------------


def test_the_assessor_accepts_shared_evidence(employer_a, portfolio_a, unscoped):
    evidence = add_evidence(employer_a, portfolio_a, status=S.ACCEPTED, comment="Good work")
    assert evidence.status == S.ACCEPTED
    assert evidence.responded_by == employer_a.assessor and evidence.response_comment == "Good work"
    assert audit_actions(unscoped, evidence)[-1] == "evidence.responded"


def test_more_needed_needs_a_comment(employer_a, portfolio_a):
    evidence = add_evidence(employer_a, portfolio_a, status=S.SHARED)
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError) as caught:
        evidence_respond(
            actor=as_(employer_a, employer_a.assessor),
            evidence=evidence,
            version=evidence.version,
            decision=S.MORE_NEEDED,
            comment="  ",
        )
    assert caught.value.message_dict == {"comment": ["Enter what more the NQSW needs to show"]}


@pytest.mark.parametrize("who", ["line_manager", "coordinator", "nqsw"])
def test_only_the_nqsws_assessor_responds(employer_a, portfolio_a, who):
    evidence = add_evidence(employer_a, portfolio_a, status=S.SHARED)
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        evidence_respond(
            actor=as_(employer_a, getattr(employer_a, who)),
            evidence=evidence,
            version=evidence.version,
            decision=S.ACCEPTED,
        )


def test_another_assessor_at_the_employer_cannot_respond(employer_a, portfolio_a):
    evidence = add_evidence(employer_a, portfolio_a, status=S.SHARED)
    other = person(
        role=Role.ASSESSOR, employer=employer_a.employer, email="other.assessor@alphashire.example"
    )
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        evidence_respond(
            actor=as_(employer_a, other), evidence=evidence, version=evidence.version, decision=S.ACCEPTED
        )


def test_a_response_to_a_version_the_nqsw_has_since_changed_is_a_conflict(employer_a, portfolio_a):
    evidence = add_evidence(employer_a, portfolio_a, status=S.MORE_NEEDED)
    seen_by_assessor = evidence.version
    with tenant_context(employer_a.employer.pk):
        update(employer_a, evidence, description="More detail")
        evidence.refresh_from_db()
        evidence_share(actor=as_(employer_a, employer_a.nqsw), evidence=evidence, version=evidence.version)
        with pytest.raises(Conflict):
            evidence_respond(
                actor=as_(employer_a, employer_a.assessor),
                evidence=evidence,
                version=seen_by_assessor,
                decision=S.ACCEPTED,
            )


def test_only_shared_evidence_gets_a_response(employer_a, portfolio_a):
    evidence = add_evidence(employer_a, portfolio_a, status=S.ACCEPTED)
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError):
        evidence_respond(
            actor=as_(employer_a, employer_a.assessor),
            evidence=evidence,
            version=evidence.version,
            decision=S.MORE_NEEDED,
            comment="Changed my mind",
        )


# --- Submitting, and read-only portfolios -------------------------------------------------------------


def test_submitting_needs_shared_evidence(employer_a, portfolio_a):
    add_evidence(employer_a, portfolio_a)
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError):
        portfolio_submit(actor=as_(employer_a, employer_a.nqsw), portfolio=portfolio_a)


@pytest.mark.parametrize("who", ["nqsw", "coordinator"])
def test_the_nqsw_or_coordinator_submits_and_then_nothing_changes(employer_a, portfolio_a, who, unscoped):
    draft = add_evidence(employer_a, portfolio_a, title="Draft")
    shared = add_evidence(employer_a, portfolio_a, title="Shared", status=S.SHARED)
    user = getattr(employer_a, who)
    with tenant_context(employer_a.employer.pk):
        submitted = portfolio_submit(actor=as_(employer_a, user), portfolio=portfolio_a)
        assert submitted.submitted_at is not None and submitted.submitted_by == user
        assert (
            portfolio_submit(actor=as_(employer_a, user), portfolio=submitted).submitted_at
            == submitted.submitted_at
        )
        with pytest.raises(ValidationError, match="submitted for moderation"):
            update(employer_a, draft, title="Too late")
        with pytest.raises(ValidationError, match="submitted for moderation"):
            evidence_respond(
                actor=as_(employer_a, employer_a.assessor),
                evidence=shared,
                version=shared.version,
                decision=S.ACCEPTED,
            )
        with pytest.raises(ValidationError, match="submitted for moderation"):
            evidence_create(
                actor=as_(employer_a, employer_a.nqsw), portfolio=submitted, title="New", today=TODAY
            )
    assert audit_actions(unscoped, portfolio_a).count("portfolio.submitted") == 1


@pytest.mark.parametrize("who", ["assessor", "line_manager"])
def test_assessors_and_line_managers_do_not_submit(employer_a, portfolio_a, who):
    add_evidence(employer_a, portfolio_a, status=S.SHARED)
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        portfolio_submit(actor=as_(employer_a, getattr(employer_a, who)), portfolio=portfolio_a)
    with tenant_context(employer_a.employer.pk):
        assert Portfolio.objects.get(pk=portfolio_a.pk).submitted_at is None


def test_a_withdrawn_programmes_portfolio_is_read_only(employer_a, portfolio_a):
    evidence = add_evidence(employer_a, portfolio_a)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=portfolio_a.registration_id).update(
            status=RegistrationStatus.WITHDRAWN
        )
        with pytest.raises(ValidationError, match="withdrawn"):
            update(employer_a, evidence, title="After withdrawal")


def test_an_adults_portfolio_is_mapped_to_the_pcf_and_the_adults_kss(employer_a):
    registration = linked_registration(employer_a, service_area="adults")
    portfolio = portfolio_of(employer_a, registration)
    assert statement(portfolio, "adults-kss", 3).title == "Safeguarding"
    with pytest.raises(StopIteration):
        statement(portfolio, "cf-pqs", 1)
