"""Reads of a course's (or action learning set's) cohort for its organisers (national staff), inside the
audited national scope: who has a place, who is waiting, and the people an organiser may enrol, found by
name or email among those the course is for, at any employer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role, User
from forums.models import Forum, ForumMembership

# The most people one search lists: the organiser narrows the words rather than pages through them.
MOST_FOUND = 20
SHORTEST_SEARCH = 2


@dataclass(frozen=True)
class Candidate:
    """A person who may be enrolled, with where they work (their roles there that the course is for)."""

    pk: int
    name: str
    email: str
    employers: str


def audience_roles(forum: Forum) -> list[str]:
    """The roles a forum is for."""
    flags = (
        ("for_nqsws", Role.NQSW),
        ("for_assessors", Role.ASSESSOR),
        ("for_coordinators", Role.COORDINATOR),
    )
    return [role for flag, role in flags if getattr(forum, flag)]


def cohort_members(*, actor: Actor, forum: Forum) -> QuerySet[ForumMembership]:
    """Everyone on the cohort now, with a place or waiting, in the order they joined (the longest waiting
    first)."""
    actor.require(Role.NATIONAL_STAFF)
    return (
        ForumMembership.objects.filter(forum=forum, left_at__isnull=True)
        .select_related("person")
        .order_by("joined_at", "id")
    )


def cohort_member_get(*, actor: Actor, forum: Forum, pk: int) -> ForumMembership | None:
    """One person on this cohort now; None when the row is not (or no longer) one of its people."""
    return cohort_members(actor=actor, forum=forum).filter(pk=pk).first()


def _eligible(forum: Forum) -> QuerySet[Membership]:
    return Membership.objects.active().filter(role__in=audience_roles(forum), employer__isnull=False)


def cohort_candidates(*, actor: Actor, forum: Forum, search: str) -> list[Candidate]:
    """People the course is for (an active role of its audience at any employer) whose name or email
    holds ``search`` (at least two characters), and who are not on the cohort now."""
    actor.require(Role.NATIONAL_STAFF)
    words = search.strip()
    if len(words) < SHORTEST_SEARCH:
        return []
    on_cohort = ForumMembership.objects.filter(forum=forum, left_at__isnull=True).values("person_id")
    people = (
        User.objects.filter(pk__in=_eligible(forum).values("user_id"), is_active=True)
        .filter(Q(full_name__icontains=words) | Q(email__icontains=words))
        .exclude(pk__in=on_cohort)
        .order_by("full_name", "email")[:MOST_FOUND]
    )
    people = list(people)
    where: dict[int, set[str]] = {person.pk: set() for person in people}
    for held in _eligible(forum).filter(user_id__in=where).select_related("employer"):
        where[held.user_id].add(f"{held.employer.name} ({held.get_role_display()})")
    return [
        Candidate(
            pk=person.pk,
            name=person.full_name or person.email,
            email=person.email,
            employers=", ".join(sorted(where[person.pk])),
        )
        for person in people
    ]


def cohort_candidate_get(*, actor: Actor, forum: Forum, pk: int) -> User | None:
    """The person to enrol if the course is for them; None for anyone else (or no one)."""
    actor.require(Role.NATIONAL_STAFF)
    return User.objects.filter(pk=pk, is_active=True, pk__in=_eligible(forum).values("user_id")).first()


def employer_of(forum: Forum, person_id: int) -> int | None:
    """The employer a person takes part from (their first active role the course is for), for the counts
    of their sign-ups."""
    return (
        _eligible(forum)
        .filter(user_id=person_id)
        .order_by("employer_id")
        .values_list("employer_id", flat=True)
    ).first()
