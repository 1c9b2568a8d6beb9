"""Accepted evidence is locked: what the assessor accepted (its title, date, description, files, capability
tags and the reflection) changes only as an amendment with a reason, made by the NQSW's assessor or the
co-ordinator, kept with its old and new value and audited; the NQSW adds a later reflection instead."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from asye.web.dates import date_data
from portfolios import evidence_amendments as amendments
from portfolios.models import Evidence, EvidenceAmendment, EvidenceFile
from portfolios.services import evidence_file_remove
from tests.portfolios.conftest import add_evidence, linked_registration, portfolio_of, statement, text_file
from tests.programmes.conftest import TODAY, actor_for
from tests.today import days_ago

pytestmark = pytest.mark.django_db

S = Evidence.Status
OCCURRED_ON = days_ago(60)


def fresh(tenant, evidence) -> Evidence:
    with tenant_context(tenant.employer.pk):
        return Evidence.objects.get(pk=evidence.pk)


def amend(tenant, user, evidence, *, reason="A name was left in.", version=None, **changes):
    """``evidence_amend`` with the evidence's own values except ``changes``."""
    with tenant_context(tenant.employer.pk):
        evidence = Evidence.objects.get(pk=evidence.pk)
        values = {
            "title": evidence.title,
            "description": evidence.description,
            "reflection": evidence.reflection,
            "occurred_on": evidence.occurred_on,
            "statement_ids": list(evidence.tags.values_list("statement_id", flat=True)),
        }
        values.update(changes)
        return amendments.evidence_amend(
            actor=actor_for(user, tenant.employer),
            evidence=evidence,
            version=evidence.version if version is None else version,
            reason=reason,
            today=TODAY,
            **values,
        )


def history(tenant, evidence) -> list[tuple[str, str, str, str, int]]:
    with tenant_context(tenant.employer.pk):
        return [
            (a.field, a.old_value, a.new_value, a.reason, a.amended_by_id)
            for a in EvidenceAmendment.objects.filter(evidence_id=evidence.pk).order_by("id")
        ]


def text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.fixture
def accepted(employer_a, portfolio_a):
    return add_evidence(
        employer_a,
        portfolio_a,
        status=S.ACCEPTED,
        files=[text_file("visit-notes.txt"), text_file("plan.txt")],
    )


def test_accepted_evidence_is_not_changed_by_the_nqsw_and_says_how_it_is_amended(employer_a, accepted):
    with tenant_context(employer_a.employer.pk):
        file = EvidenceFile.objects.filter(evidence=accepted).first()
        with pytest.raises(ValidationError, match=r"accepted.*amendment"):
            evidence_file_remove(actor=actor_for(employer_a.nqsw, employer_a.employer), file=file)
    with pytest.raises(PermissionDenied):
        amend(employer_a, employer_a.nqsw, accepted, title="Rewritten by the NQSW")


def test_the_assessor_amends_accepted_evidence_with_a_reason_kept_and_audited(
    employer_a, portfolio_a, accepted
):
    version = fresh(employer_a, accepted).version
    with tenant_context(employer_a.employer.pk):
        plan = EvidenceFile.objects.get(evidence=accepted, original_name="plan.txt")
    pcf, pqs = statement(portfolio_a, "pcf", 7), statement(portfolio_a, "cf-pqs", 1)
    amended = amend(
        employer_a,
        employer_a.assessor,
        accepted,
        occurred_on=OCCURRED_ON,
        description="What I did on the visit (the child's name removed).",
        statement_ids=[pcf.pk, pqs.pk],
        remove_file_ids=[plan.pk],
        reason="The child's name was in the text and in the plan.",
    )
    assert amended.version == version + 1 and amended.status == S.ACCEPTED
    assert amended.occurred_on == OCCURRED_ON
    reason = "The child's name was in the text and in the plan."
    by = employer_a.assessor.pk
    assert history(employer_a, accepted) == [
        ("occurred_on", "", OCCURRED_ON.isoformat(), reason, by),
        (
            "description",
            "What I did on the visit.",
            "What I did on the visit (the child's name removed).",
            reason,
            by,
        ),
        ("statements", "PCF 7", "PCF 7, PQS 1", reason, by),
        ("files", "visit-notes.txt, plan.txt", "visit-notes.txt", reason, by),
    ]
    with tenant_context(employer_a.employer.pk):
        assert list(
            EvidenceFile.objects.filter(evidence=accepted).values_list("original_name", flat=True)
        ) == ["visit-notes.txt"]
        [event] = AuditEvent.objects.filter(action="evidence.amended")
    assert event.actor_user_id == by and event.changes["reason"] == reason
    assert event.changes["description"] == "changed"
    assert event.changes["files"] == {"removed": [{"name": "plan.txt", "sha256": plan.sha256}]}


