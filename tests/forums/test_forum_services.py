"""Signing up, the waiting list and its promotion, cancelling, joining GEMS and courses, attendance and
the CPD record: the services, and what each person can read afterwards."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from asye import clock
from asye.notifications.models import Notification
from asye.tenancy.db import system_national_context, tenant_context, tenant_settings
from forums import national_services, selectors, services
from forums.models import ForumKind, ForumMembership, SessionSignup, SignupStatus
from tests.factories import person
from tests.forums.helpers import acting, actor, forum, session

pytestmark = pytest.mark.django_db


def _run(fn):
    def call(*, actor, **kwargs):
        with acting(actor):
            return fn(actor=actor, **kwargs)

    return call


_view = _run(selectors.session_view)
_signup = _run(services.signup_create)
_cancel = _run(services.signup_cancel)
_join = _run(services.membership_join)
_leave = _run(services.membership_leave)
_get = _run(selectors.session_get)
_cpd = _run(selectors.cpd_record)


def _memberships(who):
    with acting(who):
        return selectors.memberships_of(who)


def nqsw(employer, n):
    from asye.accounts.models import Role

    return person(role=Role.NQSW, employer=employer.employer, email=f"nqsw{n}@{employer.employer.pk}.example")


def test_signing_up_books_a_place_and_shows_the_joining_details_only_then(employer_a):
    meeting = session(forum(), capacity=10)
    sam = actor(employer_a.nqsw, employer_a.employer)
    before = _view(actor=sam, session=meeting)
    assert before.joining_details == "" and before.may_sign_up
    signup = _signup(actor=sam, session=meeting)
    assert signup.status == SignupStatus.BOOKED and signup.employer_id == employer_a.employer.pk
    after = _view(actor=sam, session=meeting)
    assert after.has_place and after.joining_details == "https://meet.example/secret-room"
    assert after.places_left == 9
    # A second press changes nothing.
    assert _signup(actor=sam, session=meeting).pk == signup.pk


def test_a_full_session_puts_people_on_the_waiting_list_and_a_cancellation_promotes_the_first(employer_a):
    meeting = session(forum(), capacity=1)
    first, second, third = (actor(nqsw(employer_a, n), employer_a.employer) for n in range(3))
    assert _signup(actor=first, session=meeting).status == SignupStatus.BOOKED
    assert _signup(actor=second, session=meeting).status == SignupStatus.WAITING
    assert _signup(actor=third, session=meeting).status == SignupStatus.WAITING
    assert _view(actor=second, session=meeting).joining_details == ""

    _cancel(actor=first, session=meeting)

    with system_national_context():
        statuses = dict(SessionSignup.objects.filter(session=meeting).values_list("person_id", "status"))
        told = list(Notification.objects.filter(person=second.user, kind="forums.promoted"))
    assert statuses == {
        first.user.pk: SignupStatus.CANCELLED,
        second.user.pk: SignupStatus.BOOKED,
        third.user.pk: SignupStatus.WAITING,
    }
    # Told once, with no employer on the notification (forums are national).
    assert len(told) == 1 and told[0].employer_id is None
    assert _view(actor=second, session=meeting).joining_details


def test_cancelling_from_the_waiting_list_promotes_nobody(employer_a):
    meeting = session(forum(), capacity=1)
    first, second = (actor(nqsw(employer_a, n), employer_a.employer) for n in range(2))
    _signup(actor=first, session=meeting)
    _signup(actor=second, session=meeting)
    _cancel(actor=second, session=meeting)
    with system_national_context():
        assert not Notification.objects.filter(kind="forums.promoted").exists()


def test_a_forum_not_for_the_role_refuses_sign_up_and_is_a_404(employer_a):
    from django.http import Http404

    assessors = session(forum(ForumKind.ASSESSORS))
    sam = actor(employer_a.nqsw, employer_a.employer)
    with pytest.raises(Http404):
        _get(actor=sam, pk=assessors.pk)
    with pytest.raises(ValidationError):
        _signup(actor=sam, session=assessors)


def test_gems_needs_self_identification_and_never_reads_anything_else(employer_a):
    gems = forum(ForumKind.GEMS)
    meeting = session(gems)
    sam = actor(employer_a.nqsw, employer_a.employer)
    with pytest.raises(ValidationError):
        _signup(actor=sam, session=meeting)
    with pytest.raises(ValidationError) as refused:
        _join(actor=sam, forum=gems, self_identified=False)
    assert "self_identified" in refused.value.message_dict
    _join(actor=sam, forum=gems, self_identified=True)
    assert gems.pk in _memberships(sam)
    signup = _signup(actor=sam, session=meeting)
    assert signup.private is True


def test_gems_rows_are_never_read_by_the_employer_even_by_a_query_that_forgets_to_filter(employer_a):
    """Row-level security (forums/rls.py, docs/security.md "Forums"): in the employer's tenant context an
    unfiltered query sees the employer's ordinary sign-ups but no GEMS sign-up and no GEMS membership."""
    gems, open_forum = forum(ForumKind.GEMS), forum()
    sam = actor(employer_a.nqsw, employer_a.employer)
    _join(actor=sam, forum=gems, self_identified=True)
    _signup(actor=sam, session=session(gems))
    _signup(actor=sam, session=session(open_forum))
    with tenant_context(employer_a.employer.pk):
        assert [s.private for s in SessionSignup.objects.all()] == [False]
        assert ForumMembership.objects.count() == 0
    # The co-ordinator's counts say nothing of GEMS.
    coordinator = actor(employer_a.coordinator, employer_a.employer)
    with tenant_settings(employer_id=employer_a.employer.pk, user_id=employer_a.coordinator.pk):
        counts = selectors.employer_attendance_counts(actor=coordinator)
    assert [(c.forum, c.booked) for c in counts] == [(open_forum.name, 1)]
    # The person reads their own sign-ups, GEMS included.
    with tenant_settings(employer_id=employer_a.employer.pk, user_id=sam.user.pk):
        assert SessionSignup.objects.filter(person=sam.user).count() == 2


