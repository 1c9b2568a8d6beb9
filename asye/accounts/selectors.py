"""Reads about people, scoped to the actor's employer."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Invitation, Membership, Role


def membership_list(*, actor: Actor) -> QuerySet[Membership]:
    """The employer's current memberships. Co-ordinators only."""
    actor.require(Role.COORDINATOR)
    if actor.employer_id is None:
        return Membership.objects.none()
    return (
        Membership.objects.active()
        .filter(employer_id=actor.employer_id)
        .select_related("user")
        .order_by("user__full_name", "user__email", "role")
    )


def membership_search(members: QuerySet[Membership], text: str) -> QuerySet[Membership]:
    """The memberships of people whose name (any word of it) or email address starts with ``text``
    (#18 item 2); an empty search keeps them all. A team is one employer's, so no index is needed."""
    text = " ".join((text or "").split())[:100]
    if not text:
        return members
    return members.filter(
        Q(user__full_name__istartswith=text)
        | Q(user__full_name__icontains=f" {text}")
        | Q(user__email__istartswith=text)
    )


def membership_get(*, actor: Actor, pk: int) -> Membership:
    return get_object_or_404(membership_list(actor=actor), pk=pk)


def invitation_list_pending(*, actor: Actor) -> QuerySet[Invitation]:
    actor.require(Role.COORDINATOR)
    if actor.employer_id is None:
        return Invitation.objects.none()
    return Invitation.objects.filter(
        employer_id=actor.employer_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=clock.now(),
    ).select_related("invited_by")


def invitation_get(*, actor: Actor, pk: int) -> Invitation:
    return get_object_or_404(invitation_list_pending(actor=actor), pk=pk)
