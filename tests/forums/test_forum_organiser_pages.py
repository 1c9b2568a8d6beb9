"""Organisers (national staff) add and change forums, drop-ins, courses and action learning sets on their
own pages, not the admin site: GOV.UK errors for every mistake (never a 500), each save audited, GEMS only
ever self-identified, a course's cohort places required; nobody else may open the pages."""

from __future__ import annotations

import pytest

from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context
from forums.models import Forum, ForumKind
from tests.forums.helpers import forum, session

pytestmark = pytest.mark.django_db


def _post(client, url, **fields):
    data = {
        "name": "New co-ordinators' training",
        "kind": ForumKind.COURSE,
        "summary": "Six sessions for co-ordinators new to the role.",
        "audience": ["for_coordinators"],
        "service_area": "",
        "cohort_places": "20",
        "default_duration_minutes": "120",
    }
    data.update(fields)
    return client.post(url, {k: v for k, v in data.items() if v is not None})


def test_organisers_add_and_change_a_course(client, login, national_staff):
    login(national_staff)
    assert client.get("/national/forums/new/").status_code == 200
    wrong = _post(client, "/national/forums/new/", name="", cohort_places="", audience=None)
    page = wrong.content.decode()
    assert wrong.status_code == 200 and "govuk-error-summary" in page
    assert "Enter the name" in page and "Select who it is for" in page
    no_places = _post(client, "/national/forums/new/", cohort_places="")
    assert "Enter how many places the cohort has" in no_places.content.decode()
    made = _post(client, "/national/forums/new/")
    with system_national_context():
        course = Forum.objects.get(name="New co-ordinators' training")
        assert made.status_code == 302 and made.url == f"/national/forums/{course.slug}/"
        assert course.cohort_places == 20 and course.for_coordinators and not course.self_identified
        assert AuditEvent.objects.filter(action="forums.forum_created", object_id=str(course.pk)).exists()
    change_url = f"/national/forums/{course.slug}/change/"
    assert "New co-ordinators" in client.get(change_url).content.decode()
    changed = _post(client, change_url, cohort_places="24", summary="Six sessions and a handbook.")
    assert changed.status_code == 302
    with system_national_context():
        course.refresh_from_db()
        assert course.cohort_places == 24 and course.summary == "Six sessions and a handbook."
        event = AuditEvent.objects.get(action="forums.forum_changed", object_id=str(course.pk))
        assert event.changes["cohort_places"] == [20, 24]


def test_gems_is_self_identified_and_for_nqsws_only(client, login, national_staff):
    login(national_staff)
    refused = _post(
        client,
        "/national/forums/new/",
        name="GEMS",
        kind=ForumKind.GEMS,
        audience=["for_nqsws", "for_assessors"],
        cohort_places="",
    )
    assert "GEMS is for newly qualified social workers only" in refused.content.decode()
    _post(
        client,
        "/national/forums/new/",
        name="GEMS",
        kind=ForumKind.GEMS,
        audience=["for_nqsws"],
        cohort_places="",
    )
    with system_national_context():
        gems = Forum.objects.get(name="GEMS")
        assert gems.self_identified and gems.private


def test_the_kind_is_kept_once_there_are_sessions_and_names_are_unique(client, login, national_staff):
    drop_in = forum(ForumKind.DROP_IN, name="Monthly drop-in")
    session(drop_in, days=5)
    login(national_staff)
    url = f"/national/forums/{drop_in.slug}/change/"
    page = _post(client, url, name="Monthly drop-in", kind=ForumKind.COURSE).content.decode()
    assert "The kind cannot change once the forum has sessions" in page
    other = forum(ForumKind.ASSESSORS, name="Assessors' forum")
    page = _post(
        client,
        f"/national/forums/{other.slug}/change/",
        name="monthly DROP-IN",
        kind=ForumKind.ASSESSORS,
        audience=["for_assessors"],
        cohort_places="",
    ).content.decode()
    assert "There is already a forum with this name" in page
    bad = client.post("/national/forums/new/", {"kind": "nonsense", "default_duration_minutes": "x"})
    assert bad.status_code == 200 and "Select what kind it is" in bad.content.decode()


def test_only_national_staff_open_the_forum_pages(client, login, employer_a):
    drop_in = forum(ForumKind.DROP_IN)
    login(employer_a.coordinator)
    assert client.get("/national/forums/new/").status_code == 403
    assert _post(client, "/national/forums/new/").status_code == 403
    assert client.get(f"/national/forums/{drop_in.slug}/change/").status_code == 403
    with system_national_context():
        assert not Forum.objects.filter(name="New co-ordinators' training").exists()
