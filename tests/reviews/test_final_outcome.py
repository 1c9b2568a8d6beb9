"""The final recommendation after the 12-month review is locked (and the rest of the minimum record, in
``test_programme_rules``); the internal moderation panel's decisions
(endorse: the outcome goes on the registration, funding is told, a pass makes the certificate; refer
back: the assessor revises and resubmits to a later panel); versions on the panel and recommendation."""

# ruff: noqa: F811  (fixtures imported from review_fixtures are redefined as test arguments)

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from programmes.models import Outcome, Registration, RegistrationStatus
from reviews import certificate
from reviews.models import FinalRecommendation, ModerationPanel, PanelDecision
from reviews.selectors import certificate_available, panel_cases, recommendation_due_list
from reviews.services import panels as panel_services
from reviews.services.panels import panel_close, panel_create, panel_decide, panel_member_add, panel_update
from reviews.services.recommendations import (
    final_recommendation_create,
    final_recommendation_submit,
    final_recommendation_update,
)
from tests.programmes.conftest import TODAY
from tests.reviews.review_fixtures import (  # noqa: F401  (fixtures)
    as_,
    make_year_done,
    registration,
    year_done,
)

pytestmark = pytest.mark.django_db

# The panel meets today and records its decisions today: the outcome date.
PANEL_DAY = TODAY


def recommend(tenant, registration, recommendation="pass", submit=True) -> FinalRecommendation:
    with tenant_context(tenant.employer.pk):
        actor = as_(tenant, tenant.assessor)
        item = final_recommendation_create(
            actor=actor,
            registration=registration,
            recommendation=recommendation,
            evidence_summary="Three locked reviews and the portfolio show the PCF at ASYE level.",
        )
        if submit:
            item = final_recommendation_submit(actor=actor, item=item, version=item.version)
        return item


def make_panel(tenant, held_on=PANEL_DAY, members=True) -> ModerationPanel:
    with tenant_context(tenant.employer.pk):
        actor = as_(tenant, tenant.coordinator)
        panel = panel_create(actor=actor, held_on=held_on, chair="Dr Helen Adeyemi")
        if members:
            panel_member_add(actor=actor, panel=panel, name="Mark Little", role="Practice educator")
        return ModerationPanel.objects.get(pk=panel.pk)


def decide(tenant, panel, item, decision="endorse", reasons="", **overrides):
    with tenant_context(tenant.employer.pk):
        values = {
            "panel_version": ModerationPanel.objects.get(pk=panel.pk).version,
            "recommendation_version": FinalRecommendation.objects.get(pk=item.pk).version,
            "today": TODAY,
        }
        values.update(overrides)
        panel = ModerationPanel.objects.get(pk=panel.pk)
        item = FinalRecommendation.objects.select_related("registration").get(pk=item.pk)
        return panel_decide(
            actor=as_(tenant, tenant.coordinator),
            panel=panel,
            item=item,
            decision=decision,
            reasons=reasons,
            **values,
        )


def reload(tenant, model, pk):
    with tenant_context(tenant.employer.pk):
        return model.objects.get(pk=pk)


# --- The recommendation -------------------------------------------------------------------------------


def test_the_recommendation_waits_for_the_final_review_to_be_locked(employer_a, registration):
    with pytest.raises(ValidationError) as raised:
        recommend(employer_a, registration)
    assert "12-month review" in raised.value.messages[0]
    with tenant_context(employer_a.employer.pk):
        assert recommendation_due_list(actor=as_(employer_a, employer_a.assessor)) == []


def test_the_assessor_writes_and_submits_the_recommendation(employer_a, year_done):
    with tenant_context(employer_a.employer.pk):
        assert recommendation_due_list(actor=as_(employer_a, employer_a.assessor)) == [year_done]
    item = recommend(employer_a, year_done)
    assert (
        item.status == FinalRecommendation.Status.SUBMITTED and item.submitted_by_id == employer_a.assessor.pk
    )
    with pytest.raises(ValidationError):
        recommend(employer_a, year_done)  # one in play per registration


