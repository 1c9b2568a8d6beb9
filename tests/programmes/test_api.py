"""Registrations over the API: create (idempotent), list with filters, read, correct, withdraw, and the
employer boundary for sessions and tokens."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.forms.models import model_to_dict
from django.utils import timezone

from asye.api.services import api_token_create
from asye.tenancy.db import tenant_context
from programmes import services
from programmes.models import FundingStatus, NationalReview, Registration, RegistrationStatus
from tests.programmes.conftest import STARTED, actor_for
from tests.today import NOW, TODAY

# Days in the programme, after the start and before today (1, 31 October and 1 November 2026 when written).
IN_OCTOBER = STARTED + datetime.timedelta(days=24)
LEFT_ON = STARTED + datetime.timedelta(days=54)
DAY_AFTER = LEFT_ON + datetime.timedelta(days=1)

pytestmark = pytest.mark.django_db

URL = "/api/v1/registrations/"


def body(**overrides) -> dict:
    """A valid registration for today's open funding year, whatever day the suite runs on."""
    today = timezone.localdate()
    values = {
        "first_name": "Ada",
        "last_name": "Okafor",
        "email": "ada.okafor@example.org",
        "swe_number": "sw 900001",
        "qualification_date": (today - datetime.timedelta(days=90)).isoformat(),
        "start_date": today.isoformat(),
        "contracted_hours": "37",
        "service_area": "child_and_family",
    }
    values.update(overrides)
    return values


def token_for(tenant) -> str:
    actor = actor_for(tenant.coordinator, tenant.employer)
    with tenant_context(tenant.employer.pk):
        return api_token_create(actor=actor, name="HR system").secret


@pytest.fixture
def api(client, login, employer_a):
    """A's co-ordinator's session on the test client, sending JSON."""
    login(employer_a.coordinator)

    def call(method, url, data=None, **headers):
        kwargs = {"content_type": "application/json"} if data is not None else {}
        if data is not None:
            kwargs["data"] = json.dumps(data)
        return getattr(client, method)(url, **kwargs, **headers)

    return call


def count(unscoped, **filters) -> int:
    with unscoped():
        return Registration.objects.filter(**filters).count()


def snapshot(pk, unscoped):
    with unscoped():
        return model_to_dict(Registration.objects.get(pk=pk))


# --- create -----------------------------------------------------------------------------------------


def test_coordinator_registers_an_nqsw(api, employer_a, unscoped):
    response = api("post", URL, body())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["swe_number"] == "SW900001"
    assert data["funding_status"] == "awaiting_approval"
    assert data["service_area"] == "child_and_family"
    assert response["Location"].endswith(f"/registrations/{data['id']}/")
    kinds = {m["kind"] for m in data["timeline"]["milestones"]}
    assert {"review", "observation", "final_panel", "end"} <= kinds and "supervision" not in kinds
    with unscoped():
        registration = Registration.objects.get(pk=data["id"])
    assert registration.employer_id == employer_a.employer.pk
    assert registration.created_by == employer_a.coordinator


def test_same_idempotency_key_twice_registers_once_and_replays(api, unscoped):
    first = api("post", URL, body(), HTTP_IDEMPOTENCY_KEY="9b2f-hr-42")
    second = api("post", URL, body(), HTTP_IDEMPOTENCY_KEY="9b2f-hr-42")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert count(unscoped, swe_number="SW900001") == 1


