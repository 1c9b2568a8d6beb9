"""A registration's end (withdrawn, or transferred to another employer) on the day it takes effect.

``registration_end`` is the one way a registration ends before completion: dated today or earlier it
applies at once; dated later it is scheduled (``Registration.ending_status``/``ending_on``, with the
reason kept in ``end_reason``), the registration stays open until then and its pages say "Withdrawal
from 10 December"; the nightly job (``registration_endings_apply``) applies it on its day with exactly the
effect of an immediate end: the status, ``ended_at``, an open deferral closed, the audit event and the
funding hook (``funding.hooks.registration_ended``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role, User
from asye.audit.models import AuditEvent
from asye.audit.services import audit_record
from asye.records import versioned_update
from funding import hooks as funding_hooks
from programmes.models import Deferral, Registration, RegistrationStatus
from programmes.progress_store import progress_refresh

# A date further ahead than this is a typing mistake, not a plan.
MAX_DAYS_AHEAD = 366

ENDED_ACTIONS = {
    RegistrationStatus.WITHDRAWN: "registration.withdrawn",
    RegistrationStatus.TRANSFERRED: "registration.transferred_out",
}
SCHEDULED_ACTIONS = {
    RegistrationStatus.WITHDRAWN: "registration.withdrawal_scheduled",
    RegistrationStatus.TRANSFERRED: "registration.transfer_scheduled",
}
WHAT = {RegistrationStatus.WITHDRAWN: "withdrawal", RegistrationStatus.TRANSFERRED: "transfer"}


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_effective_date(
    registration: Registration, day: datetime.date | None, *, field: str, what: str, today: datetime.date
) -> None:
    """A date a change takes effect on: not before the programme's start, not more than a year ahead."""
    if day is None:
        raise ValidationError({field: [f"Enter the date of the {what}"]})
    if day < registration.start_date:
        raise ValidationError(
            {
                field: [
                    f"The {what} must be on or after the programme's start date, "
                    f"{long_date(registration.start_date)}"
                ]
            }
        )
    if day > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({field: [f"The {what} must be within a year from today"]})


REGISTRATION_CHANGED = "This registration was changed by someone else. Reload it and try again."


def _write(registration: Registration, version: int | None, **changes) -> Registration:
    """Write ``changes`` if the registration is still at ``version`` (its current one if None); else 409."""
    return versioned_update(registration, version, REGISTRATION_CHANGED, **changes)


def _apply(
    *,
    actor: Actor | None,
    registration: Registration,
    status: str,
    on: datetime.date,
    reason: str,
    version: int | None,
    scheduled: bool = False,
) -> Registration:
    open_deferral = Deferral.objects.filter(registration=registration, ended_on__isnull=True).first()
    if open_deferral is not None:
        open_deferral.ended_on = max(on, open_deferral.started_on)
        open_deferral.save(update_fields=["ended_on"])
    registration = _write(
        registration,
        version,
        status=status,
        ended_at=on,
        end_reason=reason,
        ending_status="",
        ending_on=None,
    )
    changes: dict = {"on": on, "reason": reason}
    if scheduled:
        changes["scheduled"] = True
    audit_record(actor=actor, obj=registration, action=ENDED_ACTIONS[status], changes=changes)
    funding_hooks.registration_ended(actor=actor, registration=registration)
    progress_refresh(registration=registration)
    return registration


@transaction.atomic
def registration_end(
    *,
    actor: Actor,
    registration: Registration,
    status: str,
    on: datetime.date,
    reason: str,
    version: int | None = None,
) -> Registration:
    """End an open registration as ``status`` (withdrawn or transferred) on ``on``: now if ``on`` is today
    or earlier, else scheduled for that day. ``version`` is the one the co-ordinator read (409 if stale).
    The caller checks the actor's permission; this checks the registration and the date."""
    if status not in ENDED_ACTIONS:
        raise ValueError(f"A registration cannot end as {status!r}")
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_open:
        raise ValidationError(f"This registration is {registration.get_status_display().lower()}.")
    what = WHAT[status]
    if registration.ending_on is not None:
        raise ValidationError(
            f"A {WHAT[registration.ending_status]} from {long_date(registration.ending_on)} is already "
            "arranged for this registration."
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [f"Enter the reason for the {what}"]})
    today = clock.today()
    check_effective_date(registration, on, field="on", what=what, today=today)
    if on <= today:
        return _apply(
            actor=actor, registration=registration, status=status, on=on, reason=reason, version=version
        )
    registration = _write(registration, version, ending_status=status, ending_on=on, end_reason=reason)
    audit_record(
        actor=actor, obj=registration, action=SCHEDULED_ACTIONS[status], changes={"on": on, "reason": reason}
    )
    progress_refresh(registration=registration)
    return registration


def _scheduler(registration: Registration) -> Actor | None:
    """The co-ordinator who arranged the end, acting for the employer: the end is their decision, applied on
    its day (None if the audit trail does not say who, as for imported records)."""
    event = (
        AuditEvent.objects.filter(
            employer_id=registration.employer_id,
            object_type=Registration._meta.label_lower,
            object_id=str(registration.pk),
            action=SCHEDULED_ACTIONS[registration.ending_status],
            actor_user__isnull=False,
        )
        .order_by("-id")
        .first()
    )
    if event is None:
        return None
    user = User.objects.get(pk=event.actor_user_id)
    return Actor(user=user, employer=registration.employer, roles=frozenset({Role.COORDINATOR}))


def registration_endings_apply(*, today: datetime.date | None = None) -> int:
    """Apply every scheduled end whose day has come, in the current tenant context (the nightly job runs it
    per employer). Idempotent: an applied end is no longer scheduled. Returns how many were applied."""
    today = today or clock.today()
    applied = 0
    due = Registration.objects.filter(
        ending_on__isnull=False,
        ending_on__lte=today,
        status__in=[RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED],
    ).order_by("ending_on", "pk")
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            registration = (
                Registration.objects.select_for_update().select_related("employer").filter(pk=pk).first()
            )
            if registration is None or registration.ending_on is None or not registration.is_open:
                continue
            _apply(
                actor=_scheduler(registration),
                registration=registration,
                status=registration.ending_status,
                on=registration.ending_on,
                reason=registration.end_reason,
                version=None,
                scheduled=True,
            )
            applied += 1
    return applied
