"""A review's workflow in the services: scheduled from the framework's review points with the timeline's
due dates; written and signed by the NQSW's assessor; commented on and signed by the NQSW and the line
manager in either order; locked; amended with a reason after signing. Every transition the rules allow,
and every one they refuse."""

# ruff: noqa: F811  (fixtures imported from review_fixtures are redefined as test arguments)

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from programmes.models import Registration
from programmes.services import registration_defer, registration_resume, registration_withdraw
from reviews.models import Review, ReviewAmendment, ReviewOutcome
from reviews.selectors import review_points
from reviews.services.access import amendable_fields
from reviews.services.amendments import review_amend
from reviews.services.practice_examples import linkable_evidence, linkable_statements, practice_example_add
from reviews.services.reviews import review_add_optional, review_update
from reviews.services.signatures import review_sign_as_assessor
from tests.programmes.conftest import TODAY
from tests.reviews.review_fixtures import (  # noqa: F401  (fixtures)
    HELD,
    START,
    as_,
    comment,
    due,
    fresh,
    lock,
    make_registration,
    other_assessor,
    other_line_manager,
    registration,
    review,
    scheduled,
    sign_as_assessor,
    write,
)

pytestmark = pytest.mark.django_db


def events(tenant, action):
    with tenant_context(tenant.employer.pk):
        return list(AuditEvent.objects.filter(action=action).order_by("id"))


def reviews_of(tenant, registration):
    with tenant_context(tenant.employer.pk):
        return list(Review.objects.filter(registration=registration).order_by("month", "extra", "id"))


# --- Scheduling ----------------------------------------------------------------------------------------


def test_reviews_are_scheduled_at_the_frameworks_review_points_with_the_timelines_due_dates(
    employer_a, registration
):
    scheduled(employer_a, registration)
    reviews = reviews_of(employer_a, registration)
    assert [(r.month, r.due_on, r.extra, r.status) for r in reviews] == [
        (3, due(3), False, "draft"),
        (6, due(6), False, "draft"),
        (12, due(12), False, "draft"),
    ]
    [event] = events(employer_a, "reviews.scheduled")
    assert event.changes["months"] == [3, 6, 12]


def test_scheduling_again_creates_nothing(employer_a, registration):
    scheduled(employer_a, registration)
    scheduled(employer_a, registration)
    assert len(reviews_of(employer_a, registration)) == 3
    assert len(events(employer_a, "reviews.scheduled")) == 1


def test_part_time_nqsws_reviews_fall_due_pro_rata(employer_a):
    part_time = make_registration(employer_a, swe_number="SW8000002", contracted_hours=Decimal("18.5"))
    scheduled(employer_a, part_time)
    # Half the hours, twice the months: the 3-, 6- and 12-month reviews at 6, 12 and 24 months.
    assert [r.due_on for r in reviews_of(employer_a, part_time)] == [due(6), due(12), due(24)]


def test_a_deferral_moves_the_due_dates_of_reviews_not_yet_signed(employer_a, registration):
    three = scheduled(employer_a, registration, 3)
    lock(employer_a, three)
    coordinator = as_(employer_a, employer_a.coordinator)
    # Thirty days' leave from six days before the 3-month review was due.
    leave_from = due(3) - datetime.timedelta(days=6)
    with tenant_context(employer_a.employer.pk):
        registration = registration_defer(
            actor=coordinator,
            registration=registration,
            started_on=leave_from,
            reason="Leave",
        )
        registration_resume(
            actor=coordinator, registration=registration, ended_on=leave_from + datetime.timedelta(days=30)
        )
        registration = Registration.objects.get(pk=registration.pk)
    scheduled(employer_a, registration)
    by_month = {r.month: r for r in reviews_of(employer_a, registration)}
    # The 3-month review was held and signed before the deferral: its date stays.
    assert by_month[3].due_on == due(3)
    assert by_month[6].due_on == due(6) + datetime.timedelta(days=30)
    assert by_month[12].due_on == due(12) + datetime.timedelta(days=30)
    moved = events(employer_a, "review.rescheduled")
    assert {e.object_id for e in moved} == {str(by_month[6].pk), str(by_month[12].pk)}


