"""Reviews and final outcomes over the API: lists with filters and ``updated_since``, details, recording a
review's report and outcome (by the employer's systems, as the assessor would), PATCH with a version
(409 when stale), Idempotency-Key on POST, and the employer boundary for sessions and tokens."""

# ruff: noqa: F811  (fixtures imported from review_fixtures are redefined as test arguments)

from __future__ import annotations

import json

import pytest

from asye.api.services import api_token_create
from asye.tenancy.db import tenant_context
from reviews.models import FinalRecommendation, ModerationPanel, Review
from reviews.services.panels import panel_create, panel_decide, panel_member_add
from reviews.services.recommendations import final_recommendation_submit
from tests.programmes.conftest import TODAY
from tests.reviews.review_fixtures import (  # noqa: F401  (fixtures)
    HELD,
    as_,
    fresh,
    lock,
    make_registration,
    registration,
    review,
    scheduled,
    write,
    year_done,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/reviews/"
FINAL = "/api/v1/final-outcomes/"


def token_for(tenant) -> str:
    with tenant_context(tenant.employer.pk):
        return api_token_create(actor=as_(tenant, tenant.coordinator), name="HR system").secret


@pytest.fixture
def token_api(client, employer_a):
    """A's HR system, with an API token (it acts with the co-ordinator's authority)."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(employer_a)}"}

    def call(method, url, data=None, **extra):
        kwargs = {"content_type": "application/json", "data": json.dumps(data)} if data is not None else {}
        return getattr(client, method)(url, **kwargs, **headers, **extra)

    return call


@pytest.fixture
def session_api(client, login):
    def as_user(user):
        login(user)

        def call(method, url, data=None, **extra):
            kwargs = (
                {"content_type": "application/json", "data": json.dumps(data)} if data is not None else {}
            )
            return getattr(client, method)(url, **kwargs, **extra)

        return call

    return as_user


def body(registration, **overrides) -> dict:
    values = {
        "registration": registration.pk,
        "month": 3,
        "held_on": HELD.isoformat(),
        "progress_pcf": "Values and ethics: clear.",
        "progress_standards": "PQS 1: well evidenced.",
        "outcome": "some_concerns",
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


# --- Reading -------------------------------------------------------------------------------------------


def test_the_list_has_the_employers_reviews_with_filters(token_api, employer_a, employer_b, review):
    other = make_registration(employer_a, swe_number="SW8000005")
    scheduled(employer_a, other)
    write(employer_a, review, outcome="not_on_track")
    theirs = make_registration(employer_b, swe_number="SW8000006")
    scheduled(employer_b, theirs)

    data = token_api("get", URL).json()
    assert data["count"] == 6
    assert {r["registration"] for r in data["results"]} == {review.registration_id, other.pk}
    three = token_api("get", f"{URL}?registration={review.registration_id}&month=3").json()["results"]
    assert [r["id"] for r in three] == [review.pk]
    assert three[0]["outcome"] == "not_on_track" and three[0]["practice_examples"][0]["text"]
    assert [r["id"] for r in token_api("get", f"{URL}?outcome=not_on_track").json()["results"]] == [review.pk]
    assert token_api("get", f"{URL}?status=locked").json()["count"] == 0
    since = fresh(employer_a, review).updated_at.isoformat()
    changed = token_api("get", f"{URL}?updated_since={since.replace('+', '%2B')}").json()["results"]
    assert review.pk in [r["id"] for r in changed]


def test_bad_filters_are_400_problems(token_api):
    for query in ("outcome=great", "status=done", "month=six", "updated_since=yesterday"):
        response = token_api("get", f"{URL}?{query}")
        assert response.status_code == 400, query
        assert response["Content-Type"] == "application/problem+json"


def test_another_employers_review_is_404_by_token_and_by_session(
    token_api, session_api, employer_a, employer_b
):
    theirs = scheduled(employer_b, make_registration(employer_b, swe_number="SW8000007"))
    for call in (token_api, session_api(employer_a.coordinator)):
        response = call("get", f"{URL}{theirs.pk}/")
        assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
        assert call("patch", f"{URL}{theirs.pk}/", {"version": 1, "outcome": "on_track"}).status_code == 404
        assert call("post", URL, body(theirs.registration)).status_code == 400
    assert fresh(employer_b, theirs).outcome == ""


def test_assessors_and_line_managers_read_only_their_nqsws_reviews(session_api, employer_a, review):
    from asye.accounts.models import Role
    from tests.factories import person

    other = person(role=Role.LINE_MANAGER, employer=employer_a.employer, email="lm2@alpha.example")
    assert session_api(employer_a.line_manager)("get", URL).json()["count"] == 3
    assert session_api(other)("get", URL).json()["count"] == 0
    assert session_api(other)("get", f"{URL}{review.pk}/").status_code == 404
    assert session_api(employer_a.nqsw)("get", URL).status_code == 403


# --- Recording -----------------------------------------------------------------------------------------


def test_the_employers_system_records_a_reviews_report_and_outcome(token_api, employer_a, registration):
    response = token_api("post", URL, body(registration))
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["month"], data["outcome"], data["status"], data["version"]) == (
        3,
        "some_concerns",
        "draft",
        2,
    )
    assert response["Location"].endswith(f"/reviews/{data['id']}/")
    with tenant_context(employer_a.employer.pk):
        review = Review.objects.get(pk=data["id"])
        assert review.held_on == HELD and review.registration_id == registration.pk
    # Recording the same review point again is a conflict: it has been written; PATCH it with its version.
    again = token_api("post", URL, body(registration, outcome="on_track"))
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"


def test_the_optional_9_month_review_is_recorded_and_other_months_refused(token_api, registration):
    # Not open yet (it is due in about half a year): recorded as a draft, without the date it was held.
    assert token_api("post", URL, body(registration, month=9, held_on=None)).status_code == 201
    response = token_api("post", URL, body(registration, month=4))
    assert response.status_code == 400 and "month" in response.json()["errors"]


def test_same_idempotency_key_records_once_and_replays(token_api, employer_a, registration):
    first = token_api("post", URL, body(registration), HTTP_IDEMPOTENCY_KEY="hr-7-six")
    second = token_api("post", URL, body(registration), HTTP_IDEMPOTENCY_KEY="hr-7-six")
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true" and first.json() == second.json()
    different = token_api(
        "post", URL, body(registration, outcome="on_track"), HTTP_IDEMPOTENCY_KEY="hr-7-six"
    )
    assert different.status_code == 422


def test_patch_with_a_stale_version_is_a_409_and_nothing_changes(token_api, employer_a, review):
    ok = token_api("patch", f"{URL}{review.pk}/", {"version": 1, "progress_pcf": "First."})
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = token_api("patch", f"{URL}{review.pk}/", {"version": 1, "progress_pcf": "Second."})
    assert stale.status_code == 409
    problem = stale.json()
    assert problem["status"] == 409 and "Someone else saved this review" in problem["detail"]
    assert fresh(employer_a, review).progress_pcf == "First."


def test_a_signed_review_is_not_changed_over_the_api(token_api, employer_a, review):
    review = lock(employer_a, review)
    response = token_api(
        "patch", f"{URL}{review.pk}/", {"version": review.version, "outcome": "not_on_track"}
    )
    assert response.status_code == 400
    assert fresh(employer_a, review).outcome == "on_track"


def test_the_assessor_may_record_with_a_session_but_not_the_coordinator_in_person(
    session_api, employer_a, registration
):
    assert session_api(employer_a.coordinator)("post", URL, body(registration)).status_code == 403
    assert session_api(employer_a.line_manager)("post", URL, body(registration)).status_code == 403
    assert session_api(employer_a.assessor)("post", URL, body(registration)).status_code == 201


def test_put_and_delete_are_not_offered(token_api, review):
    assert token_api("put", f"{URL}{review.pk}/", {"version": 1}).status_code == 405
    assert token_api("delete", f"{URL}{review.pk}/").status_code == 405


# --- Final outcomes ------------------------------------------------------------------------------------


def test_final_outcomes_show_the_recommendation_the_panels_decision_and_the_outcome(
    token_api, employer_a, year_done
):
    registration = year_done
    created = token_api(
        "post",
        FINAL,
        {"registration": registration.pk, "recommendation": "pass", "evidence_summary": "Strong."},
    )
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    patched = token_api(
        "patch", f"{FINAL}{item_id}/", {"version": 1, "evidence_summary": "Strong, see reviews."}
    )
    assert patched.status_code == 200 and patched.json()["version"] == 2
    assert (
        token_api("patch", f"{FINAL}{item_id}/", {"version": 1, "evidence_summary": "x"}).status_code == 409
    )

    with tenant_context(employer_a.employer.pk):
        item = FinalRecommendation.objects.get(pk=item_id)
        item = final_recommendation_submit(
            actor=as_(employer_a, employer_a.assessor), item=item, version=item.version
        )
        coordinator = as_(employer_a, employer_a.coordinator)
        panel = panel_create(actor=coordinator, held_on=TODAY, chair="Chair")
        panel_member_add(actor=coordinator, panel=panel, name="Member", role="Educator")
        panel = ModerationPanel.objects.get(pk=panel.pk)
        panel_decide(
            actor=coordinator,
            panel=panel,
            item=item,
            decision="endorse",
            reasons="",
            panel_version=panel.version,
            recommendation_version=item.version,
            today=TODAY,
        )
    data = token_api("get", f"{FINAL}{item_id}/").json()
    assert (
        data["status"] == "endorsed"
        and data["outcome"] == "passed"
        and data["outcome_date"] == TODAY.isoformat()
    )
    assert [d["decision"] for d in data["decisions"]] == ["endorse"]
    assert data["decisions"][0]["panel_held_on"] == TODAY.isoformat()
    assert token_api("get", f"{FINAL}?status=endorsed").json()["count"] == 1
    assert token_api("get", f"{FINAL}?status=draft").json()["count"] == 0
    # An endorsed recommendation is not changed over the API.
    assert (
        token_api(
            "patch", f"{FINAL}{item_id}/", {"version": data["version"], "evidence_summary": "x"}
        ).status_code
        == 400
    )


def test_a_final_recommendation_needs_the_final_review_locked(token_api, registration):
    response = token_api(
        "post", FINAL, {"registration": registration.pk, "recommendation": "pass", "evidence_summary": "x"}
    )
    assert response.status_code == 400