def test_the_coordinator_amends_and_the_evidence_keeps_what_sharing_needed(employer_a, accepted):
    amend(employer_a, employer_a.coordinator, accepted, reflection="What I learned (name removed).")
    with pytest.raises(ValidationError) as raised:
        amend(employer_a, employer_a.coordinator, accepted, statement_ids=[], reflection="", reason="")
    assert raised.value.message_dict == {
        "statements": ["Accepted evidence keeps at least one capability"],
        "reflection": ["Accepted evidence keeps its critical reflection"],
        "reason": ["Enter the reason for the amendment"],
    }
    with pytest.raises(ValidationError, match="not changed anything"):
        amend(employer_a, employer_a.coordinator, accepted)
    with pytest.raises(Conflict):
        amend(employer_a, employer_a.coordinator, accepted, title="Changed", version=1)
    assert [row[0] for row in history(employer_a, accepted)] == ["reflection"]


@pytest.mark.parametrize("who", ["nqsw", "line_manager"])
def test_only_the_assessor_or_the_coordinator_amends(employer_a, accepted, who):
    with pytest.raises(PermissionDenied):
        amend(employer_a, getattr(employer_a, who), accepted, title="Changed")
    assert history(employer_a, accepted) == []


def test_only_accepted_evidence_is_amended(employer_a, portfolio_a):
    for status in (S.DRAFT, S.SHARED, S.MORE_NEEDED):
        evidence = add_evidence(employer_a, portfolio_a, title=f"{status} evidence", status=status)
        with pytest.raises(ValidationError, match="not been accepted"):
            amend(employer_a, employer_a.assessor, evidence, title="Changed")


def test_the_nqsw_adds_a_later_reflection_to_accepted_evidence(employer_a, accepted):
    with tenant_context(employer_a.employer.pk):
        amendments.evidence_reflection_add(
            actor=actor_for(employer_a.nqsw, employer_a.employer),
            evidence=fresh(employer_a, accepted),
            text="A year on, I would involve the school sooner.",
        )
        with pytest.raises(PermissionDenied):
            amendments.evidence_reflection_add(
                actor=actor_for(employer_a.assessor, employer_a.employer),
                evidence=fresh(employer_a, accepted),
                text="Not mine to write",
            )
        assert AuditEvent.objects.filter(action="evidence.reflection_added").count() == 1
    assert fresh(employer_a, accepted).reflection == "What I learned from it."
    assert history(employer_a, accepted) == [
        ("later_reflection", "", "A year on, I would involve the school sooner.", "", employer_a.nqsw.pk)
    ]