def test_the_optional_9_month_review_can_be_added_by_the_assessor_or_coordinator(employer_a, registration):
    points = review_points(registration=registration, today=TODAY)
    assert [(p.month, p.optional) for p in points] == [(3, False), (6, False), (12, False), (9, True)]
    with tenant_context(employer_a.employer.pk):
        nine = review_add_optional(
            actor=as_(employer_a, employer_a.assessor), registration=registration, month=9, today=TODAY
        )
        again = review_add_optional(
            actor=as_(employer_a, employer_a.coordinator), registration=registration, month=9, today=TODAY
        )
    assert nine.pk == again.pk and nine.due_on == due(9) and not nine.extra
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError) as raised:
        review_add_optional(
            actor=as_(employer_a, employer_a.assessor), registration=registration, month=4, today=TODAY
        )
    assert "month" in raised.value.message_dict


def test_the_nqsw_and_line_manager_cannot_add_an_optional_review(employer_a, registration):
    for user in (employer_a.nqsw, employer_a.line_manager):
        with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
            review_add_optional(actor=as_(employer_a, user), registration=registration, month=9)


# --- The assessor's report -----------------------------------------------------------------------------


def test_the_nqsws_assessor_writes_the_report_and_it_is_audited_without_the_words(employer_a, review):
    review = write(employer_a, review, outcome=ReviewOutcome.SOME_CONCERNS)
    assert review.held_on == HELD and review.outcome == "some_concerns" and review.status == "draft"
    assert review.version == 3  # the report, then the practice example
    [event] = events(employer_a, "review.updated")
    assert event.changes["outcome"] == ["", "some_concerns"]
    assert event.changes["text_changed"] == ["progress_pcf", "progress_standards"]
    assert "PCF: clear values" not in str(event.changes)


@pytest.mark.parametrize("who", ["coordinator", "line_manager", "nqsw"])
def test_nobody_but_the_assessor_writes_the_report(employer_a, review, who):
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        review_update(
            actor=as_(employer_a, getattr(employer_a, who)), review=review, version=1, progress_pcf="x"
        )


def test_another_assessor_of_the_employer_cannot_write_it(employer_a, review, other_assessor):
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        review_update(actor=as_(employer_a, other_assessor), review=review, version=1, outcome="on_track")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"held_on": TODAY + datetime.timedelta(days=1)}, "held_on"),
        ({"held_on": START - datetime.timedelta(days=1)}, "held_on"),
        ({"outcome": "brilliant"}, "outcome"),
        ({"progress_pcf": "x" * 20_001}, "progress_pcf"),
    ],
)
def test_report_rules(employer_a, review, changes, field):
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError) as raised:
        review_update(
            actor=as_(employer_a, employer_a.assessor), review=review, version=1, today=TODAY, **changes
        )
    assert field in raised.value.message_dict
    assert fresh(employer_a, review).version == 1


def test_a_stale_version_is_refused_and_nothing_is_written(employer_a, review):
    actor = as_(employer_a, employer_a.assessor)
    with tenant_context(employer_a.employer.pk):
        review_update(actor=actor, review=review, version=1, progress_pcf="First words.")
    with tenant_context(employer_a.employer.pk), pytest.raises(Conflict) as raised:
        review_update(actor=actor, review=review, version=1, progress_pcf="Second words.")
    assert "Someone else saved this review" in raised.value.message
    assert fresh(employer_a, review).progress_pcf == "First words."


