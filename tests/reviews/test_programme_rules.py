"""Programme rules you can trust (issue 11, items 1 and 2): review windows and the order reviews lock in,
as framework data; the minimum record a final recommendation needs; a panel that decides only what was
submitted, on the day it records the decision, which dates the outcome, the certificate and the completion
claim. Each finding of the issue is reproduced first (``test_finding_*``)."""

# ruff: noqa: F811  (fixtures imported from review_fixtures are redefined as test arguments)

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from asye.tenancy.db import system_national_context, tenant_context
from funding.models import Claim, Instalment
from funding.rules import claim_year_for
from programmes.models import Deferral, FrameworkVersion, Outcome, Registration, RegistrationStatus
from programmes.selectors import registration_timeline
from programmes.services import registration_funding_decide
from reviews import certificate
from reviews.models import FinalRecommendation, Review
from reviews.rules import long_date, review_opens_on, review_windows
from reviews.selectors import certificate_available, panel_cases
from reviews.services.recommendations import final_recommendation_submit
from tests.funding.helpers import national_actor
from tests.reviews.review_fixtures import (  # noqa: F401  (fixtures)
    HELD,
    YEAR_DONE_START,
    as_,
    comment,
    due,
    fresh,
    lock,
    lock_through,
    make_registration,
    make_year_done,
    record_minimum,
    registration,
    scheduled,
    sign_as_assessor,
    write,
    year_done,
)
from tests.reviews.test_final_outcome import decide, make_panel, recommend
from tests.today import TODAY, days_ago, funding_year_label

pytestmark = pytest.mark.django_db

FOUR_WEEKS = datetime.timedelta(weeks=4)


def registration_now(tenant, registration) -> Registration:
    with tenant_context(tenant.employer.pk):
        return Registration.objects.get(pk=registration.pk)


def completion_claims(registration) -> list[Claim]:
    with system_national_context():
        return list(Claim.objects.filter(registration_id=registration.pk, instalment=Instalment.COMPLETION))


# --- The findings, reproduced ---------------------------------------------------------------------------


def test_finding_a_pass_three_months_into_a_twelve_month_programme(employer_a, national_staff):
    """Started 87 days ago (7 September, seen on 3 December); the 12-month review, due next September, was
    written, signed by all three and locked, the 6-month review never written; the recommendation and the
    panel's endorsement went through: "Passed", a certificate and a claimable completion payment."""
    start = days_ago(87)
    early = make_registration(employer_a, swe_number="SW8200001", start_date=start)
    registration_funding_decide(actor=national_actor(national_staff), registration_id=early.pk, approve=True)
    twelve = scheduled(employer_a, early, 12)
    opens = due(12, start) - FOUR_WEEKS
    assert review_opens_on(early, 12) == opens

    with pytest.raises(ValidationError) as held:
        write(employer_a, twelve, held_on=TODAY)
    assert held.value.message_dict["held_on"] == [
        f"The date the review was held must be on or after {long_date(opens)}, when the review opens"
    ]
    write(employer_a, twelve, held_on=None)  # the report may be drafted
    with pytest.raises(ValidationError) as signing:
        sign_as_assessor(employer_a, twelve)
    assert signing.value.messages[0].startswith(f"This review opens on {long_date(opens)}")
    assert fresh(employer_a, twelve).status == Review.Status.DRAFT

    with pytest.raises(ValidationError):
        recommend(employer_a, early)
    with tenant_context(employer_a.employer.pk):
        assert not FinalRecommendation.objects.filter(registration=early).exists()
    now = registration_now(employer_a, early)
    assert (now.status, now.outcome, now.outcome_date) == (RegistrationStatus.ACTIVE, "", None)
    assert not certificate_available(now)
    assert completion_claims(early) == []


def test_finding_a_decision_dated_before_the_recommendation_existed(employer_a, year_done):
    """A panel held (in the past) before the recommendation was submitted recorded its endorsement, and the
    outcome and certificate took the panel's date, before the recommendation existed."""
    panel = make_panel(employer_a, held_on=days_ago(10))
    item = recommend(employer_a, year_done)  # submitted today
    with tenant_context(employer_a.employer.pk):
        assert panel_cases(actor=as_(employer_a, employer_a.coordinator), panel=panel) == []
    with pytest.raises(ValidationError) as raised:
        decide(employer_a, panel, item)
    assert raised.value.messages == [
        f"This panel met on {long_date(days_ago(10))}, before the recommendation was submitted on "
        f"{long_date(TODAY)}: record the decision at a panel held on or after that day."
    ]
    now = registration_now(employer_a, year_done)
    assert (now.status, now.outcome, now.outcome_date) == (RegistrationStatus.ACTIVE, "", None)


