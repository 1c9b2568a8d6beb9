"""Writes of a course's (or action learning set's) cohort by its organisers (national staff): enrolling a
person, up to the cohort's places or on its waiting list, and withdrawing one, which gives the place to
the person waiting longest. A person with a place has a place at each of the cohort's sessions still to
come. Everyone is told through the notification centre (and by email as they chose), once; every change
is audited. Called inside the audited national scope (the organisers' pages); each checks the role too."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from forums.cohort_selectors import cohort_candidate_get, employer_of
from forums.models import Forum, ForumMembership, ForumSession, SessionSignup, SignupStatus
from forums.notices import notice_send

NOT_LISTED = "Select a person from the search results"


def _open_members(forum: Forum):
    return ForumMembership.objects.filter(forum=forum, left_at__isnull=True)


def places_taken(forum: Forum) -> int:
    return _open_members(forum).filter(waiting=False).count()


def _book_upcoming(forum: Forum, person_id: int) -> None:
    """A place at each session of the cohort still to come (a place given up earlier is taken again)."""
    employer_id = employer_of(forum, person_id)
    upcoming = ForumSession.objects.filter(forum=forum, starts_at__gt=clock.now(), cancelled_at__isnull=True)
    for session in upcoming:
        SessionSignup.objects.update_or_create(
            session=session,
            person_id=person_id,
            defaults={
                "employer_id": employer_id,
                "private": forum.private,
                "status": SignupStatus.BOOKED,
                "signed_up_at": clock.now(),
                "cancelled_at": None,
                "promoted_at": None,
            },
        )


def _give_up_upcoming(forum: Forum, person_id: int) -> None:
    SessionSignup.objects.filter(
        person_id=person_id, session__forum=forum, session__starts_at__gt=clock.now()
    ).exclude(status=SignupStatus.CANCELLED).update(status=SignupStatus.CANCELLED, cancelled_at=clock.now())


def _changed(actor: Actor | None, membership: ForumMembership, what: str, message: str) -> None:
    """Tell the person of a change to their place on the cohort (once) and audit it, both under ``what``."""
    notice_send(
        person=membership.person,
        kind=what,
        key=f"membership:{membership.pk}",
        message=message,
        link=reverse("forums:forum", args=[membership.forum.slug]),
    )
    audit_record(
        actor=actor,
        obj=membership.forum,
        employer_id=None,
        action=what,
        changes={"person": membership.person_id},
    )


@transaction.atomic
def cohort_enrol(
    *, actor: Actor, forum: Forum, person_id: int | None, waiting_list: bool = False
) -> ForumMembership:
    """Enrol a person the course is for on its cohort: a place when one is free, else (only when the
    organiser asks, ``waiting_list``) a place on the waiting list. The person is told."""
    actor.require(Role.NATIONAL_STAFF)
    if forum.cohort_places is None:
        raise ValidationError("Only courses and action learning sets have a cohort to enrol people on.")
    person = cohort_candidate_get(actor=actor, forum=forum, pk=person_id) if person_id else None
    if person is None:
        raise ValidationError({"person": [NOT_LISTED]})
    Forum.objects.select_for_update().get(pk=forum.pk)
    current = _open_members(forum).filter(person=person).first()
    if current is not None:
        where = "on the waiting list for" if current.waiting else "enrolled on"
        raise ValidationError(
            {"person": [f"{person.full_name or person.email} is already {where} {forum.name}"]}
        )
    full = places_taken(forum) >= forum.cohort_places
    if full and not waiting_list:
        raise ValidationError(
            {
                "person": [
                    f"{forum.name} is full (all its places are taken): add them to the waiting list instead"
                ]
            }
        )
    membership = ForumMembership.objects.create(
        forum=forum, person=person, joined_at=clock.now(), waiting=full
    )
    if full:
        _changed(actor, membership, "forums.cohort_waiting", f"You are on the waiting list for {forum.name}.")
    else:
        _book_upcoming(forum, person.pk)
        _changed(actor, membership, "forums.cohort_enrolled", f"You have a place on {forum.name}.")
    return membership


@transaction.atomic
def cohort_withdraw(*, actor: Actor, forum: Forum, membership: ForumMembership) -> ForumMembership | None:
    """Take a person off the cohort (or its waiting list): their places at sessions still to come are
    given up, they are told, and a freed place goes to the person waiting longest, who is told too.
    Returns who got the place, if anyone."""
    actor.require(Role.NATIONAL_STAFF)
    Forum.objects.select_for_update().get(pk=forum.pk)
    withdrawn = _open_members(forum).filter(pk=membership.pk).update(left_at=clock.now())
    if not withdrawn:
        return None
    _give_up_upcoming(forum, membership.person_id)
    _changed(actor, membership, "forums.cohort_withdrawn", f"You are no longer enrolled on {forum.name}.")
    return cohort_fill(actor=actor, forum=forum)


def cohort_fill(*, actor: Actor | None, forum: Forum) -> ForumMembership | None:
    """Give a free place on the cohort to the person waiting longest, book their sessions and tell them
    (in the caller's transaction, with the forum locked)."""
    if forum.cohort_places is None or places_taken(forum) >= forum.cohort_places:
        return None
    first = (
        _open_members(forum)
        .filter(waiting=True)
        .select_related("person", "forum")
        .order_by("joined_at", "id")
        .first()
    )
    if first is None:
        return None
    ForumMembership.objects.filter(pk=first.pk).update(waiting=False)
    _book_upcoming(forum, first.person_id)
    _changed(actor, first, "forums.cohort_promoted", f"A place on {forum.name} is now yours.")
    return first