def test_another_employers_signups_are_not_read_in_the_tenant_context(employer_a, employer_b):
    meeting = session(forum())
    _signup(actor=actor(employer_b.nqsw, employer_b.employer), session=meeting)
    with tenant_context(employer_a.employer.pk):
        assert SessionSignup.objects.count() == 0
    with tenant_context(employer_b.employer.pk):
        assert SessionSignup.objects.count() == 1


def test_a_course_gives_members_a_place_at_each_session_and_has_limited_places(employer_a, employer_b):
    course = forum(ForumKind.COURSE, cohort_places=1)
    sessions = [session(course, days=d, capacity=1) for d in (7, 14)]
    priya = actor(employer_a.coordinator, employer_a.employer)
    _join(actor=priya, forum=course)
    with system_national_context():
        assert SessionSignup.objects.filter(person=priya.user, status=SignupStatus.BOOKED).count() == 2
    with pytest.raises(ValidationError, match="All the places"):
        _join(actor=actor(employer_b.coordinator, employer_b.employer), forum=course)
    _leave(actor=priya, forum=course)
    with system_national_context():
        assert not SessionSignup.objects.filter(person=priya.user, status=SignupStatus.BOOKED).exists()
    assert sessions


def test_attendance_counts_in_the_cpd_record(employer_a, national_staff):
    meeting = session(forum(), days=2, duration_minutes=90)
    sam = actor(employer_a.nqsw, employer_a.employer)
    signup = _signup(actor=sam, session=meeting)
    organiser = actor(national_staff)
    with pytest.raises(ValidationError):
        with system_national_context():
            national_services.attendance_record(actor=organiser, session=meeting, attended={signup.pk})
    with time_machine.travel(clock.now() + datetime.timedelta(days=3)):
        with system_national_context():
            national_services.attendance_record(actor=organiser, session=meeting, attended={signup.pk})
        record = _cpd(actor=sam)
    assert [s.session_id for s in record.attended] == [meeting.pk]
    assert record.total_hours == 1.5


def test_an_nqsw_whose_programme_ended_keeps_taking_part(employer_a):
    from asye.accounts.models import Membership

    sam_user = employer_a.nqsw
    with system_national_context():
        Membership.objects.filter(user=sam_user).update(ended_at=clock.now())
    sam = actor(sam_user)
    assert sam.employer_id is None
    meeting = session(forum())
    assert _signup(actor=sam, session=meeting).employer_id is None
