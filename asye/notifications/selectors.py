"""Reads of the notification centre: a person's own notifications (someone else's is a 404, whatever
their role), the unread count the header shows (cached), and their email choice."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from asye.accounts.actor import Actor
from asye.notifications.models import Notification
from asye.notifications.services import UNREAD_CACHE_SECONDS, email_frequency, unread_cache_key


def notification_list(*, actor: Actor) -> QuerySet[Notification]:
    """The actor's own notifications, newest first: this employer's and their national ones."""
    return Notification.objects.visible_to(actor).order_by("-created_at", "-id")


def notification_get(*, actor: Actor, pk: int) -> Notification:
    """One of the actor's own notifications; 404 whether missing or someone else's."""
    return get_object_or_404(Notification.objects.visible_to(actor), pk=pk)


def unread_count(*, actor: Actor) -> int:
    """How many of the actor's notifications are unread: one query, then cached until one is added or
    read (so a page's header costs nothing once warm)."""
    if not actor.is_authenticated:
        return 0
    keys = [unread_cache_key(actor.user.pk, actor.employer_id)] if actor.employer_id else []
    keys.append(unread_cache_key(actor.user.pk, None))
    cached = cache.get_many(keys)
    if len(cached) == len(keys):
        return sum(cached.values())
    counts = dict.fromkeys([actor.employer_id] if actor.employer_id else [], 0) | {None: 0}
    rows = (
        Notification.objects.visible_to(actor)
        .filter(read_at__isnull=True)
        .values_list("employer_id")
        .order_by()
    )
    for employer_id, n in rows.annotate(n=Count("id")):
        counts[employer_id] = n
    cache.set_many(
        {unread_cache_key(actor.user.pk, employer_id): n for employer_id, n in counts.items()},
        UNREAD_CACHE_SECONDS,
    )
    return sum(counts.values())


def notification_preference(*, actor: Actor) -> str:
    return email_frequency(person_id=actor.user.pk, employer_id=actor.employer_id)