# --- Review windows -------------------------------------------------------------------------------------


def test_each_review_point_opens_four_weeks_before_it_is_due(employer_a, registration):
    windows = review_windows(registration)
    assert {month: (w.due, w.opens) for month, w in windows.items()} == {
        month: (due(month), due(month) - FOUR_WEEKS) for month in (3, 6, 9, 12)
    }
    assert [month for month, w in windows.items() if w.final] == [12]


def test_a_review_cannot_be_held_or_signed_before_it_opens(employer_a, registration):
    six = scheduled(employer_a, registration, 6)
    opens = due(6) - FOUR_WEEKS
    with pytest.raises(ValidationError) as raised:
        write(employer_a, six, held_on=HELD)
    assert long_date(opens) in raised.value.message_dict["held_on"][0]
    write(employer_a, six, held_on=None)
    with pytest.raises(ValidationError) as raised:
        sign_as_assessor(employer_a, six)
    assert raised.value.messages == [
        f"This review opens on {long_date(opens)}, 4 weeks before it is due on {long_date(due(6))}. "
        "It cannot be signed before then."
    ]


def test_the_window_is_framework_data(employer_a, registration):
    """Twenty weeks instead of four: the 6-month review (due in about fifteen weeks) is open."""
    FrameworkVersion.objects.filter(pk=registration.framework_version_id).update(review_window_weeks=20)
    lock_through(employer_a, registration, 3)
    six = write(employer_a, scheduled(employer_a, registration, 6), held_on=HELD)
    assert sign_as_assessor(employer_a, six).status == Review.Status.AWAITING_COMMENTS
    assert review_opens_on(registration, 6) == due(6) - datetime.timedelta(weeks=20)


@pytest.mark.parametrize("moved_by", ["extension", "part_time", "deferral"])
def test_the_final_review_opens_at_the_end_of_the_programme_wherever_the_end_moves(employer_a, moved_by):
    """Started thirteen months ago, the full-time year ended a month ago; an extension, part-time hours or
    a deferral moves the end, and the final review's window with it."""
    overrides = {"contracted_hours": Decimal("18.5")} if moved_by == "part_time" else {}
    moved = make_registration(employer_a, swe_number="SW8200002", start_date=YEAR_DONE_START, **overrides)
    with tenant_context(employer_a.employer.pk):
        if moved_by == "extension":
            Registration.objects.filter(pk=moved.pk).update(extension_days=90)
        if moved_by == "deferral":
            Deferral.objects.create(
                employer_id=employer_a.employer.pk,
                registration=moved,
                started_on=YEAR_DONE_START + datetime.timedelta(days=100),
                ended_on=YEAR_DONE_START + datetime.timedelta(days=190),
                reason="Sick leave",
                created_by=employer_a.coordinator,
            )
        moved = Registration.objects.select_related("framework_version").get(pk=moved.pk)
        end = registration_timeline(registration=moved).end
        assert review_opens_on(moved, 12) == end - FOUR_WEEKS > TODAY
    lock_through(employer_a, moved, 6)
    twelve = write(employer_a, scheduled(employer_a, moved, 12), held_on=None)
    with pytest.raises(ValidationError) as raised:
        sign_as_assessor(employer_a, twelve)
    assert raised.value.messages[0].startswith(
        f"This review opens on {long_date(end - FOUR_WEEKS)}, 4 weeks before the end of the programme on "
        f"{long_date(end)}."
    )


# --- The order reviews lock in --------------------------------------------------------------------------


def test_a_review_is_locked_only_after_the_earlier_reviews(employer_a):
    done = make_registration(employer_a, swe_number="SW8200003", start_date=YEAR_DONE_START)
    lock_through(employer_a, done, 3)
    twelve = scheduled(employer_a, done, 12)
    write(employer_a, twelve, held_on=min(twelve.due_on, HELD))
    sign_as_assessor(employer_a, twelve)
    comment(employer_a, employer_a.nqsw, twelve)  # not the last signature: allowed
    with pytest.raises(ValidationError) as raised:
        comment(employer_a, employer_a.line_manager, twelve)
    assert raised.value.messages[0].startswith(
        "You cannot sign yet: the 6-month review is not signed by everyone"
    )
    twelve = fresh(employer_a, twelve)
    assert twelve.status == Review.Status.AWAITING_COMMENTS and twelve.line_manager_signed_at is None

    lock_through(employer_a, done, 6)
    assert comment(employer_a, employer_a.line_manager, twelve).status == Review.Status.LOCKED


