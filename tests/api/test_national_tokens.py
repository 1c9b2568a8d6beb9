"""National API tokens: issued by national staff for themselves behind the second factor, shown once and
stored hashed, listed and revoked only by their owner, expiring; they call only the national endpoints,
every call audited as a national read; employer tokens are refused there."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from asye import clock
from asye.accounts.models import Membership, Role
from asye.api.models import NationalApiToken
from asye.audit.models import AuditEvent
from tests.api.national_helpers import bearer, national_token
from tests.factories import person

pytestmark = pytest.mark.django_db

NATIONAL_ENDPOINTS = [
    "/api/v1/national/forum-attendance/",
    "/api/v1/national/poll-results/",
    "/api/v1/national/forum-poll-results/",
    "/api/v1/national/evaluation-composite/",
    "/api/v1/national/survey-results/",
]


def _employer_secret(client, login, coordinator) -> str:
    login(coordinator)
    secret = client.post(reverse("api_tokens:list"), {"name": "HR system"}).context["secret"]
    client.logout()
    return secret


def test_national_staff_create_a_token_shown_once_stored_hashed_and_expiring(
    client, login, national_staff, unscoped
):
    secret = national_token(client, login, national_staff, days=7)
    assert secret.startswith("asyenat_")
    with unscoped():
        token = NationalApiToken.objects.get()
        assert token.created_by == national_staff and secret not in token.key_hash
        assert token.prefix == secret[:15]
        lasts = token.expires_at - token.created_at
        assert abs(lasts - datetime.timedelta(days=7)) < datetime.timedelta(seconds=5)
        event = AuditEvent.objects.get(action="national_api_token.created")
        assert event.employer_id is None and event.actor_user == national_staff
    login(national_staff)
    page = client.get(reverse("national_api_tokens:list")).content.decode()
    assert "Reporting system" in page and secret not in page and token.prefix in page


def test_the_token_page_needs_the_second_factor_and_national_staff(client, national_staff, employer_a, login):
    client.force_login(national_staff)  # no authenticator yet
    response = client.get(reverse("national_api_tokens:list"))
    assert response.status_code == 302 and "totp" in response["Location"]
    login(employer_a.coordinator)
    assert client.get(reverse("national_api_tokens:list")).status_code == 403
    assert client.post(reverse("national_api_tokens:list"), {"name": "x", "days": 30}).status_code == 403


def test_bad_input_is_an_error_summary_not_a_500(client, login, national_staff):
    login(national_staff)
    url = reverse("national_api_tokens:list")
    for data in ({"name": "", "days": 30}, {"name": "A", "days": 365}, {"name": "A", "days": "x"}, {}):
        response = client.post(url, data)
        assert response.status_code == 200 and "govuk-error-summary" in response.content.decode(), data
    client.post(url, {"name": "Dashboards", "days": 30})
    response = client.post(url, {"name": "dashboards", "days": 30})
    assert "You already have a token with this name" in response.content.decode()


def test_tokens_are_their_owners_alone(client, login, national_staff, unscoped):
    national_token(client, login, national_staff)
    other = person(role=Role.NATIONAL_STAFF, email="other.national@skillsforcare.example")
    login(other)
    with unscoped():
        token = NationalApiToken.objects.get()
    assert "Reporting system" not in client.get(reverse("national_api_tokens:list")).content.decode()
    assert client.get(reverse("national_api_tokens:revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("national_api_tokens:revoke", args=[token.pk])).status_code == 404
    with unscoped():
        assert NationalApiToken.objects.get().revoked_at is None


def test_a_national_token_reads_every_national_endpoint_each_call_audited(
    client, login, national_staff, unscoped
):
    secret = national_token(client, login, national_staff)
    with unscoped():
        before = AuditEvent.objects.filter(action="national.read").count()
    for url in NATIONAL_ENDPOINTS:
        response = client.get(url, **bearer(secret))
        # The composite has published years from the start; the surveys have no round yet (404).
        assert response.status_code == (404 if "survey" in url else 200), (url, response.content)
    with unscoped():
        reads = list(AuditEvent.objects.filter(action="national.read").order_by("id"))[before:]
        token = NationalApiToken.objects.get()
        assert token.last_used_at is not None
    # The 404 (no survey round) rolled back with its request; every answered call left its row.
    assert len(reads) == len(NATIONAL_ENDPOINTS) - 1
    assert all(event.actor_user == national_staff and event.employer_id is None for event in reads)
    assert all(f"national API token {token.pk}" in event.changes["purpose"] for event in reads)
    assert reads[0].changes["purpose"].startswith("API GET /api/v1/national/forum-attendance/")


def test_a_national_token_is_refused_by_every_employer_endpoint(
    client, login, national_staff, employer_a, unscoped
):
    # Even when its owner also holds a role at an employer, the token acts for none.
    with unscoped():
        Membership.objects.create(user=national_staff, employer=employer_a.employer, role=Role.COORDINATOR)
    secret = national_token(client, login, national_staff)
    for url in ("/api/v1/me/", "/api/v1/employer/", "/api/v1/registrations/", "/api/v1/forum-sessions/"):
        response = client.get(url, **bearer(secret))
        assert response.status_code == 403, url
        assert response["Content-Type"] == "application/problem+json"
        assert "national endpoints" in response.json()["detail"]
    response = client.post("/api/v1/forum-sessions/1/sign-up/", **bearer(secret))
    assert response.status_code == 403


def test_employer_tokens_and_sessions_are_refused_by_the_national_endpoints(
    client, login, employer_a, national_staff
):
    secret = _employer_secret(client, login, employer_a.coordinator)
    for url in NATIONAL_ENDPOINTS:
        response = client.get(url, **bearer(secret))
        assert response.status_code == 403, url
        assert response["Content-Type"] == "application/problem+json"
        assert "national API token" in response.json()["detail"]
        assert client.get(url).status_code == 401
    login(national_staff)  # a signed-in session is not a token either
    assert client.get(NATIONAL_ENDPOINTS[0]).status_code == 401


def test_revoked_expired_and_unknown_national_tokens_are_refused(client, login, national_staff, unscoped):
    secret = national_token(client, login, national_staff, days=7)
    url = NATIONAL_ENDPOINTS[0]
    assert client.get(url, **bearer(secret)).status_code == 200
    with time_machine.travel(clock.now() + datetime.timedelta(days=7, seconds=1)):
        response = client.get(url, **bearer(secret))
        assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert client.get(url, **bearer("asyenat_not-a-real-token")).status_code == 401
    with unscoped():
        token = NationalApiToken.objects.get()
    login(national_staff)
    assert client.get(reverse("national_api_tokens:revoke", args=[token.pk])).status_code == 200
    assert client.post(reverse("national_api_tokens:revoke", args=[token.pk])).status_code == 302
    assert client.post(reverse("national_api_tokens:revoke", args=[token.pk])).status_code == 302  # harmless
    client.logout()
    assert client.get(url, **bearer(secret)).status_code == 401
    with unscoped():
        assert AuditEvent.objects.filter(action="national_api_token.revoked").count() == 1


def test_a_token_stops_working_when_its_owner_stops_being_national_staff(
    client, login, national_staff, unscoped
):
    secret = national_token(client, login, national_staff)
    with unscoped():
        Membership.objects.filter(user=national_staff, role=Role.NATIONAL_STAFF).update(
            ended_at=clock.now() - datetime.timedelta(days=1)
        )
    assert client.get(NATIONAL_ENDPOINTS[0], **bearer(secret)).status_code == 401


def test_a_national_token_is_rate_limited_on_its_own_count(
    client, login, national_staff, employer_a, settings
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "client": "2/minute"},
    }
    national = national_token(client, login, national_staff)
    employer = _employer_secret(client, login, employer_a.coordinator)
    for _ in range(2):
        assert client.get(NATIONAL_ENDPOINTS[0], **bearer(national)).status_code == 200
    response = client.get(NATIONAL_ENDPOINTS[0], **bearer(national))
    assert response.status_code == 429 and response.json()["retry_after_seconds"] >= 0
    assert client.get("/api/v1/me/", **bearer(employer)).status_code == 200