def test_practice_examples_link_only_to_this_registrations_shared_evidence(employer_a, registration, review):
    from portfolios.access import portfolio_ensure
    from portfolios.models import Evidence, Observation

    other = make_registration(employer_a, swe_number="SW8000003", link=False)
    coordinator = as_(employer_a, employer_a.coordinator)
    with tenant_context(employer_a.employer.pk):
        mine = portfolio_ensure(actor=coordinator, registration=registration)
        theirs = portfolio_ensure(actor=coordinator, registration=other)

        def evidence(portfolio, status, title):
            return Evidence.objects.create(
                employer_id=portfolio.employer_id,
                portfolio=portfolio,
                title=title,
                status=status,
                created_by=employer_a.nqsw,
            )

        shared = evidence(mine, Evidence.Status.ACCEPTED, "Home visit")
        draft = evidence(mine, Evidence.Status.DRAFT, "Not shared yet")
        elsewhere = evidence(theirs, Evidence.Status.ACCEPTED, "Another NQSW's")
        observation = Observation.objects.create(
            employer_id=mine.employer_id,
            portfolio=mine,
            number=1,
            observed_on=HELD,
            setting="Home visit",
            created_by=employer_a.assessor,
        )
        statement = linkable_statements(registration)[0]
        actor = as_(employer_a, employer_a.assessor)
        example = practice_example_add(
            actor=actor,
            review=review,
            text="Listened well.",
            evidence_id=shared.pk,
            statement_id=statement.pk,
        )
        assert (example.evidence_id, example.statement_id) == (shared.pk, statement.pk)
        practice_example_add(actor=actor, review=review, text="Observed.", observation_id=observation.pk)
        for kwargs, field in (
            ({"evidence_id": draft.pk}, "evidence"),
            ({"evidence_id": elsewhere.pk}, "evidence"),
            ({"evidence_id": shared.pk, "observation_id": observation.pk}, "evidence"),
            ({"text": ""}, "text"),
        ):
            with pytest.raises(ValidationError) as raised:
                practice_example_add(actor=actor, review=review, **{"text": "x", **kwargs})
            assert field in raised.value.message_dict, kwargs
        assert [e.title for e in linkable_evidence(registration)] == ["Home visit"]


# --- Signatures ---------------------------------------------------------------------------------------


def test_the_assessor_signs_a_complete_review_and_it_waits_for_comments(employer_a, review):
    write(employer_a, review)
    review = sign_as_assessor(employer_a, review)
    assert review.status == Review.Status.AWAITING_COMMENTS
    assert review.assessor_signed_by_id == employer_a.assessor.pk and review.assessor_signed_at
    assert events(employer_a, "review.signed_by_assessor")


def test_the_assessor_cannot_sign_an_incomplete_review(employer_a, review):
    with pytest.raises(ValidationError) as raised:
        sign_as_assessor(employer_a, review)
    assert set(raised.value.message_dict) == {
        "held_on",
        "progress_pcf",
        "progress_standards",
        "outcome",
        "practice_examples",
    }
    write(employer_a, review, example=False)
    with pytest.raises(ValidationError) as raised:
        sign_as_assessor(employer_a, review)
    assert set(raised.value.message_dict) == {"practice_examples"}
    assert fresh(employer_a, review).status == "draft"


@pytest.mark.parametrize("who", ["coordinator", "line_manager", "nqsw"])
def test_only_the_assessor_signs_as_assessor(employer_a, review, who):
    write(employer_a, review)
    review = fresh(employer_a, review)
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        review_sign_as_assessor(
            actor=as_(employer_a, getattr(employer_a, who)), review=review, version=review.version
        )


@pytest.mark.parametrize("who", ["nqsw", "line_manager"])
def test_the_nqsw_and_line_manager_cannot_comment_or_sign_before_the_assessor(employer_a, review, who):
    write(employer_a, review)
    with pytest.raises(ValidationError):
        comment(employer_a, getattr(employer_a, who), review)
    assert fresh(employer_a, review).nqsw_signed_at is None


def test_the_assessor_cannot_edit_after_signing_without_an_amendment(employer_a, review):
    write(employer_a, review)
    review = sign_as_assessor(employer_a, review)
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError):
        review_update(
            actor=as_(employer_a, employer_a.assessor),
            review=review,
            version=review.version,
            outcome="not_on_track",
        )
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError):
        practice_example_add(actor=as_(employer_a, employer_a.assessor), review=review, text="Late")
    assert fresh(employer_a, review).outcome == "on_track"


