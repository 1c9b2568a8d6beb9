"""A "not on track" review starts a support plan with an extra review when the assessor signs, in the same
transaction; the co-ordinators are emailed once it commits (once) and see it at once; actions with owners
and dates; closing with a note."""

# ruff: noqa: F811  (fixtures imported from review_fixtures are redefined as test arguments)

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from reviews.models import Review, ReviewOutcome, SupportPlan, SupportPlanAction
from reviews.selectors import coordinator_alerts, support_plan_registration_ids
from reviews.services import signatures
from reviews.services.amendments import review_amend
from reviews.services.support_plans import (
    support_plan_action_add,
    support_plan_action_done,
    support_plan_close,
    support_plan_update,
)
from reviews.tasks import support_plan_notify
from tests.factories import person
from tests.programmes.conftest import TODAY
from tests.reviews.review_fixtures import (  # noqa: F401  (fixtures)
    as_,
    fresh,
    lock,
    registration,
    review,
    sign_as_assessor,
    write,
)

pytestmark = pytest.mark.django_db


def plan_of(tenant, review):
    with tenant_context(tenant.employer.pk):
        return SupportPlan.objects.select_related("registration", "extra_review").get(review=review)


@pytest.fixture
def plan(employer_a, review, django_capture_on_commit_callbacks):
    write(employer_a, review, outcome=ReviewOutcome.NOT_ON_TRACK)
    with django_capture_on_commit_callbacks(execute=True):
        sign_as_assessor(employer_a, review)
    return plan_of(employer_a, review)


def test_a_not_on_track_review_starts_a_support_plan_with_an_extra_review_when_signed(
    employer_a, review, plan
):
    extra = plan.extra_review
    assert plan.status == SupportPlan.Status.OPEN and plan.registration_id == review.registration_id
    assert extra.extra and extra.month == 3 and extra.status == Review.Status.DRAFT
    assert extra.due_on == TODAY + datetime.timedelta(weeks=6)
    with tenant_context(employer_a.employer.pk):
        assert AuditEvent.objects.filter(action="support_plan.started", object_id=str(plan.pk)).exists()


