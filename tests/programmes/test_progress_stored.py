"""The progress kept on each registration (next due, the flags, the day worked out) changes in the same
transaction as the record that changes it: one test per kind of record, each rolling its transaction back
to show the stored state goes with it. The registration's ``version`` is never bumped by it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db import transaction

from asye.tenancy.db import tenant_context
from portfolios import agreements
from programmes import services, support_services
from programmes.endings import registration_end
from programmes.models import Registration, RegistrationStatus
from programmes.progress_store import STORED_FIELDS
from reviews.models import FinalRecommendation, ModerationPanel
from reviews.services.panels import panel_create, panel_decide, panel_member_add
from reviews.services.recommendations import final_recommendation_create, final_recommendation_submit
from tests.programmes.conftest import actor_for
from tests.programmes.progress_helpers import (
    agreement_drafted,
    agreement_sign,
    lock_review,
    observation_complete,
    observation_ready,
    review_soon,
    sign_agreement,
)
from tests.reviews.review_fixtures import comment, make_registration, scheduled, sign_as_assessor, write
from tests.today import TODAY, days_ago, days_ahead

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def stored(tenant, registration) -> dict:
    with tenant_context(tenant.employer.pk):
        row = Registration.objects.get(pk=registration.pk)
        return {name: getattr(row, name) for name in (*STORED_FIELDS, "version")}


def changes_in_one_transaction(tenant, registration, change) -> tuple[dict, dict]:
    """Run ``change`` in a transaction, read the stored progress inside it, roll it back and check the
    stored progress went back with it. Returns (before, inside)."""
    before = stored(tenant, registration)
    with tenant_context(tenant.employer.pk):
        with pytest.raises(Rollback), transaction.atomic():
            change()
            inside = stored(tenant, registration)
            raise Rollback
    assert stored(tenant, registration) == before
    return before, inside


def coordinator(tenant):
    return actor_for(tenant.coordinator, tenant.employer)


@pytest.fixture
def soon(employer_a):
    return review_soon(employer_a)


def test_locking_a_review(employer_a, soon):
    review = scheduled(employer_a, soon, 3)
    write(employer_a, review)
    sign_as_assessor(employer_a, review)
    comment(employer_a, employer_a.nqsw, review)
    before, inside = changes_in_one_transaction(
        employer_a, soon, lambda: comment(employer_a, employer_a.line_manager, review)
    )
    assert before["flag_review_due"] and not inside["flag_review_due"]
    assert inside["version"] == before["version"]


def test_completing_an_observation(employer_a, soon):
    sign_agreement(employer_a, soon)
    lock_review(employer_a, soon, 3)
    observation = observation_ready(employer_a, soon)
    before, inside = changes_in_one_transaction(
        employer_a, soon, lambda: observation_complete(employer_a, observation)
    )
    assert before["next_due_label"] == "Direct observation 1"
    assert inside["next_due_label"] == "Direct observation 2"


def test_signing_the_agreement(employer_a, soon):
    agreement = agreement_drafted(employer_a, soon)
    signed = agreements.SIGNED_AS
    agreement_sign(employer_a, employer_a.nqsw, agreement, signed.NQSW)
    agreement_sign(employer_a, employer_a.assessor, agreement, signed.ASSESSOR)
    before, inside = changes_in_one_transaction(
        employer_a,
        soon,
        lambda: agreement_sign(employer_a, employer_a.line_manager, agreement, signed.LINE_MANAGER),
    )
    assert before["next_due_label"] == "Learning agreement signed" and before["flag_work_overdue"]
    assert inside["next_due_label"] != "Learning agreement signed"


def test_recording_supervision_protected_time_and_caseload(employer_a, register):
    registration = register(employer_a)  # eleven weeks in, nothing recorded
    before = stored(employer_a, registration)
    assert before["flag_supervision_overdue"] and before["flag_protected_time"]

    def supervision_every_week():
        for week in range(12):
            held_on = registration.start_date + datetime.timedelta(weeks=week)
            if held_on <= TODAY:
                support_services.supervision_record(
                    actor=coordinator(employer_a),
                    registration=registration,
                    held_on=held_on,
                    duration_minutes=60,
                    reflective=True,
                )

    _, inside = changes_in_one_transaction(employer_a, registration, supervision_every_week)
    assert not inside["flag_supervision_overdue"]

    def protected_time():
        for _ in range(4):
            support_services.protected_time_log(
                actor=coordinator(employer_a),
                registration=registration,
                taken_on=days_ago(1),
                hours="10",
                activity="Reading",
            )

    _, inside = changes_in_one_transaction(employer_a, registration, protected_time)
    assert not inside["flag_protected_time"]

    _, inside = changes_in_one_transaction(
        employer_a,
        registration,
        lambda: support_services.caseload_record(
            actor=coordinator(employer_a),
            registration=registration,
            recorded_on=days_ago(1),
            caseload=19,
            team_average=Decimal("20"),
        ),
    )
    assert inside["flag_caseload"] and not before["flag_caseload"]


def test_deferring_and_resuming(employer_a, register):
    registration = register(employer_a)
    before, inside = changes_in_one_transaction(
        employer_a,
        registration,
        lambda: services.registration_defer(
            actor=coordinator(employer_a), registration=registration, started_on=days_ago(3), reason="Ill"
        ),
    )
    assert before["flag_supervision_overdue"] and not inside["flag_supervision_overdue"]
    with tenant_context(employer_a.employer.pk):
        services.registration_defer(
            actor=coordinator(employer_a),
            registration=Registration.objects.get(pk=registration.pk),
            started_on=days_ago(3),
            reason="Ill",
        )
    deferred = stored(employer_a, registration)
    _, inside = changes_in_one_transaction(
        employer_a,
        registration,
        lambda: services.registration_resume(
            actor=coordinator(employer_a),
            registration=Registration.objects.get(pk=registration.pk),
            ended_on=TODAY,
        ),
    )
    assert not deferred["flag_supervision_overdue"] and inside["flag_supervision_overdue"]


def test_extending_moves_the_next_due_date_of_the_final_items(employer_a):
    # Near the end: everything but the final review, the end and the panel is in the past.
    start = TODAY + datetime.timedelta(days=40) - relativedelta(months=12)
    registration = make_registration(employer_a, swe_number="SW8100003", start_date=start)
    with tenant_context(employer_a.employer.pk):
        version = registration.framework_version
        version.review_months, version.optional_review_months = [12], []
        version.direct_observations, version.requires_signed_agreement = 0, False
        version.save()
        from programmes.progress_store import progress_refresh

        progress_refresh(registration=registration)
    before, inside = changes_in_one_transaction(
        employer_a,
        registration,
        lambda: services.registration_extend(
            actor=coordinator(employer_a),
            registration=Registration.objects.get(pk=registration.pk),
            days=30,
            reason="Illness",
        ),
    )
    assert inside["next_due_on"] == before["next_due_on"] + datetime.timedelta(days=30)


def test_withdrawing_and_transferring(employer_a, register):
    registration = register(employer_a)
    before, inside = changes_in_one_transaction(
        employer_a,
        registration,
        lambda: services.registration_withdraw(
            actor=coordinator(employer_a), registration=registration, on=TODAY, reason="Left"
        ),
    )
    assert before["next_due_on"] is not None and inside["next_due_on"] is None
    assert before["flag_supervision_overdue"] and not inside["flag_supervision_overdue"]
    _, inside = changes_in_one_transaction(
        employer_a,
        registration,
        lambda: registration_end(
            actor=coordinator(employer_a),
            registration=registration,
            status=RegistrationStatus.TRANSFERRED,
            on=TODAY,
            reason="Transferred",
        ),
    )
    assert inside["next_due_on"] is None and not inside["flag_protected_time"]
    # Scheduled for a later day: nothing after that day is needed, so the 3-month review is not due.
    _, inside = changes_in_one_transaction(
        employer_a,
        registration,
        lambda: services.registration_withdraw(
            actor=coordinator(employer_a), registration=registration, on=days_ahead(2), reason="Left"
        ),
    )
    assert before["flag_review_due"] and not inside["flag_review_due"]
    assert inside["next_due_on"] <= days_ahead(2)


def test_correcting_the_hours(employer_a, register):
    registration = register(employer_a)  # eleven weeks in: 40.7 hours due full-time, 20.35 on 18.5 hours
    with tenant_context(employer_a.employer.pk):
        for hours in ("10", "10"):
            support_services.protected_time_log(
                actor=coordinator(employer_a),
                registration=registration,
                taken_on=days_ago(1),
                hours=hours,
                activity="Reading",
            )
        registration = Registration.objects.get(pk=registration.pk)
    before, inside = changes_in_one_transaction(
        employer_a,
        registration,
        lambda: services.registration_update(
            actor=coordinator(employer_a), registration=registration, contracted_hours=Decimal("18.5")
        ),
    )
    # Part-time: the target is pro rata, so 20 hours are now enough.
    assert before["flag_protected_time"] and not inside["flag_protected_time"]


def test_the_recommendation_and_the_panel(employer_a):
    start = TODAY + datetime.timedelta(days=7) - relativedelta(months=12)
    registration = make_registration(employer_a, swe_number="SW8100004", start_date=start)
    with tenant_context(employer_a.employer.pk):
        version = registration.framework_version
        version.review_months, version.optional_review_months = [12], []
        version.direct_observations, version.requires_signed_agreement = 0, False
        version.save()
    lock_review(employer_a, registration, 12)
    assessor = actor_for(employer_a.assessor, employer_a.employer)
    with tenant_context(employer_a.employer.pk):
        item = final_recommendation_create(
            actor=assessor, registration=registration, recommendation="pass", evidence_summary="All done."
        )
    # As if never worked out: submitting works it out, in its transaction.
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(progress_on=None, next_due_label="")
    before, inside = changes_in_one_transaction(
        employer_a,
        registration,
        lambda: final_recommendation_submit(actor=assessor, item=item, version=item.version),
    )
    assert before["progress_on"] is None and inside["progress_on"] == TODAY
    assert inside["next_due_label"] == "End of programme"
    with tenant_context(employer_a.employer.pk):
        item = FinalRecommendation.objects.get(pk=item.pk)
        item = final_recommendation_submit(actor=assessor, item=item, version=item.version)
        panel = panel_create(actor=coordinator(employer_a), held_on=TODAY, chair="Dr Helen Adeyemi")
        panel_member_add(
            actor=coordinator(employer_a), panel=panel, name="Mark Little", role="Practice educator"
        )
    submitted = stored(employer_a, registration)
    assert submitted["next_due_on"] is not None

    def decide():
        panel_decide(
            actor=coordinator(employer_a),
            panel=ModerationPanel.objects.get(pk=panel.pk),
            item=FinalRecommendation.objects.select_related("registration").get(pk=item.pk),
            decision="endorse",
            reasons="",
            panel_version=ModerationPanel.objects.get(pk=panel.pk).version,
            recommendation_version=FinalRecommendation.objects.get(pk=item.pk).version,
            today=TODAY,
        )

    _, inside = changes_in_one_transaction(employer_a, registration, decide)
    assert inside["next_due_on"] is None and inside["next_due_kind"] == ""