def test_an_extra_review_is_locked_only_after_the_review_it_follows(employer_a, registration):
    review = scheduled(employer_a, registration, 3)
    sign_as_assessor(employer_a, write(employer_a, review, outcome="not_on_track"))
    with tenant_context(employer_a.employer.pk):
        extra = Review.objects.select_related("registration").get(registration=registration, extra=True)
    lock_extra = write(employer_a, extra, held_on=TODAY)
    sign_as_assessor(employer_a, lock_extra)
    comment(employer_a, employer_a.nqsw, extra)
    with pytest.raises(ValidationError):
        comment(employer_a, employer_a.line_manager, extra)
    comment(employer_a, employer_a.nqsw, review)
    comment(employer_a, employer_a.line_manager, review)
    assert comment(employer_a, employer_a.line_manager, extra).status == Review.Status.LOCKED


# --- The minimum record -----------------------------------------------------------------------------------


def test_a_recommendation_lists_every_gap(employer_a, registration):
    opens = due(12) - FOUR_WEEKS
    with pytest.raises(ValidationError) as raised:
        recommend(employer_a, registration, submit=False)
    assert raised.value.messages == [
        "The 12-month review must be signed by the assessor, the NQSW and the line manager "
        f"(it opens on {long_date(opens)})",
        "3 direct observations must be complete: 0 are",
        "The learning agreement must be signed by the NQSW, the assessor and the line manager",
    ]


def test_a_locked_final_review_is_not_enough(employer_a):
    done = make_year_done(employer_a, minimum=False)
    with pytest.raises(ValidationError) as raised:
        recommend(employer_a, done, submit=False)
    assert raised.value.messages == [
        "3 direct observations must be complete: 0 are",
        "The learning agreement must be signed by the NQSW, the assessor and the line manager",
    ]


def test_the_registrations_flag_alone_is_not_a_signed_agreement(employer_a):
    done = make_year_done(employer_a, minimum=False)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=done.pk).update(learning_agreement_needs_signing=False)
    with pytest.raises(ValidationError) as raised:
        recommend(employer_a, done, submit=False)
    assert "The learning agreement must be signed by the NQSW, the assessor and the line manager" in (
        raised.value.messages
    )


def test_the_minimum_record_is_the_frameworks(employer_a):
    done = make_year_done(employer_a, minimum=False)
    FrameworkVersion.objects.filter(pk=done.framework_version_id).update(
        direct_observations=0, requires_signed_agreement=False
    )
    done = registration_now(employer_a, done)
    assert recommend(employer_a, done).status == FinalRecommendation.Status.SUBMITTED


def test_submitting_checks_the_record_again(employer_a, year_done):
    item = recommend(employer_a, year_done, submit=False)
    # A new assessor since: the agreement must be signed again (what allocating an assessor records).
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=year_done.pk).update(learning_agreement_needs_signing=True)
        with pytest.raises(ValidationError) as raised:
            final_recommendation_submit(
                actor=as_(employer_a, employer_a.assessor), item=item, version=item.version
            )
        assert FinalRecommendation.objects.get(pk=item.pk).status == FinalRecommendation.Status.DRAFT
    assert raised.value.messages == [
        "The learning agreement must be signed by the NQSW, the assessor and the line manager"
    ]


def _extend_past_the_final_window(tenant, registration) -> datetime.date:
    """Extend the programme so that its final review window opens ten days from now; return that day."""
    from programmes.services import registration_extend
    from reviews.rules import final_review_month

    with tenant_context(tenant.employer.pk):
        current = Registration.objects.get(pk=registration.pk)
        opens = review_windows(current, today=TODAY)[final_review_month(current)].opens
        registration_extend(
            actor=as_(tenant, tenant.coordinator),
            registration=current,
            days=(TODAY - opens).days + 10,
            reason="More time for evidence",
            version=current.version,
        )
        current = Registration.objects.get(pk=registration.pk)
        return review_windows(current, today=TODAY)[final_review_month(current)].opens