@pytest.mark.parametrize("who", ["coordinator", "line_manager", "nqsw"])
def test_only_the_assessor_writes_the_recommendation(employer_a, year_done, who):
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        final_recommendation_create(
            actor=as_(employer_a, getattr(employer_a, who)),
            registration=year_done,
            recommendation="pass",
            evidence_summary="x",
        )


def test_recommendation_rules(employer_a, year_done):
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError) as raised:
        final_recommendation_create(
            actor=as_(employer_a, employer_a.assessor),
            registration=year_done,
            recommendation="merit",
            evidence_summary=" ",
        )
    assert set(raised.value.message_dict) == {"recommendation", "evidence_summary"}


def test_a_submitted_recommendation_cannot_be_changed(employer_a, year_done):
    item = recommend(employer_a, year_done)
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError):
        final_recommendation_update(
            actor=as_(employer_a, employer_a.assessor),
            item=item,
            version=item.version,
            recommendation="unsuccessful",
            evidence_summary="x",
        )


def test_a_stale_recommendation_save_is_refused(employer_a, year_done):
    item = recommend(employer_a, year_done, submit=False)
    with tenant_context(employer_a.employer.pk):
        actor = as_(employer_a, employer_a.assessor)
        final_recommendation_update(
            actor=actor, item=item, version=1, recommendation="pass", evidence_summary="Second thoughts."
        )
        with pytest.raises(Conflict):
            final_recommendation_update(
                actor=actor, item=item, version=1, recommendation="unsuccessful", evidence_summary="Other."
            )


# --- The panel ----------------------------------------------------------------------------------------


def test_endorsing_a_pass_records_the_outcome_tells_funding_and_makes_the_certificate(
    employer_a, year_done, monkeypatch
):
    told = []
    monkeypatch.setattr(
        panel_services.funding_hooks,
        "registration_outcome_recorded",
        lambda *, actor, registration: told.append((actor.user.pk, registration.pk, registration.outcome)),
    )
    item = recommend(employer_a, year_done)
    panel = make_panel(employer_a)
    before = reload(employer_a, Registration, year_done.pk).version
    decision = decide(employer_a, panel, item)
    registration = reload(employer_a, Registration, year_done.pk)
    assert decision.decision == PanelDecision.Decision.ENDORSE
    assert reload(employer_a, FinalRecommendation, item.pk).status == FinalRecommendation.Status.ENDORSED
    assert (registration.outcome, registration.outcome_date, registration.status) == (
        Outcome.PASSED,
        PANEL_DAY,
        RegistrationStatus.COMPLETED,
    )
    assert registration.version == before + 1
    assert told == [(employer_a.coordinator.pk, registration.pk, "passed")]
    with tenant_context(employer_a.employer.pk):
        event = AuditEvent.objects.get(action="registration.outcome_recorded")
        assert event.changes["outcome"] == ["", "passed"] and event.object_id == str(registration.pk)
        assert certificate_available(registration)
        html = certificate.certificate_html(registration=registration)
        pdf = certificate.certificate_pdf(registration=registration)
    assert registration.full_name in html and registration.swe_number in html
    assert employer_a.employer.name in html and f"{PANEL_DAY.day} {PANEL_DAY:%B %Y}" in html
    assert registration.framework_version.framework.name in html
    assert pdf.startswith(b"%PDF-")


def test_endorsing_an_unsuccessful_recommendation_records_it_without_a_certificate(employer_a, year_done):
    item = recommend(employer_a, year_done, "unsuccessful")
    decide(employer_a, make_panel(employer_a), item)
    registration = reload(employer_a, Registration, year_done.pk)
    assert (
        registration.outcome == Outcome.UNSUCCESSFUL and registration.status == RegistrationStatus.COMPLETED
    )
    with tenant_context(employer_a.employer.pk):
        assert not certificate_available(registration)


