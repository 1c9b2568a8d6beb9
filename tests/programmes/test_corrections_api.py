"""Correcting a registration over the API: ``POST /api/v1/registrations/{id}/correct/`` with the version
read and a reason; the same service as the pages, 400/409/404 as problem details."""

from __future__ import annotations

import datetime
import json

import pytest
from django.forms.models import model_to_dict

from asye.api.services import api_token_create
from asye.tenancy.db import tenant_context
from programmes.models import Registration, RegistrationCorrection
from tests.programmes.conftest import STARTED, actor_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/registrations/"


@pytest.fixture
def api(client, login, employer_a):
    login(employer_a.coordinator)

    def call(method, url, data=None, **headers):
        kwargs = {"content_type": "application/json", "data": json.dumps(data)} if data is not None else {}
        return getattr(client, method)(url, **kwargs, **headers)

    return call


def snapshot(pk, unscoped):
    with unscoped():
        return model_to_dict(Registration.objects.get(pk=pk))


@pytest.fixture
def registration(register, employer_a):
    return register(employer_a)


def test_correct_a_number(api, registration, unscoped):
    response = api(
        "post",
        f"{URL}{registration.pk}/correct/",
        {"version": registration.version, "reason": "Two digits swapped", "swe_number": "sw654321"},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["swe_number"] == "SW654321" and data["version"] == registration.version + 1
    assert data["status"] == "active"
    [row] = data["corrections"]
    assert (row["field"], row["old_value"], row["new_value"], row["reason"]) == (
        "swe_number",
        "SW123456",
        "SW654321",
        "Two digits swapped",
    )
    # The history is part of every read of the registration.
    assert api("get", f"{URL}{registration.pk}/").json()["corrections"] == data["corrections"]


def test_dates_and_names_together(api, registration, unscoped):
    new_start = STARTED + datetime.timedelta(days=1)
    response = api(
        "post",
        f"{URL}{registration.pk}/correct/",
        {
            "version": registration.version,
            "reason": "From the contract",
            "first_name": "Adaeze",
            "start_date": new_start.isoformat(),
        },
    )
    assert response.status_code == 200, response.content
    after = snapshot(registration.pk, unscoped)
    assert after["first_name"] == "Adaeze" and after["start_date"] == new_start


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"swe_number": "SW654321"}, "reason"),
        ({"reason": "x", "swe_number": "654321"}, "swe_number"),
        ({"reason": "x", "qualification_date": "0001-01-01"}, "qualification_date"),
        ({"reason": "x", "start_date": "9999-12-31"}, "start_date"),
        ({"reason": "x", "start_date": "31/12/2026"}, "start_date"),
        ({"reason": "x", "swe_number": "SW654321", "version": None}, "version"),
    ],
)
def test_what_is_refused_is_a_400_by_field_and_changes_nothing(api, registration, unscoped, body, field):
    before = snapshot(registration.pk, unscoped)
    payload = {"version": registration.version, **body}
    if payload.get("version") is None:
        payload.pop("version")
    response = api("post", f"{URL}{registration.pk}/correct/", payload)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]
    assert snapshot(registration.pk, unscoped) == before


def test_a_stale_version_is_409(api, registration, unscoped):
    url = f"{URL}{registration.pk}/correct/"
    assert (
        api("post", url, {"version": registration.version, "reason": "a", "first_name": "Adaeze"}).status_code
        == 200
    )
    before = snapshot(registration.pk, unscoped)
    response = api("post", url, {"version": registration.version, "reason": "b", "swe_number": "SW654321"})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert snapshot(registration.pk, unscoped) == before


def test_patch_sends_names_to_the_correction(api, registration, unscoped):
    response = api("patch", f"{URL}{registration.pk}/", {"version": registration.version, "first_name": "X"})
    assert response.status_code == 400
    assert "correct/" in response.json()["errors"]["first_name"][0]
    assert snapshot(registration.pk, unscoped)["first_name"] == "Ada"


def test_assessors_cannot_correct(client, login, employer_a, registration, unscoped):
    login(employer_a.assessor)
    response = client.post(
        f"{URL}{registration.pk}/correct/",
        data=json.dumps({"version": registration.version, "reason": "x", "first_name": "X"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert snapshot(registration.pk, unscoped)["first_name"] == "Ada"


@pytest.mark.parametrize("auth", ["session", "token"])
def test_idor_another_employers_registration_is_404_and_unchanged(
    auth, client, login, register, employer_a, employer_b, unscoped
):
    theirs = register(employer_b, swe_number="SW650001")
    before = snapshot(theirs.pk, unscoped)
    headers = {}
    if auth == "session":
        login(employer_a.coordinator)
    else:
        actor = actor_for(employer_a.coordinator, employer_a.employer)
        with tenant_context(employer_a.employer.pk):
            headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=actor, name='HR').secret}"}
    response = client.post(
        f"{URL}{theirs.pk}/correct/",
        data=json.dumps({"version": theirs.version, "reason": "x", "swe_number": "SW650002"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert snapshot(theirs.pk, unscoped) == before
    with unscoped():
        assert not RegistrationCorrection.objects.exists()
    missing = client.post(
        f"{URL}{10**9}/correct/",
        data=json.dumps({"version": 1, "reason": "x", "swe_number": "SW650002"}),
        content_type="application/json",
        **headers,
    )
    assert missing.status_code == 404