def test_finding_an_extension_after_the_final_review_moves_the_day_the_year_is_decided(employer_a, year_done):
    """Found by the rules' state machine: the final review signed in its window, then the programme
    extended, and a pass was recommended and decided the same day, before the new final window opened."""
    opens = _extend_past_the_final_window(employer_a, year_done)
    assert opens == TODAY + datetime.timedelta(days=10)
    with pytest.raises(ValidationError) as raised:
        recommend(employer_a, registration_now(employer_a, year_done))
    assert raised.value.messages == [
        "The programme now ends later: the final recommendation and the panel's decision can be made from "
        f"{long_date(opens)}, when the final review window opens"
    ]


def test_a_recommendation_submitted_before_an_extension_waits_for_the_new_window(employer_a, year_done):
    item = recommend(employer_a, year_done)
    opens = _extend_past_the_final_window(employer_a, year_done)
    panel = make_panel(employer_a, held_on=TODAY)
    with pytest.raises(ValidationError) as raised:
        decide(employer_a, panel, item)
    assert raised.value.messages[0].startswith(
        f"The programme now ends later: the final recommendation and the panel's decision can be made from {long_date(opens)}"
    )
    assert registration_now(employer_a, year_done).outcome != Outcome.PASSED


# --- The panel's decision ---------------------------------------------------------------------------------


def test_the_outcome_certificate_and_claim_are_dated_the_day_the_decision_is_recorded(
    employer_a, year_done, national_staff
):
    registration_funding_decide(
        actor=national_actor(national_staff), registration_id=year_done.pk, approve=True
    )
    item = recommend(employer_a, year_done)
    with tenant_context(employer_a.employer.pk):
        FinalRecommendation.objects.filter(pk=item.pk).update(
            submitted_at=item.submitted_at - datetime.timedelta(days=20)
        )
    panel = make_panel(employer_a, held_on=days_ago(10))
    decide(employer_a, panel, item)
    done = registration_now(employer_a, year_done)
    assert (done.outcome, done.outcome_date) == (Outcome.PASSED, TODAY)
    with tenant_context(employer_a.employer.pk):
        html = certificate.certificate_html(registration=Registration.objects.get(pk=year_done.pk))
    assert f"endorsed the assessor's recommendation of a pass on {long_date(TODAY)}" in html
    [claim] = completion_claims(year_done)
    with system_national_context():
        expected_year = claim_year_for(label=funding_year_label(TODAY), today=TODAY)[0]
        assert (claim.claimable_on, claim.funding_year_id) == (TODAY, expected_year.pk)