def test_referring_back_needs_reasons_and_the_assessor_revises_and_resubmits_to_a_later_panel(
    employer_a, year_done
):
    item = recommend(employer_a, year_done)
    first = make_panel(employer_a)
    with pytest.raises(ValidationError) as raised:
        decide(employer_a, first, item, "refer_back", "")
    assert "reasons" in raised.value.message_dict
    decide(employer_a, first, item, "refer_back", "Say more about analysis.")
    item = reload(employer_a, FinalRecommendation, item.pk)
    assert item.status == FinalRecommendation.Status.REFERRED_BACK
    assert reload(employer_a, Registration, year_done.pk).outcome == ""
    with pytest.raises(ValidationError):
        recommend(employer_a, year_done)  # revise the one referred back, not a new one
    with tenant_context(employer_a.employer.pk):
        actor = as_(employer_a, employer_a.assessor)
        item = final_recommendation_update(
            actor=actor,
            item=item,
            version=item.version,
            recommendation="pass",
            evidence_summary="Analysis: see the 12-month review's second example.",
        )
        item = final_recommendation_submit(actor=actor, item=item, version=item.version)
        # The panel that referred it back does not see it again; a later one does.
        assert panel_cases(actor=as_(employer_a, employer_a.coordinator), panel=first) == []
    second = make_panel(employer_a)
    with tenant_context(employer_a.employer.pk):
        assert panel_cases(actor=as_(employer_a, employer_a.coordinator), panel=second) == [item]
    decide(employer_a, second, item)
    assert reload(employer_a, Registration, year_done.pk).outcome == Outcome.PASSED


def test_the_panel_decides_from_its_date_with_members_and_only_submitted_cases(employer_a, year_done):
    draft = recommend(employer_a, year_done, submit=False)
    later = make_panel(employer_a, held_on=TODAY + datetime.timedelta(days=7))
    with pytest.raises(ValidationError):
        decide(employer_a, make_panel(employer_a), draft)
    with tenant_context(employer_a.employer.pk):
        item = final_recommendation_submit(
            actor=as_(employer_a, employer_a.assessor), item=draft, version=draft.version
        )
    with pytest.raises(ValidationError):
        decide(employer_a, later, item)
    with pytest.raises(ValidationError):
        decide(employer_a, make_panel(employer_a, members=False), item)


def test_two_coordinators_deciding_at_once_leave_one_decision(employer_a, year_done):
    item = recommend(employer_a, year_done)
    panel = make_panel(employer_a)
    stale = {"panel_version": panel.version, "recommendation_version": item.version}
    decide(employer_a, panel, item, "refer_back", "First view.")
    other = make_year_done(employer_a, swe_number="SW8000009")
    second = recommend(employer_a, other)
    with pytest.raises(Conflict):
        decide(employer_a, panel, second, **{**stale, "recommendation_version": second.version})
    with tenant_context(employer_a.employer.pk):
        assert PanelDecision.objects.count() == 1


@pytest.mark.parametrize("who", ["assessor", "line_manager", "nqsw"])
def test_only_the_coordinator_runs_the_panel(employer_a, who):
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        panel_create(actor=as_(employer_a, getattr(employer_a, who)), held_on=TODAY, chair="x")


def test_the_panels_date_cannot_change_after_a_decision_and_a_closed_panel_decides_nothing(
    employer_a, year_done
):
    item = recommend(employer_a, year_done)
    panel = make_panel(employer_a)
    decide(employer_a, panel, item, "refer_back", "More on analysis.")
    panel = reload(employer_a, ModerationPanel, panel.pk)
    with tenant_context(employer_a.employer.pk):
        actor = as_(employer_a, employer_a.coordinator)
        with pytest.raises(ValidationError) as raised:
            panel_update(
                actor=actor,
                panel=panel,
                version=panel.version,
                held_on=TODAY - datetime.timedelta(days=1),
                chair=panel.chair,
                notes="",
            )
        assert "held_on" in raised.value.message_dict
        closed = panel_close(actor=actor, panel=panel, version=panel.version)
        with pytest.raises(ValidationError):
            panel_member_add(actor=actor, panel=closed, name="Late", role="Member")


def test_endorsing_a_withdrawn_registration_is_refused(employer_a, year_done):
    from programmes.services import registration_withdraw

    item = recommend(employer_a, year_done)
    panel = make_panel(employer_a)
    with tenant_context(employer_a.employer.pk):
        registration_withdraw(
            actor=as_(employer_a, employer_a.coordinator), registration=year_done, on=TODAY, reason="Left"
        )
    with pytest.raises(ValidationError):
        decide(employer_a, panel, item)
    assert reload(employer_a, Registration, year_done.pk).outcome == ""
