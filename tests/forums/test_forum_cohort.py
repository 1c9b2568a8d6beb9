"""A course's cohort, enrolled by its organisers (#17 item 1): national staff find the people the course is
for at any employer by name or email and enrol them up to its places, then on a waiting list; withdrawing
someone gives their place (and their sessions) to the person waiting longest; everyone is told once
through the notification centre; every change is audited; mistakes are GOV.UK errors, never a 500; no one
but national staff opens the pages, and another cohort's row is a 404."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from asye.audit.models import AuditEvent
from asye.notifications.models import Notification
from asye.tenancy.db import system_national_context
from forums import cohort_services, services
from forums.models import ForumKind, ForumMembership, SessionSignup, SignupStatus
from tests.forums.helpers import acting, actor, forum, session

pytestmark = pytest.mark.django_db


def _course(places=1):
    course = forum(ForumKind.COURSE, name="New co-ordinators' training", cohort_places=places)
    return course, [session(course, days=7, capacity=places), session(course, days=14, capacity=places)]


def _url(course, suffix=""):
    return f"/national/forums/{course.slug}/cohort/{suffix}"


def _booked(person, sessions) -> list[str]:
    with system_national_context():
        return [
            SessionSignup.objects.filter(session=s, person=person).values_list("status", flat=True).first()
            for s in sessions
        ]


def _told(person, kind) -> int:
    with system_national_context():
        return Notification.objects.filter(person=person, kind=kind).count()


def test_organisers_enrol_coordinators_of_any_employer_then_a_waiting_list(
    client, login, national_staff, employer_a, employer_b
):
    course, sessions = _course(places=1)
    login(national_staff)
    found = client.get(_url(course), {"q": "coordinator@"})
    page = found.content.decode()
    assert found.status_code == 200
    assert employer_a.coordinator.email in page and employer_b.coordinator.email in page
    assert employer_a.nqsw.email not in page  # the course is for co-ordinators only

    enrolled = client.post(_url(course), {"q": "coordinator@", "person": employer_a.coordinator.pk})
    assert enrolled.status_code == 302 and enrolled.url == _url(course)
    assert _booked(employer_a.coordinator, sessions) == [SignupStatus.BOOKED, SignupStatus.BOOKED]
    assert _told(employer_a.coordinator, "forums.cohort_enrolled") == 1

    full = client.post(_url(course), {"q": "coordinator@", "person": employer_b.coordinator.pk})
    page = full.content.decode()
    assert full.status_code == 200 and "govuk-error-summary" in page
    assert "is full (all its places are taken)" in page

    waiting = client.post(
        _url(course), {"q": "coordinator@", "person": employer_b.coordinator.pk, "waiting_list": "yes"}
    )
    assert waiting.status_code == 302
    with system_national_context():
        membership = ForumMembership.objects.get(forum=course, person=employer_b.coordinator)
        assert membership.waiting and membership.left_at is None
        assert (
            AuditEvent.objects.filter(action="forums.cohort_enrolled", object_id=str(course.pk)).count() == 1
        )
        assert (
            AuditEvent.objects.filter(action="forums.cohort_waiting", object_id=str(course.pk)).count() == 1
        )
    assert _booked(employer_b.coordinator, sessions) == [None, None]
    assert _told(employer_b.coordinator, "forums.cohort_waiting") == 1
    assert "Waiting list" in client.get(_url(course)).content.decode()


def test_withdrawing_gives_the_place_and_its_sessions_to_the_person_waiting_longest(
    client, login, national_staff, employer_a, employer_b
):
    course, sessions = _course(places=1)
    organiser = actor(national_staff)
    with acting(organiser), system_national_context():
        first = cohort_services.cohort_enrol(
            actor=organiser, forum=course, person_id=employer_a.coordinator.pk
        )
        cohort_services.cohort_enrol(
            actor=organiser, forum=course, person_id=employer_b.coordinator.pk, waiting_list=True
        )
    login(national_staff)
    confirm = client.get(_url(course, f"{first.pk}/withdraw/"))
    assert confirm.status_code == 200 and "Withdraw" in confirm.content.decode()
    done = client.post(_url(course, f"{first.pk}/withdraw/"))
    assert done.status_code == 302
    assert _booked(employer_a.coordinator, sessions) == [SignupStatus.CANCELLED, SignupStatus.CANCELLED]
    assert _booked(employer_b.coordinator, sessions) == [SignupStatus.BOOKED, SignupStatus.BOOKED]
    assert _told(employer_a.coordinator, "forums.cohort_withdrawn") == 1
    assert _told(employer_b.coordinator, "forums.cohort_promoted") == 1
    with system_national_context():
        assert not ForumMembership.objects.get(forum=course, person=employer_b.coordinator).waiting
        assert AuditEvent.objects.filter(action="forums.cohort_withdrawn").count() == 1
        assert AuditEvent.objects.filter(action="forums.cohort_promoted").count() == 1
    # Withdrawn already: the row is no longer on the cohort.
    assert client.post(_url(course, f"{first.pk}/withdraw/")).status_code == 404


def test_leaving_a_course_oneself_gives_the_place_to_the_person_waiting(
    national_staff, employer_a, employer_b
):
    course, sessions = _course(places=1)
    organiser = actor(national_staff)
    with acting(organiser), system_national_context():
        cohort_services.cohort_enrol(actor=organiser, forum=course, person_id=employer_a.coordinator.pk)
        cohort_services.cohort_enrol(
            actor=organiser, forum=course, person_id=employer_b.coordinator.pk, waiting_list=True
        )
    leaver = actor(employer_a.coordinator, employer_a.employer)
    with acting(leaver):
        services.membership_leave(actor=leaver, forum=course)
    assert _booked(employer_b.coordinator, sessions) == [SignupStatus.BOOKED, SignupStatus.BOOKED]
    assert _told(employer_b.coordinator, "forums.cohort_promoted") == 1


def test_mistakes_are_gov_uk_errors_never_a_500(client, login, national_staff, employer_a, employer_b):
    course, _sessions = _course(places=2)
    login(national_staff)
    for bad in ({}, {"person": "x"}, {"person": "999999"}, {"person": employer_a.nqsw.pk}):
        page = client.post(_url(course), {"q": "example", **bad})
        assert page.status_code == 200 and "govuk-error-summary" in page.content.decode(), bad
        assert "Select a person from the search results" in page.content.decode()
    organiser = actor(national_staff)
    with acting(organiser), system_national_context():
        cohort_services.cohort_enrol(actor=organiser, forum=course, person_id=employer_a.coordinator.pk)
        with pytest.raises(ValidationError, match="already enrolled"):
            cohort_services.cohort_enrol(actor=organiser, forum=course, person_id=employer_a.coordinator.pk)
        with pytest.raises(ValidationError):
            cohort_services.cohort_enrol(actor=organiser, forum=course, person_id=employer_a.nqsw.pk)
    # Already on it: listed with a place, no longer offered by the search.
    listed = client.get(_url(course), {"q": "coordinator@"})
    offered = [value for value, _label in listed.context["form"].fields["person"].choices]
    assert offered == [str(employer_b.coordinator.pk)]
    assert [m.person for m in listed.context["enrolled"]] == [employer_a.coordinator]
    assert client.get(_url(course), {"q": "x" * 500}).status_code == 200


def test_only_national_staff_open_the_cohort_pages(client, login, national_staff, employer_a):
    course, _sessions = _course(places=2)
    other, _ = _course(places=2)
    organiser = actor(national_staff)
    with acting(organiser), system_national_context():
        member = cohort_services.cohort_enrol(
            actor=organiser, forum=course, person_id=employer_a.coordinator.pk
        )
    login(employer_a.coordinator, employer_a.employer)
    assert client.get(_url(course)).status_code == 403
    assert client.post(_url(course), {"person": employer_a.coordinator.pk}).status_code == 403
    assert client.post(_url(course, f"{member.pk}/withdraw/")).status_code == 403
    login(national_staff)
    # Another cohort's row, a forum with no cohort, a forum that does not exist: 404.
    assert client.get(_url(other, f"{member.pk}/withdraw/")).status_code == 404
    assert client.get(_url(forum(ForumKind.DROP_IN))).status_code == 404
    assert client.get("/national/forums/no-such-forum/cohort/").status_code == 404
    assert client.delete(_url(course)).status_code == 405
