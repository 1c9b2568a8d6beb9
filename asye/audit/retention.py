"""Retention: the audit trail's part of the registry (``asye.retention``, docs/equity-and-retention.md).

The trail is append-only for the application role, so this goes through the database function
``retention_scrub_audit`` (``reporting/migrations/0003_retention_privileged``), which can only replace the
batch's terms by ``[removed]``. Every event stays, with its action, time, employer, object type and id:
- events about the batch's registrations or accounts, or done by their people: every name, email and
  number of theirs goes from the object's description, the actor's label ("former NQSW" for the person
  themselves) and the changed values, a first or last name alone too;
- any other event of their employers (or of no employer) naming them in full, by email or by number: those
  go.
The admin's log (``django_admin_log``: national staff's edits in the admin) loses the strong terms too.
On SQLite (the quick start) there is no such function, and the trail is left as it is.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

from asye.audit.models import AuditEvent
from asye.retention import Batch, RetentionPart, counts, scrub_columns

ADMIN_LOG = "django_admin_log"


def _linked(batch: Batch):
    registrations = [str(pk) for pk in batch.registration_ids]
    users = [str(pk) for pk in batch.released_user_ids]
    return AuditEvent.objects.filter(
        Q(object_type=batch.registration_type, object_id__in=registrations)
        | Q(object_type="accounts.user", object_id__in=users)
        | Q(actor_user_id__in=batch.released_user_ids)
    )


def anonymise(batch: Batch) -> int:
    pattern = batch.pattern()
    if not pattern or connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT retention_scrub_audit(%s, %s, %s, %s, %s)",
            [
                pattern,
                batch.employer_ids,
                batch.released_user_ids,
                [str(pk) for pk in batch.registration_ids],
                batch.linked_pattern(),
            ],
        )
        changed = cursor.fetchone()[0]
    # The admin's own log of national staff's edits names objects too (``str()`` of a registration).
    return changed + scrub_columns(ADMIN_LOG, ["object_repr", "change_message"], pattern)


def preview(batch: Batch) -> dict[str, int]:
    """The events about the batch's registrations and people (events elsewhere that name them are found
    when the run reads their names)."""
    return counts({"audit_auditevent": _linked(batch)})


PARTS = [RetentionPart("audit", anonymise=anonymise, preview=preview, order=90)]
