"""Forum sessions over the API: an employer's token (its co-ordinator) lists the sessions of the forums
open to co-ordinators, books and cancels its own place through the same services as the pages, sees the
joining details only with a place and never anyone else's sign-up; a session of a forum not for its
roles is a 404 and nothing changes; the schema describes it."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

from asye.api.services import api_token_create
from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from forums import services
from forums.models import ForumKind, SessionSignup, SignupStatus
from tests.forums.helpers import acting, actor, forum, session

pytestmark = pytest.mark.django_db
SECRET_ROOM = "https://meet.example/secret-room"


@pytest.fixture
def api(client, employer_a):
    with tenant_context(employer_a.employer.pk):
        secret = api_token_create(actor=actor(employer_a.coordinator, employer_a.employer), name="LMS").secret
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    return lambda method, url: getattr(client, method)(url, content_type="application/json", **headers)


def test_a_coordinator_books_and_cancels_a_drop_in_over_the_api(api, employer_a, employer_b):
    drop_in = forum(ForumKind.DROP_IN)
    full = session(drop_in, days=5, capacity=1, topic="Panel preparation")
    later = session(drop_in, days=30, topic="Supervision")
    session(drop_in, days=-5, topic="Already held")
    nqsw_only = session(forum(ForumKind.NQSW_FORUM), days=3)
    # Employer B's co-ordinator takes the one place at the first session.
    rival = actor(employer_b.coordinator, employer_b.employer)
    with acting(rival):
        services.signup_create(actor=rival, session=full)

    listing = api("get", "/api/v1/forum-sessions/").json()
    assert [row["id"] for row in listing["results"]] == [full.pk, later.pk]
    first = listing["results"][0]
    assert first["places_left"] == 0 and first["my_place"] is None and first["joining_details"] == ""
    assert [r["topic"] for r in api("get", "/api/v1/forum-sessions/?when=past").json()["results"]] == [
        "Already held"
    ]
    bad = api("get", "/api/v1/forum-sessions/?when=soon")
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")

    # Full: a place on the waiting list, no joining details.
    waiting = api("post", f"/api/v1/forum-sessions/{full.pk}/sign-up/").json()
    assert waiting["my_place"] == "waiting" and waiting["waiting"] == 1 and waiting["joining_details"] == ""
    booked = api("post", f"/api/v1/forum-sessions/{later.pk}/sign-up/").json()
    assert booked["my_place"] == "booked" and booked["joining_details"] == SECRET_ROOM
    again = api("post", f"/api/v1/forum-sessions/{later.pk}/sign-up/").json()
    assert again["my_place"] == "booked"
    cancelled = api("post", f"/api/v1/forum-sessions/{later.pk}/cancel/").json()
    assert cancelled["my_place"] is None and cancelled["joining_details"] == ""
    with system_national_context():
        mine = dict(
            SessionSignup.objects.filter(person=employer_a.coordinator).values_list("session_id", "status")
        )
        assert mine == {full.pk: SignupStatus.WAITING, later.pk: SignupStatus.CANCELLED}
        assert AuditEvent.objects.filter(action="forums.signed_up").count() == 3

    # A forum not for co-ordinators: 404 whatever the method, and nothing is written.
    assert api("get", f"/api/v1/forum-sessions/{nqsw_only.pk}/").status_code == 404
    assert api("post", f"/api/v1/forum-sessions/{nqsw_only.pk}/sign-up/").status_code == 404
    with system_national_context():
        assert not SessionSignup.objects.filter(session=nqsw_only).exists()


def test_a_started_session_cannot_be_booked(api, employer_a):
    started = session(forum(ForumKind.DROP_IN), days=-0.01)
    response = api("post", f"/api/v1/forum-sessions/{started.pk}/sign-up/")
    assert response.status_code == 400
    assert response.json()["errors"]["session"] == ["This session has already started."]


def test_the_schema_describes_the_forum_endpoints(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(path), "--validate", "--fail-on-warn")
    paths = yaml.safe_load(path.read_text())["paths"]
    assert "/api/v1/forum-sessions/" in paths
    assert set(paths["/api/v1/forum-sessions/{id}/sign-up/"]["post"]["responses"]) >= {"200", "400", "404"}
    assert "/api/v1/forum-sessions/{id}/cancel/" in paths