def test_a_panel_meeting_later_decides_nothing_yet(employer_a, year_done):
    item = recommend(employer_a, year_done)
    panel = make_panel(employer_a, held_on=TODAY + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as raised:
        decide(employer_a, panel, item)
    assert raised.value.messages[0].startswith("Decisions can be recorded from the day the panel meets")


def test_the_panel_lists_what_was_submitted_after_it_met_for_a_later_panel(
    client, login, employer_a, year_done
):
    panel = make_panel(employer_a, held_on=days_ago(3))
    recommend(employer_a, year_done)
    login(employer_a.coordinator)
    html = " ".join(client.get(reverse("reviews:panel", args=[panel.pk])).content.decode().split())
    assert "No submitted recommendations are waiting for this panel." in html
    assert f"a later panel decides it: {year_done.full_name} (submitted {long_date(TODAY)})" in html


# --- Pages and the API ------------------------------------------------------------------------------------


def test_the_review_page_says_when_the_review_opens_and_the_signing_page_refuses(
    client, login, employer_a, registration
):
    six = write(employer_a, scheduled(employer_a, registration, 6), held_on=None)
    opens = long_date(due(6) - FOUR_WEEKS)
    login(employer_a.assessor)
    html = client.get(reverse("reviews:review", args=[six.pk])).content.decode()
    assert f"This review opens on {opens}" in html
    assert reverse("reviews:review_sign", args=[six.pk]) not in html
    report = client.get(reverse("reviews:review_edit", args=[six.pk])).content.decode()
    assert f"This review opens on {opens}" in report
    listing = client.get(reverse("reviews:registration", args=[registration.pk])).content.decode()
    assert f"Opens {opens}" in listing
    response = client.post(
        reverse("reviews:review_sign", args=[six.pk]), {"version": fresh(employer_a, six).version}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert f'href="#review-window">This review opens on {opens}' in page
    assert fresh(employer_a, six).status == Review.Status.DRAFT


def test_the_signature_that_would_lock_too_early_is_refused_on_the_page(client, login, employer_a):
    done = make_registration(employer_a, swe_number="SW8200004", start_date=YEAR_DONE_START)
    lock_through(employer_a, done, 3)
    twelve = scheduled(employer_a, done, 12)
    write(employer_a, twelve, held_on=min(twelve.due_on, HELD))
    sign_as_assessor(employer_a, twelve)
    comment(employer_a, employer_a.nqsw, twelve)
    login(employer_a.line_manager)
    assert "can be locked only after the 6-month review is locked" in (
        client.get(reverse("reviews:review", args=[twelve.pk])).content.decode()
    )
    response = client.post(
        reverse("reviews:review_comment", args=[twelve.pk]),
        {"comments": "Agreed.", "version": fresh(employer_a, twelve).version, "action": "sign"},
    )
    page = response.content.decode()
    assert "govuk-error-summary" in page and "You cannot sign yet: the 6-month review" in page
    assert fresh(employer_a, twelve).line_manager_signed_at is None


def test_the_recommendation_pages_list_the_gaps(client, login, employer_a):
    done = make_year_done(employer_a, minimum=False)
    login(employer_a.assessor)
    listing = client.get(reverse("reviews:registration", args=[done.pk])).content.decode()
    assert "3 direct observations must be complete: 0 are" in listing
    url = reverse("reviews:recommendation_new", args=[done.pk])
    assert "The learning agreement must be signed" in client.get(url).content.decode()
    response = client.post(url, {"recommendation": "pass", "evidence_summary": "Strong."})
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "3 direct observations must be complete: 0 are" in page and "The learning agreement" in page


@pytest.fixture
def token_api(client, employer_a):
    from tests.reviews.test_review_api import token_for

    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(employer_a)}"}

    def call(method, url, data):
        return getattr(client, method)(url, data=data, content_type="application/json", **headers)

    return call


def test_the_api_refuses_a_date_held_before_the_window_as_a_problem_detail(
    token_api, employer_a, registration
):
    six = scheduled(employer_a, registration, 6)
    opens = long_date(due(6) - FOUR_WEEKS)
    response = token_api("patch", f"/api/v1/reviews/{six.pk}/", {"version": 1, "held_on": HELD.isoformat()})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]["held_on"] == [
        f"The date the review was held must be on or after {opens}, when the review opens"
    ]
    created = token_api(
        "post",
        "/api/v1/reviews/",
        {"registration": registration.pk, "month": 6, "held_on": HELD.isoformat(), "outcome": "on_track"},
    )
    assert created.status_code == 400 and opens in created.json()["errors"]["held_on"][0]


def test_the_api_lists_every_gap_of_a_final_recommendation(token_api, registration):
    response = token_api(
        "post",
        "/api/v1/final-outcomes/",
        {"registration": registration.pk, "recommendation": "pass", "evidence_summary": "x"},
    )
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]["non_field_errors"] == [
        "The 12-month review must be signed by the assessor, the NQSW and the line manager "
        f"(it opens on {long_date(due(12) - FOUR_WEEKS)})",
        "3 direct observations must be complete: 0 are",
        "The learning agreement must be signed by the NQSW, the assessor and the line manager",
    ]


def test_the_assessors_list_to_write_follows_the_frameworks_window(employer_a):
    """Before: "to write" meant due within a fixed 28 days, whatever the framework's window said."""
    from reviews.selectors import todo_for

    start = days_ago(70)  # the 3-month review is due in about three weeks
    registration = make_registration(employer_a, swe_number="SW8200301", start_date=start)
    three = scheduled(employer_a, registration, 3)
    version = registration.framework_version
    assessor = as_(employer_a, employer_a.assessor)

    def to_write() -> list[int]:
        with tenant_context(employer_a.employer.pk):
            return [review.pk for review in todo_for(actor=assessor, today=TODAY).to_write]

    FrameworkVersion.objects.filter(pk=version.pk).update(review_window_weeks=2)
    assert three.due_on - TODAY > datetime.timedelta(weeks=2)
    assert to_write() == []  # its window has not opened
    FrameworkVersion.objects.filter(pk=version.pk).update(review_window_weeks=6)
    assert to_write() == [three.pk]  # open for six weeks before it is due, as the framework says