def test_the_coordinators_are_emailed_once_the_plan_commits_and_only_once(employer_a, plan):
    second = person(
        role="coordinator", employer=employer_a.employer, email="second.coordinator@alpha.example"
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {employer_a.coordinator.email}
    assert "support plan has started" in message.subject.lower()
    assert f"/reviews/support-plans/{plan.pk}/" in message.body
    # No review content in the email.
    assert "PCF: clear values" not in message.body
    # A repeated task (a retry, a duplicate delivery) sends nothing more, even to a new co-ordinator.
    assert support_plan_notify(employer_a.employer.pk, plan.pk) == 0
    assert len(mail.outbox) == 1 and second.email not in mail.outbox[0].to


def test_no_plan_no_email_for_other_outcomes(employer_a, review, django_capture_on_commit_callbacks):
    write(employer_a, review, outcome=ReviewOutcome.SOME_CONCERNS)
    with django_capture_on_commit_callbacks(execute=True):
        sign_as_assessor(employer_a, review)
    with tenant_context(employer_a.employer.pk):
        assert not SupportPlan.objects.exists()
        assert Review.objects.filter(extra=True).count() == 0
    assert mail.outbox == []


def test_the_plan_is_part_of_the_signing_transaction(employer_a, review, monkeypatch):
    """If starting the plan fails, the signature does not stand either."""
    write(employer_a, review, outcome=ReviewOutcome.NOT_ON_TRACK)

    def broken(**kwargs):
        raise RuntimeError("no plan")

    monkeypatch.setattr(signatures, "support_plan_start", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        sign_as_assessor(employer_a, review)
    assert fresh(employer_a, review).assessor_signed_at is None


def test_an_outcome_amended_to_not_on_track_starts_a_plan(employer_a, review):
    review = lock(employer_a, review)
    with tenant_context(employer_a.employer.pk):
        review_amend(
            actor=as_(employer_a, employer_a.assessor),
            review=review,
            version=review.version,
            reason="Rethought",
            today=TODAY,
            held_on=review.held_on,
            progress_pcf=review.progress_pcf,
            progress_standards=review.progress_standards,
            outcome=ReviewOutcome.NOT_ON_TRACK,
        )
    assert plan_of(employer_a, review).extra_review.extra


def test_the_coordinator_sees_the_plan_at_once(employer_a, review, plan):
    coordinator = as_(employer_a, employer_a.coordinator)
    with tenant_context(employer_a.employer.pk):
        alerts = coordinator_alerts(actor=coordinator, today=TODAY)
        assert [p.pk for p in alerts.support_plans] == [plan.pk]
        assert support_plan_registration_ids(actor=coordinator) == {review.registration_id}
        # Nobody else gets the co-ordinator's alerts.
        assert coordinator_alerts(actor=as_(employer_a, employer_a.assessor)) is None


def test_the_coordinator_or_assessor_sets_the_concerns_and_the_extra_reviews_date(employer_a, plan):
    due = TODAY + datetime.timedelta(weeks=8)
    stale = plan.version
    with tenant_context(employer_a.employer.pk):
        updated = support_plan_update(
            actor=as_(employer_a, employer_a.coordinator),
            plan=plan,
            version=stale,
            concerns="PCF 6: analysis.",
            extra_review_due_on=due,
            today=TODAY,
        )
        assert (
            updated.concerns == "PCF 6: analysis."
            and Review.objects.get(pk=plan.extra_review_id).due_on == due
        )
        with pytest.raises(Conflict):
            support_plan_update(
                actor=as_(employer_a, employer_a.assessor),
                plan=updated,
                version=stale,
                concerns="Other words.",
                extra_review_due_on=due,
                today=TODAY,
            )
        with pytest.raises(ValidationError) as raised:
            support_plan_update(
                actor=as_(employer_a, employer_a.assessor),
                plan=updated,
                version=updated.version,
                concerns="",
                extra_review_due_on=TODAY - datetime.timedelta(days=1),
                today=TODAY,
            )
        assert set(raised.value.message_dict) == {"concerns", "extra_review_due_on"}
        for user in (employer_a.line_manager, employer_a.nqsw):
            with pytest.raises(PermissionDenied):
                support_plan_update(
                    actor=as_(employer_a, user),
                    plan=updated,
                    version=updated.version,
                    concerns="x",
                    extra_review_due_on=due,
                    today=TODAY,
                )


def test_actions_have_an_owner_and_a_date_and_are_marked_done(employer_a, plan):
    with tenant_context(employer_a.employer.pk):
        manager = as_(employer_a, employer_a.line_manager)
        item = support_plan_action_add(
            actor=manager,
            plan=plan,
            action="Reduce caseload",
            owner_id=employer_a.line_manager.pk,
            due_on=TODAY + datetime.timedelta(days=14),
            today=TODAY,
        )
        named = support_plan_action_add(
            actor=as_(employer_a, employer_a.assessor),
            plan=plan,
            action="Shadowing",
            owner_id=None,
            owner_name="Amira Khan, senior practitioner",
            due_on=TODAY,
            today=TODAY,
        )
        assert named.owner_id is None and named.owner_name.startswith("Amira")
        for kwargs, field in (
            ({"action": ""}, "action"),
            ({"owner_id": employer_a.coordinator.pk + 10_000}, "owner"),
            ({"owner_id": None, "owner_name": ""}, "owner_name"),
            ({"due_on": TODAY - datetime.timedelta(days=1)}, "due_on"),
            ({"due_on": None}, "due_on"),
        ):
            values = {"action": "x", "owner_id": employer_a.nqsw.pk, "due_on": TODAY, **kwargs}
            with pytest.raises(ValidationError) as raised:
                support_plan_action_add(actor=manager, plan=plan, today=TODAY, **values)
            assert field in raised.value.message_dict, kwargs
        with pytest.raises(PermissionDenied):
            support_plan_action_add(
                actor=as_(employer_a, employer_a.nqsw),
                plan=plan,
                action="x",
                owner_id=None,
                owner_name="Me",
                due_on=TODAY,
                today=TODAY,
            )
        done = support_plan_action_done(
            actor=manager, item=item, done_on=plan.created_at.date(), today=plan.created_at.date()
        )
        assert done.done_on == plan.created_at.date()
        with pytest.raises(ValidationError):
            support_plan_action_done(actor=manager, item=named, done_on=TODAY + datetime.timedelta(days=1))
        assert SupportPlanAction.objects.filter(done_on__isnull=False).count() == 1


def test_closing_the_plan_needs_a_note_and_then_nothing_changes(employer_a, plan):
    with tenant_context(employer_a.employer.pk):
        actor = as_(employer_a, employer_a.assessor)
        with pytest.raises(ValidationError):
            support_plan_close(actor=actor, plan=plan, version=plan.version, note=" ")
        closed = support_plan_close(
            actor=actor, plan=plan, version=plan.version, note="Back on track at the extra review."
        )
        assert closed.status == SupportPlan.Status.CLOSED and closed.closed_at
        with pytest.raises(ValidationError):
            support_plan_action_add(
                actor=actor, plan=closed, action="x", owner_id=None, owner_name="Someone", due_on=TODAY
            )
        assert support_plan_registration_ids(actor=as_(employer_a, employer_a.coordinator)) == set()


def test_the_dashboard_includes_show_the_plan_with_a_red_tag(employer_a, review, plan):
    """What the co-ordinator's home and registrations dashboard include (reviews/_coordinator_alerts.html
    and reviews/_support_plan_tag.html)."""
    from django.template.loader import render_to_string

    coordinator = as_(employer_a, employer_a.coordinator)
    with tenant_context(employer_a.employer.pk):
        alerts = coordinator_alerts(actor=coordinator, today=TODAY)
        html = render_to_string("reviews/_coordinator_alerts.html", {"review_alerts": alerts})
        ids = support_plan_registration_ids(actor=coordinator)
        registration = plan.registration
    assert f"/reviews/support-plans/{plan.pk}/" in html and "govuk-tag--red" in html
    assert registration.full_name in html
    tag = render_to_string(
        "reviews/_support_plan_tag.html", {"registration": registration, "support_plan_ids": ids}
    )
    assert "Support plan" in tag
    assert render_to_string("reviews/_coordinator_alerts.html", {"review_alerts": None}).strip() == ""