def test_same_key_with_a_different_body_is_refused(api, unscoped):
    assert api("post", URL, body(), HTTP_IDEMPOTENCY_KEY="k1").status_code == 201
    response = api("post", URL, body(first_name="Grace"), HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert count(unscoped, swe_number="SW900001") == 1


def test_invalid_swe_number_is_a_400_problem_by_field(api, unscoped):
    response = api("post", URL, body(swe_number="123456"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    assert problem["errors"]["swe_number"] == [
        "Enter a Social Work England number in the correct format, like SW123456"
    ]
    assert count(unscoped) == 0


def test_missing_values_get_the_services_messages(api):
    response = api("post", URL, {"first_name": "Ada"})
    errors = response.json()["errors"]
    assert response.status_code == 400
    assert errors["last_name"] == ["Enter the NQSW's last name"]
    assert errors["start_date"] == ["Enter the date the NQSW starts the programme"]
    assert errors["service_area"] == ["Select child and family or adults"]


def test_malformed_date_is_a_400(api):
    response = api("post", URL, body(start_date=f"{TODAY:%d/%m/%Y}"))
    assert response.status_code == 400
    assert "start_date" in response.json()["errors"]


def test_already_registered_with_this_employer_is_refused(api, register, employer_a):
    register(employer_a, swe_number="SW900001")
    response = api("post", URL, body())
    assert response.status_code == 400
    assert response.json()["errors"]["swe_number"] == ["This NQSW is already registered with you"]


def test_registered_elsewhere_goes_to_national_review_and_says_nothing_of_it(
    api, register, employer_a, employer_b, unscoped
):
    other = register(employer_b, swe_number="SW900001")
    response = api("post", URL, body())
    assert response.status_code == 201
    data = response.json()
    # The same as for anyone else (issue #12, finding 8): only national staff see the review.
    assert data["funding_status"] == FundingStatus.AWAITING_APPROVAL and data["funding_note"] == ""
    text = response.content.decode()
    assert employer_b.employer.name not in text
    assert f'"employer": {employer_b.employer.pk}' not in text and "other_registration" not in text
    with unscoped():
        assert NationalReview.objects.filter(registration_id=data["id"], other_registration=other).exists()


def test_assessor_cannot_register(client, login, employer_a, unscoped):
    login(employer_a.assessor)
    response = client.post(URL, data=json.dumps(body()), content_type="application/json")
    assert response.status_code == 403
    assert count(unscoped) == 0


def test_put_is_not_offered(api, register, employer_a):
    registration = register(employer_a)
    assert api("put", f"{URL}{registration.pk}/", body()).status_code == 405


# --- list and read -----------------------------------------------------------------------------------


def test_list_filters(api, register, employer_a, employer_b):
    ada = register(employer_a, swe_number="SW1")
    grace = register(employer_a, swe_number="SW2", first_name="Grace", last_name="Hopper")
    register(employer_b, swe_number="SW3")
    actor = actor_for(employer_a.coordinator, employer_a.employer)
    with tenant_context(employer_a.employer.pk):
        services.registration_withdraw(actor=actor, registration=grace, on=IN_OCTOBER, reason="Left")

    def ids(query=""):
        response = api("get", URL + query)
        assert response.status_code == 200, response.content
        return sorted(r["id"] for r in response.json()["results"])

    assert ids() == sorted([ada.pk, grace.pk])
    assert ids("?status=withdrawn") == [grace.pk]
    assert ids("?status=active") == [ada.pk]
    assert ids("?funding_status=awaiting_approval") == sorted([ada.pk, grace.pk])
    assert ids("?funding_status=approved") == []
    assert ids(f"?funding_year={ada.funding_year}") == sorted([ada.pk, grace.pk])
    assert ids("?funding_year=2019-20") == []
    assert ids("?swe_number=sw1") == [ada.pk]


def test_bad_filter_values_are_400(api):
    response = api("get", URL + "?status=finished&funding_year=2026")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "funding_year"}
    response = api("get", URL + "?updated_since=yesterday")
    assert response.status_code == 400
    assert "updated_since" in response.json()["errors"]


def test_updated_since(api, register, employer_a, unscoped):
    old = register(employer_a, swe_number="SW1")
    new = register(employer_a, swe_number="SW2")
    # Last changed eleven months ago; asked for since six months ago, then since eighteen months ago.
    with unscoped():
        Registration.objects.filter(pk=old.pk).update(updated_at=NOW - relativedelta(months=11))
    since = (TODAY - relativedelta(months=6)).isoformat()
    response = api("get", URL + f"?updated_since={since}T00:00:00Z")
    assert [r["id"] for r in response.json()["results"]] == [new.pk]
    since = (TODAY - relativedelta(months=18)).isoformat()
    response = api("get", URL + f"?updated_since={since}T00:00:00%2B00:00")
    assert len(response.json()["results"]) == 2


def test_detail_has_the_timeline_without_supervision(api, register, employer_a):
    registration = register(employer_a)
    response = api("get", f"{URL}{registration.pk}/")
    assert response.status_code == 200
    timeline = response.json()["timeline"]
    assert [m["label"] for m in timeline["milestones"] if m["kind"] == "review"] == [
        "3-month review",
        "6-month review",
        "12-month review",
    ]
    assert timeline["end"] == (registration.start_date + relativedelta(years=1)).isoformat()
    assert all(m["kind"] != "supervision" for m in timeline["milestones"])


def test_assessor_sees_only_their_own_nqsws(client, login, register, employer_a):
    mine = register(employer_a, swe_number="SW1")
    theirs = register(employer_a, swe_number="SW2")
    actor = actor_for(employer_a.coordinator, employer_a.employer)
    with tenant_context(employer_a.employer.pk):
        services.registration_allocate_assessor(
            actor=actor, registration=mine, assessor_id=employer_a.assessor.pk
        )
    login(employer_a.assessor)
    response = client.get(URL)
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [mine.pk]
    assert client.get(f"{URL}{mine.pk}/").status_code == 200
    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    # Reading is not writing.
    response = client.patch(
        f"{URL}{mine.pk}/",
        data=json.dumps({"version": 2, "first_name": "X"}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_line_manager_sees_no_one_until_assigned(client, login, register, employer_a):
    register(employer_a)
    login(employer_a.line_manager)
    response = client.get(URL)
    assert response.status_code == 200 and response.json()["results"] == []


def test_nqsw_cannot_use_the_registrations_api(client, login, register, employer_a):
    register(employer_a)
    login(employer_a.nqsw)
    assert client.get(URL).status_code == 403


# --- correct and withdraw ----------------------------------------------------------------------------


def test_patch_corrects_with_the_version_read(api, register, employer_a, unscoped):
    registration = register(employer_a)
    response = api(
        "patch", f"{URL}{registration.pk}/", {"version": registration.version, "contracted_hours": "22.5"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["contracted_hours"] == "22.50"
    assert response.json()["version"] == registration.version + 1
    assert snapshot(registration.pk, unscoped)["contracted_hours"] == Decimal("22.5")


def test_patch_with_a_stale_version_is_409_and_changes_nothing(api, register, employer_a, unscoped):
    registration = register(employer_a)
    read_at = registration.version
    assert (
        api("patch", f"{URL}{registration.pk}/", {"version": read_at, "email": "a@example.org"}).status_code
        == 200
    )
    before = snapshot(registration.pk, unscoped)
    response = api("patch", f"{URL}{registration.pk}/", {"version": read_at, "email": "b@example.org"})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"].startswith("This registration was changed by someone else")
    assert snapshot(registration.pk, unscoped) == before


def test_patch_needs_a_version(api, register, employer_a):
    registration = register(employer_a)
    response = api("patch", f"{URL}{registration.pk}/", {"contracted_hours": "30"})
    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_patch_refuses_what_the_service_refuses(api, register, employer_a):
    registration = register(employer_a)
    response = api(
        "patch", f"{URL}{registration.pk}/", {"version": registration.version, "contracted_hours": "60"}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["contracted_hours"] == [
        "Contracted hours must be between 1 and 48 a week"
    ]


def test_withdraw(api, register, employer_a, unscoped):
    registration = register(employer_a)
    url = f"{URL}{registration.pk}/withdraw/"
    response = api("post", url, {"date": LEFT_ON.isoformat(), "reason": "Moved abroad"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["status"] == RegistrationStatus.WITHDRAWN
    assert data["ended_at"] == LEFT_ON.isoformat() and data["end_reason"] == "Moved abroad"
    # Withdrawing again is refused, and the reason is said.
    again = api("post", url, {"date": DAY_AFTER.isoformat(), "reason": "Again"})
    assert again.status_code == 400
    assert snapshot(registration.pk, unscoped)["ended_at"] == LEFT_ON


def test_withdraw_needs_a_reason_and_a_date(api, register, employer_a):
    registration = register(employer_a)
    url = f"{URL}{registration.pk}/withdraw/"
    response = api("post", url, {"date": LEFT_ON.isoformat(), "reason": "  "})
    assert response.status_code == 400
    assert response.json()["errors"]["reason"] == ["Enter the reason for the withdrawal"]
    response = api("post", url, {"reason": "Left"})
    assert response.status_code == 400 and "date" in response.json()["errors"]


# --- tokens and the employer boundary ---------------------------------------------------------------


def test_token_registers_and_lists_for_its_employer(client, register, employer_a, employer_b, unscoped):
    register(employer_b, swe_number="SW777")
    secret = token_for(employer_a)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = client.post(URL, data=json.dumps(body()), content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    with unscoped():
        assert Registration.objects.get(pk=response.json()["id"]).employer_id == employer_a.employer.pk
    listed = client.get(URL, **auth).json()["results"]
    assert [r["swe_number"] for r in listed] == ["SW900001"]


@pytest.mark.parametrize("auth", ["session", "token"])
def test_idor_another_employers_registration_is_404_and_unchanged(
    auth, client, login, register, employer_a, employer_b, unscoped
):
    theirs = register(employer_b)
    before = snapshot(theirs.pk, unscoped)
    if auth == "session":
        login(employer_a.coordinator)
        headers = {}
    else:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(employer_a)}"}
    detail = f"{URL}{theirs.pk}/"
    assert client.get(detail, **headers).status_code == 404
    response = client.patch(
        detail,
        data=json.dumps({"version": theirs.version, "first_name": "Mallory"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    response = client.post(
        f"{detail}withdraw/",
        data=json.dumps({"date": LEFT_ON.isoformat(), "reason": "Gone"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert snapshot(theirs.pk, unscoped) == before
    # A missing id gives the same answer.
    assert client.get(f"{URL}999999999/", **headers).status_code == 404
    assert theirs.pk not in [r["id"] for r in client.get(URL, **headers).json()["results"]]


def test_withdraw_takes_only_post_whoever_owns_the_registration(api, register, employer_a, employer_b):
    mine, theirs = register(employer_a), register(employer_b)
    for registration in (mine, theirs):
        response = api("get", f"{URL}{registration.pk}/withdraw/")
        assert response.status_code == 405  # refused before any lookup: says nothing of whose it is
    assert api("get", f"{URL}999999999/withdraw/").status_code == 405
