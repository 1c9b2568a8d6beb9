"""Retention: notifications' part of the registry (``asye.retention``, docs/equity-and-retention.md).

An anonymised person's own notifications are deleted. Emails to them, and emails about their registrations,
keep their kind, status and dates, but their address becomes ``removed@invalid.example`` and every name,
email and number of theirs is removed from the subject and body. Other people's notifications and emails
at the same employers (a co-ordinator's reminder naming the NQSW) lose the full name, email and number.
"""

from __future__ import annotations

from django.db.models import Q

from asye.notifications.models import Notification, OutboxEmail
from asye.retention import Batch, RetentionPart, counts, scrub_columns

REMOVED_ADDRESS = "removed@invalid.example"
OUTBOX = OutboxEmail._meta.db_table
NOTIFICATION = Notification._meta.db_table
EMAIL_TEXT = ["subject", "body_text", "body_html"]


def _linked_emails(batch: Batch):
    about = Q(about_type=batch.registration_type, about_id__in=[str(pk) for pk in batch.registration_ids])
    return OutboxEmail.objects.filter(about | Q(to_person_id__in=batch.released_user_ids))


def anonymise(batch: Batch) -> int:
    changed, _ = Notification.objects.filter(person_id__in=batch.released_user_ids).delete()
    linked = list(_linked_emails(batch).values_list("pk", flat=True))
    changed += OutboxEmail.objects.filter(pk__in=linked, to_person_id__in=batch.released_user_ids).update(
        to_address=REMOVED_ADDRESS
    )
    changed += scrub_columns(OUTBOX, EMAIL_TEXT, batch.linked_pattern(), "id = ANY(%(ids)s)", {"ids": linked})
    in_employers = "employer_id = ANY(%(employers)s)"
    params = {"employers": batch.employer_ids}
    changed += scrub_columns(OUTBOX, ["to_address", *EMAIL_TEXT], batch.pattern(), in_employers, params)
    changed += scrub_columns(NOTIFICATION, ["message"], batch.pattern(), in_employers, params)
    return changed


def preview(batch: Batch) -> dict[str, int]:
    return counts(
        {
            NOTIFICATION: Notification.objects.filter(person_id__in=batch.released_user_ids),
            OUTBOX: _linked_emails(batch),
        }
    )


PARTS = [RetentionPart("notifications", anonymise=anonymise, preview=preview, order=80)]
