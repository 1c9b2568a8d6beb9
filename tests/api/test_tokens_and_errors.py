"""API tokens, problem details, pagination and rate limits."""

import datetime

import pytest
from django.urls import reverse

from asye.api.models import ApiToken
from asye.audit.models import AuditEvent
from tests.today import NOW

pytestmark = pytest.mark.django_db


def _create_token(client, login, coordinator, name="HR system"):
    login(coordinator)
    response = client.post(reverse("api_tokens:list"), {"name": name})
    assert response.status_code == 200
    return response.context["secret"]


def test_coordinator_creates_a_token_shown_once_and_stored_hashed(client, login, employer_a, unscoped):
    secret = _create_token(client, login, employer_a.coordinator)
    assert secret.startswith("asye_")
    with unscoped():
        token = ApiToken.objects.get(name="HR system")
        assert secret not in token.key_hash and token.prefix == secret[:12]
        assert AuditEvent.objects.filter(action="api_token.created").count() == 1
    assert secret not in client.get(reverse("api_tokens:list")).content.decode()


def test_token_acts_for_its_employer(client, login, employer_a, employer_b):
    secret = _create_token(client, login, employer_a.coordinator)
    client.logout()
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    body = response.json()
    assert body["employer"]["name"] == employer_a.employer.name
    assert body["api_token"] is True and "coordinator" in body["roles"]


def test_revoked_token_is_refused_with_problem_details(client, login, employer_a, unscoped):
    secret = _create_token(client, login, employer_a.coordinator)
    with unscoped():
        token = ApiToken.objects.get(name="HR system")
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 302
    client.logout()
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_token_stops_working_when_its_creator_stops_being_coordinator(client, login, employer_a, unscoped):
    from asye.accounts.models import Membership, Role
    from tests.factories import person

    person(role=Role.COORDINATOR, employer=employer_a.employer)  # so the first can step down
    secret = _create_token(client, login, employer_a.coordinator)
    with unscoped():
        Membership.objects.filter(user=employer_a.coordinator, role=Role.COORDINATOR).update(
            ended_at=NOW - datetime.timedelta(days=326)  # in the past (1 January 2026 when written)
        )
    client.logout()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_bad_token_and_no_token(client):
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer asye_not-a-real-token")
    assert response.status_code == 401 and response.json()["title"]
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_assessor_cannot_read_the_audit_trail_over_the_api(client, login, employer_a):
    login(employer_a.assessor)
    response = client.get("/api/v1/audit-events/")
    assert response.status_code == 403
    assert response.json()["type"].endswith("permission-denied")


def test_invalid_filter_is_a_validation_problem(client, login, employer_a):
    login(employer_a.coordinator)
    response = client.get("/api/v1/audit-events/?since=yesterday")
    assert response.status_code == 400
    body = response.json()
    assert body["type"].endswith("validation-error") and "since" in body["errors"]


def test_lists_are_paginated(client, login, employer_a):
    login(employer_a.coordinator)
    body = client.get("/api/v1/memberships/?page_size=2").json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]


def test_rate_limit_answers_429_with_problem_details(client, login, employer_a, settings):
    secret = _create_token(client, login, employer_a.coordinator)
    client.logout()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "client": "3/minute"},
    }
    responses = [client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}") for _ in range(4)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    throttled = responses[-1]
    assert throttled["Content-Type"] == "application/problem+json"
    assert throttled.json()["retry_after_seconds"] > 0 and "Retry-After" in throttled


def test_schema_is_published(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/memberships/" in response.content