@pytest.mark.parametrize("order", [("nqsw", "line_manager"), ("line_manager", "nqsw")])
def test_nqsw_and_line_manager_sign_in_either_order_and_the_third_signature_locks_it(
    employer_a, review, order
):
    write(employer_a, review)
    sign_as_assessor(employer_a, review)
    first = comment(employer_a, getattr(employer_a, order[0]), review, "First comments")
    assert first.status == Review.Status.AWAITING_COMMENTS and first.locked_at is None
    last = comment(employer_a, getattr(employer_a, order[1]), review, "Last comments")
    assert last.status == Review.Status.LOCKED and last.locked_at is not None
    assert last.nqsw_signed_by_id == employer_a.nqsw.pk
    assert last.line_manager_signed_by_id == employer_a.line_manager.pk
    assert {last.nqsw_comments, last.line_manager_comments} == {"First comments", "Last comments"}
    assert len(events(employer_a, "review.locked")) == 1


def test_comments_can_be_saved_before_signing(employer_a, review):
    write(employer_a, review)
    sign_as_assessor(employer_a, review)
    saved = comment(employer_a, employer_a.nqsw, review, "Draft thoughts", sign=False)
    assert saved.nqsw_comments == "Draft thoughts" and saved.nqsw_signed_at is None
    signed = comment(employer_a, employer_a.nqsw, review, "Final thoughts")
    assert signed.nqsw_comments == "Final thoughts" and signed.nqsw_signed_at


def test_after_signing_a_person_cannot_comment_again_without_an_amendment(employer_a, review):
    write(employer_a, review)
    sign_as_assessor(employer_a, review)
    comment(employer_a, employer_a.nqsw, review)
    with pytest.raises(ValidationError):
        comment(employer_a, employer_a.nqsw, review, "Changed my mind")


def test_the_line_manager_of_another_nqsw_cannot_comment(employer_a, review, other_line_manager):
    write(employer_a, review)
    sign_as_assessor(employer_a, review)
    with pytest.raises(PermissionDenied):
        comment(employer_a, other_line_manager, review)


def test_the_coordinator_and_assessor_cannot_sign_as_nqsw_or_line_manager(employer_a, review):
    write(employer_a, review)
    sign_as_assessor(employer_a, review)
    for user in (employer_a.coordinator, employer_a.assessor):
        with pytest.raises(PermissionDenied):
            comment(employer_a, user, review)


def test_signatures_need_a_person_not_an_api_token(employer_a, review):
    import dataclasses

    write(employer_a, review)
    token_actor = dataclasses.replace(as_(employer_a, employer_a.assessor), api_token_id=1)
    review = fresh(employer_a, review)
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        review_sign_as_assessor(actor=token_actor, review=review, version=review.version)


def test_nothing_is_written_or_signed_for_a_withdrawn_registration(employer_a, registration, review):
    write(employer_a, review)
    with tenant_context(employer_a.employer.pk):
        registration_withdraw(
            actor=as_(employer_a, employer_a.coordinator), registration=registration, on=TODAY, reason="Left"
        )
    with pytest.raises(ValidationError):
        sign_as_assessor(employer_a, review)
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError):
        review_update(
            actor=as_(employer_a, employer_a.assessor),
            review=fresh(employer_a, review),
            version=3,
            outcome="",
        )


def test_another_employers_actor_is_refused(employer_a, employer_b, review):
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        review_update(actor=as_(employer_b, employer_b.assessor), review=review, version=1, outcome="")


# --- Amendments ---------------------------------------------------------------------------------------


