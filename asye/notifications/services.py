"""Writes of the notification centre: telling a person something (in the app, and by email at once or
in the day's digest), marking notifications read, and each person's choice of email."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.notifications.models import EmailFrequency, Notification, NotificationPreference
from asye.notifications.outbox import email_queue

UNREAD_CACHE_SECONDS = 10 * 60


def unread_cache_key(person_id: int, employer_id: int | None) -> str:
    return f"notifications:unread:{person_id}:{employer_id or 'national'}"


def forget_unread(person_id: int, employer_id: int | None) -> None:
    """Drop the cached unread count now and again once the transaction commits (so a page read in between
    cannot cache the old figure for long)."""
    key = unread_cache_key(person_id, employer_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def email_frequency(*, person_id: int, employer_id: int | None) -> str:
    """The person's choice for this employer (or their national role); immediately when unset."""
    chosen = (
        NotificationPreference.objects.filter(person_id=person_id, employer_id=employer_id)
        .values_list("email_frequency", flat=True)
        .first()
    )
    return chosen or EmailFrequency.IMMEDIATELY


def notify(
    *,
    person,
    employer_id: int | None,
    kind: str,
    message: str,
    link: str = "",
    email_subject: str = "",
    frequency: str | None = None,
) -> Notification:
    """Tell one person something, in the caller's transaction and tenant context: a notification in their
    centre and, if they chose "immediately", an email through the outbox (else the day's digest)."""
    now = clock.now()
    frequency = frequency or email_frequency(person_id=person.pk, employer_id=employer_id)
    emailed = frequency == EmailFrequency.IMMEDIATELY and bool(person.email)
    notification = Notification.objects.create(
        employer_id=employer_id,
        person_id=person.pk,
        kind=kind,
        message=message[:300],
        link=link[:300],
        created_at=now,
        emailed_at=now if emailed else None,
    )
    if emailed:
        email_queue(
            to=person.email,
            subject=email_subject or message[:120],
            template="notifications/email/notification",
            context={"message": message, "link": absolute(link)},
            kind=f"notification.{kind}",
            employer_id=employer_id,
            person_id=person.pk,
            about=notification,
        )
    forget_unread(person.pk, employer_id)
    return notification


def absolute(link: str) -> str:
    """A page's address as an email gives it: under the service's own address when one is set."""
    if not link or link.startswith(("http://", "https://")):
        return link
    base = settings.ASYE_BASE_URL.rstrip("/")
    return base + link if base else link


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (the view found it through the actor's selector).
    Marking it again changes nothing."""
    if notification.read_at is None:
        notification.read_at = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        forget_unread(actor.user.pk, notification.employer_id)
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Actor) -> int:
    """Mark every unread notification of the actor's (this employer's and their national ones) read."""
    count = Notification.objects.visible_to(actor).filter(read_at__isnull=True).update(read_at=clock.now())
    forget_unread(actor.user.pk, actor.employer_id)
    forget_unread(actor.user.pk, None)
    return count


@transaction.atomic
def notification_preference_set(*, actor: Actor, email_frequency: str) -> NotificationPreference:
    """Save how the actor wants notifications emailed, for the employer they act for now (or their national
    role when they act for none)."""
    if email_frequency not in EmailFrequency.values:
        raise ValidationError({"email_frequency": "Select how often you want to be emailed"})
    preference, _ = NotificationPreference.objects.update_or_create(
        person_id=actor.user.pk, employer_id=actor.employer_id, defaults={"email_frequency": email_frequency}
    )
    return preference
