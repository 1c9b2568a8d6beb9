"""The daily digest: for each person who chose it, one email with the notifications not yet emailed, per
employer (and one for their national notifications). Marking them emailed and queuing the email happen in
one transaction, so a repeated run sends nothing twice."""

from __future__ import annotations

from collections import Counter

from django.db import transaction

from asye import clock
from asye.notifications.models import EmailFrequency, Notification, NotificationPreference
from asye.notifications.outbox import email_queue
from asye.notifications.services import absolute
from asye.tenancy.db import system_national_context


def digests_send() -> Counter:
    counts: Counter = Counter(digests=0, notifications=0)
    with system_national_context():
        choices = list(
            NotificationPreference.objects.filter(email_frequency=EmailFrequency.DAILY).values_list(
                "person_id", "employer_id"
            )
        )
    for person_id, employer_id in choices:
        with system_national_context(), transaction.atomic():
            waiting = list(
                Notification.objects.select_for_update()
                .select_related("person")
                .filter(person_id=person_id, employer_id=employer_id, emailed_at__isnull=True)
                .order_by("created_at", "id")
            )
            if not waiting:
                continue
            person = waiting[0].person
            Notification.objects.filter(pk__in=[n.pk for n in waiting]).update(emailed_at=clock.now())
            if not person.email or not person.is_active:
                continue
            items = [{"message": n.message, "link": absolute(n.link)} for n in waiting if n.read_at is None]
            if not items:
                continue
            email_queue(
                to=person.email,
                subject=f"Your ASYE notifications: {len(items)} new",
                template="notifications/email/digest",
                context={"items": items},
                kind="notification.digest",
                employer_id=employer_id,
                person_id=person_id,
            )
            counts["digests"] += 1
            counts["notifications"] += len(items)
    return counts