def test_an_amendment_keeps_the_old_and_new_values_and_the_reason(employer_a, review):
    review = lock(employer_a, review)
    with tenant_context(employer_a.employer.pk):
        review = review_amend(
            actor=as_(employer_a, employer_a.assessor),
            review=review,
            version=review.version,
            reason="Typo in the date",
            today=TODAY,
            held_on=HELD - datetime.timedelta(days=1),
            progress_pcf=review.progress_pcf,
            progress_standards=review.progress_standards,
            outcome=ReviewOutcome.SOME_CONCERNS,
        )
        amendments = list(ReviewAmendment.objects.filter(review=review).order_by("field"))
    assert review.status == Review.Status.LOCKED and review.outcome == "some_concerns"
    assert [(a.field, a.old_value, a.new_value, a.reason) for a in amendments] == [
        ("held_on", HELD.isoformat(), (HELD - datetime.timedelta(days=1)).isoformat(), "Typo in the date"),
        ("outcome", "on_track", "some_concerns", "Typo in the date"),
    ]
    assert amendments[0].amended_by_id == employer_a.assessor.pk
    [event] = events(employer_a, "review.amended")
    assert event.changes["reason"] == "Typo in the date" and event.changes["outcome"] == [
        "on_track",
        "some_concerns",
    ]


def test_an_amendment_needs_a_reason_and_a_change(employer_a, review):
    review = lock(employer_a, review)
    with tenant_context(employer_a.employer.pk):
        actor = as_(employer_a, employer_a.nqsw)
        with pytest.raises(ValidationError) as raised:
            review_amend(actor=actor, review=review, version=review.version, reason=" ", nqsw_comments="New")
        assert "reason" in raised.value.message_dict
        with pytest.raises(ValidationError):
            review_amend(
                actor=actor,
                review=review,
                version=review.version,
                reason="No change",
                nqsw_comments="Agreed.",
            )
        assert not ReviewAmendment.objects.exists()


def test_each_person_amends_only_their_own_part_once_they_have_signed(employer_a, review):
    write(employer_a, review)
    sign_as_assessor(employer_a, review)
    review = fresh(employer_a, review)
    with tenant_context(employer_a.employer.pk):
        # The NQSW has not signed yet: nothing of theirs to amend.
        with pytest.raises(PermissionDenied):
            review_amend(
                actor=as_(employer_a, employer_a.nqsw),
                review=review,
                version=review.version,
                reason="x",
                nqsw_comments="y",
            )
        # The line manager cannot amend the assessor's outcome; the co-ordinator amends nothing.
        with pytest.raises(PermissionDenied):
            review_amend(
                actor=as_(employer_a, employer_a.coordinator),
                review=review,
                version=review.version,
                reason="x",
                outcome="not_on_track",
            )
    comment(employer_a, employer_a.line_manager, review)
    review = fresh(employer_a, review)
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        review_amend(
            actor=as_(employer_a, employer_a.line_manager),
            review=review,
            version=review.version,
            reason="x",
            outcome="not_on_track",
        )
    with tenant_context(employer_a.employer.pk):
        amended = review_amend(
            actor=as_(employer_a, employer_a.line_manager),
            review=review,
            version=review.version,
            reason="Added workload detail",
            line_manager_comments="Agreed. Caseload reduced in October.",
        )
    assert amended.line_manager_comments == "Agreed. Caseload reduced in October."


def test_a_stale_amendment_is_refused(employer_a, review):
    review = lock(employer_a, review)
    stale = review.version
    with tenant_context(employer_a.employer.pk):
        review_amend(
            actor=as_(employer_a, employer_a.nqsw),
            review=review,
            version=stale,
            reason="r",
            nqsw_comments="One",
        )
        with pytest.raises(Conflict):
            review_amend(
                actor=as_(employer_a, employer_a.line_manager),
                review=fresh(employer_a, review),
                version=stale,
                reason="r",
                line_manager_comments="Two",
            )
        assert ReviewAmendment.objects.count() == 1


def test_a_new_line_manager_cannot_amend_what_their_predecessor_signed(
    employer_a, review, other_line_manager
):
    review = lock(employer_a, review)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=review.registration_id).update(line_manager=other_line_manager)
        review = Review.objects.select_related("registration").get(pk=review.pk)
        assert amendable_fields(actor=as_(employer_a, other_line_manager), review=review) == ()
        with pytest.raises(PermissionDenied):
            review_amend(
                actor=as_(employer_a, other_line_manager),
                review=review,
                version=review.version,
                reason="Not mine to change",
                line_manager_comments="Rewritten",
            )
