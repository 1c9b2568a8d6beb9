"""What the date alone changes, applied each night for one employer (``programmes.tasks`` runs it in each
employer's tenant context): deferrals that start or end on a later day switch the status on their day,
scheduled withdrawals and transfers take effect, and every open registration's progress is worked out
again for the new day (a review's window opens, a due date passes, the protected-time target grows).

Safe to run twice on the same day, and to miss a night: each step looks at what is due by ``today``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from asye import clock
from asye.audit.services import audit_record
from programmes.endings import registration_endings_apply
from programmes.models import Deferral, Registration, RegistrationStatus
from programmes.progress_store import OPEN_STATUSES, progress_refresh


def deferred_on(deferrals: Iterable[Deferral], day: datetime.date) -> bool:
    """Whether a deferral pauses the programme on ``day``: it has started and the NQSW has not yet resumed
    (``ended_on`` is the day they are back)."""
    return any(d.started_on <= day and (d.ended_on is None or d.ended_on > day) for d in deferrals)


def status_on(deferrals: Iterable[Deferral], day: datetime.date) -> str:
    """An open registration's status on ``day``: deferred while a deferral covers it, else in progress."""
    return RegistrationStatus.DEFERRED if deferred_on(deferrals, day) else RegistrationStatus.ACTIVE


def registration_deferrals_apply(*, today: datetime.date | None = None) -> int:
    """Switch open registrations to deferred on the day their deferral starts, and back to in progress on
    the day they resume, in the current tenant context. Returns how many changed."""
    today = today or clock.today()
    covering = Deferral.objects.filter(registration=OuterRef("pk"), started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    )
    starting = Registration.objects.filter(status=RegistrationStatus.ACTIVE).filter(Exists(covering))
    ending = Registration.objects.filter(status=RegistrationStatus.DEFERRED).exclude(Exists(covering))
    changed = 0
    for queryset, status, action in (
        (starting, RegistrationStatus.DEFERRED, "registration.deferral_started"),
        (ending, RegistrationStatus.ACTIVE, "registration.deferral_ended"),
    ):
        for pk in list(queryset.values_list("pk", flat=True)):
            with transaction.atomic():
                registration = Registration.objects.select_for_update().get(pk=pk)
                before = registration.status
                if before not in OPEN_STATUSES or before == status:
                    continue
                Registration.objects.filter(pk=pk).update(
                    status=status, version=registration.version + 1, updated_at=clock.now()
                )
                registration.refresh_from_db()
                audit_record(
                    actor=None,
                    obj=registration,
                    action=action,
                    changes={"status": [before, status], "on": today, "scheduled": True},
                )
                changed += 1
    return changed


def programme_dates_apply(*, today: datetime.date | None = None) -> dict[str, int]:
    """Everything the night does for the employer of the current tenant context, in order: deferrals,
    scheduled ends, then the progress of every open registration (and any never worked out)."""
    today = today or clock.today()
    done = {
        "deferrals": registration_deferrals_apply(today=today),
        "endings": registration_endings_apply(today=today),
    }
    ids = list(
        Registration.objects.filter(Q(status__in=OPEN_STATUSES) | Q(progress_on__isnull=True)).values_list(
            "pk", flat=True
        )
    )
    done["progress"] = progress_refresh(registration_ids=ids, today=today)
    return done


def upcoming_changes(
    registrations: Iterable[Registration], *, today: datetime.date | None = None
) -> dict[int, list[str]]:
    """What is arranged to take effect on a later day, by registration id, in words for the pages:
    "Deferral from 10 December 2026", "Back from 4 January 2027", "Withdrawal from 10 December 2026".
    One query, whatever the number."""
    today = today or clock.today()
    registrations = list(registrations)
    changes: dict[int, list[str]] = {r.pk: [] for r in registrations}
    open_ids = [r.pk for r in registrations if r.is_open]
    later = Deferral.objects.filter(registration_id__in=open_ids).filter(
        Q(started_on__gt=today) | Q(ended_on__gt=today)
    )
    for deferral in later.order_by("started_on", "id"):
        if deferral.started_on > today:
            changes[deferral.registration_id].append(f"Deferral from {_long(deferral.started_on)}")
        if deferral.ended_on is not None and deferral.ended_on > today:
            changes[deferral.registration_id].append(f"Back from {_long(deferral.ended_on)}")
    for registration in registrations:
        if registration.is_open and registration.ending_on is not None:
            what = "Withdrawal" if registration.ending_status == RegistrationStatus.WITHDRAWN else "Transfer"
            changes[registration.pk].append(f"{what} from {_long(registration.ending_on)}")
    return changes


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"