def test_the_pages_amend_accepted_evidence_and_show_the_history(
    client, login, employer_a, portfolio_a, accepted
):
    evidence = fresh(employer_a, accepted)
    page_url = reverse("portfolios:evidence", args=[evidence.pk])
    amend_url = reverse("portfolios:evidence_amend", args=[evidence.pk])
    pcf = statement(portfolio_a, "pcf", 7)

    login(employer_a.nqsw)
    page = text(client.get(page_url))
    assert "Amend the evidence" not in page and "Add a later reflection" in page
    assert client.get(amend_url).status_code == 403
    response = client.post(
        reverse("portfolios:evidence_change", args=[evidence.pk]),
        {"title": "Rewritten", "reflection": "Rewritten", "version": evidence.version},
    )
    assert "govuk-error-summary" in text(response) and "amendment" in text(response)

    login(employer_a.assessor)
    page = text(client.get(page_url))
    assert "Amend the evidence" in page
    form = text(client.get(amend_url))
    assert 'name="reason"' in form and 'name="remove_files"' in form
    with tenant_context(employer_a.employer.pk):
        plan = EvidenceFile.objects.get(evidence=evidence, original_name="plan.txt")
    posted = {
        "title": "Home visit",
        "description": "What I did on the visit.",
        "reflection": "What I learned from it.",
        f"statements_{pcf.capability_set_id}": [str(pcf.pk)],
        **date_data("occurred_on", OCCURRED_ON),
        "remove_files": [str(plan.pk)],
        "version": evidence.version,
    }
    response = client.post(amend_url, {**posted, "reason": ""})
    assert response.status_code == 200 and "Enter the reason for the amendment" in text(response)
    response = client.post(amend_url, {**posted, "reason": "The plan names the child."})
    assert response.status_code == 302
    stale = {**posted, "title": "Again", "reason": "x", "remove_files": []}
    assert client.post(amend_url, stale).status_code == 409
    page = text(client.get(page_url))
    assert "Amendments and later reflections" in page and "The plan names the child." in page
    assert "plan.txt" in page  # in the history: it was removed

    login(employer_a.nqsw)
    reflect_url = reverse("portfolios:evidence_reflect", args=[evidence.pk])
    assert client.post(reflect_url, {"text": "Looking back, I rushed."}).status_code == 302
    assert "Looking back, I rushed." in text(client.get(page_url))


def test_another_employers_evidence_or_file_in_the_amendment_routes_changes_nothing(
    client, login, employer_a, employer_b, portfolio_a, accepted, unscoped
):
    theirs_portfolio = portfolio_of(employer_b, linked_registration(employer_b))
    theirs = add_evidence(employer_b, theirs_portfolio, status=S.ACCEPTED, files=[text_file("b.txt")])
    before = fresh(employer_b, theirs)
    login(employer_a.coordinator)
    for name in ("evidence_amend", "evidence_reflect"):
        url = reverse(f"portfolios:{name}", args=[theirs.pk])
        assert client.get(url).status_code == 404
        assert (
            client.post(url, {"title": "Changed", "reason": "x", "text": "x", "version": 9}).status_code
            == 404
        )
    # Their file's id in the amendment form of A's own evidence is not a file of that evidence.
    with unscoped():
        their_file = EvidenceFile.objects.get(evidence_id=theirs.pk)
    mine = fresh(employer_a, accepted)
    pcf = statement(portfolio_a, "pcf", 7)
    response = client.post(
        reverse("portfolios:evidence_amend", args=[mine.pk]),
        {
            "title": mine.title,
            "description": mine.description,
            "reflection": mine.reflection,
            f"statements_{pcf.capability_set_id}": [str(pcf.pk)],
            "remove_files": [str(their_file.pk)],
            "reason": "Remove it",
            "version": mine.version,
        },
    )
    assert response.status_code == 200 and "govuk-error-summary" in text(response)
    with unscoped():
        assert EvidenceFile.objects.filter(pk=their_file.pk).exists()
        assert not EvidenceAmendment.objects.exists()
    after = fresh(employer_b, theirs)
    assert (after.version, after.title) == (before.version, before.title)
    with pytest.raises(ValidationError):
        with tenant_context(employer_a.employer.pk):
            amendments.evidence_amend(
                actor=actor_for(employer_a.coordinator, employer_a.employer),
                evidence=mine,
                version=mine.version,
                reason="Remove it",
                title=mine.title,
                description=mine.description,
                reflection=mine.reflection,
                occurred_on=mine.occurred_on,
                statement_ids=[pcf.pk],
                remove_file_ids=[their_file.pk],
            )
