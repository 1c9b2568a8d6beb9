"""Transfers between employers, as requests: the sending co-ordinator asks (or cancels), a co-ordinator of
the receiving employer accepts (``programmes.transfer_acceptance``) or declines.

A transfer crosses two employers, so each side reads it through its own selector: the sender's
(``employer_id``, like any of its rows) and the receiver's (``to_employer_id``); row-level security lets
both see the request and nothing else of the other's. The request carries the NQSW's details and the
programme so far as they were copied from the sending registration (never typed in), so the receiving
employer learns only what it needs to continue the programme.

Accepting creates the receiving employer's registration, and ends the sending registration as transferred
(``programmes.endings.registration_end``: at once if the date has come, else on that day). The new
registration names no NQSW: the NQSW confirms it is theirs on their programme page
(``support_services.registration_claim_by_nqsw``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.errors import Conflict
from asye.records import locked_at
from asye.tenancy.db import tenant_context
from asye.tenancy.models import Employer, ServiceArea
from programmes.endings import REGISTRATION_CHANGED, check_effective_date, long_date
from programmes.models import (
    Registration,
    RegistrationTransfer,
)

Status = RegistrationTransfer.Status

# The first day with the new employer may come at most this long after the last day with the old one.
MAX_GAP_DAYS = 366
PAUSED_REASON = "Programme paused before the transfer (recorded by the previous employer)"
GAP_REASON = "Between employers: after the last day with the previous employer, before the first day here"
ALREADY_REGISTERED_HERE = "This NQSW is already registered with you"
TRANSFER_CHANGED = "This transfer was changed by someone else. Reload it and try again."
NO_LONGER_TRANSFERABLE = (
    "This programme can no longer be transferred: the sending employer's registration has ended or another "
    "change is arranged. Decline this request and ask them to make a new one."
)
# The NQSW's details and the programme so far: copied from the sending registration into the request, and
# from the request into the receiving registration (the hours are carried too, but only as the receiving
# co-ordinator's starting answer).
CARRIED_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "swe_number",
    "qualification_date",
    "framework_version",
    "start_date",
    "extension_days",
    "funding_year",
)


def carried(source: Registration | RegistrationTransfer) -> dict:
    """The ``CARRIED_FIELDS`` of a sending registration or of a request, as keyword arguments."""
    return {name: getattr(source, name) for name in CARRIED_FIELDS}


# --- Reads ---------------------------------------------------------------------------------------------


def transfers_outgoing(*, actor: Actor) -> QuerySet[RegistrationTransfer]:
    """Transfers the actor's employer asked for (co-ordinators only)."""
    if not actor.has_role(Role.COORDINATOR):
        return RegistrationTransfer.objects.none()
    return RegistrationTransfer.objects.visible_to(actor).select_related("to_employer")


def transfers_incoming(*, actor: Actor) -> QuerySet[RegistrationTransfer]:
    """Transfers into the actor's employer (co-ordinators only): requests to accept or decline, and past
    decisions. Never joined to the sending registration, which the receiver cannot read."""
    if not actor.has_role(Role.COORDINATOR) or actor.employer_id is None:
        return RegistrationTransfer.objects.none()
    return RegistrationTransfer.objects.filter(to_employer_id=actor.employer_id).select_related(
        "employer", "framework_version__framework"
    )


def transfer_get_outgoing(*, actor: Actor, pk: int) -> RegistrationTransfer:
    """404 unless the actor's employer sent it."""
    return get_object_or_404(transfers_outgoing(actor=actor), pk=pk)


def transfer_get_incoming(*, actor: Actor, pk: int) -> RegistrationTransfer:
    """404 unless it is addressed to the actor's employer."""
    return get_object_or_404(transfers_incoming(actor=actor), pk=pk)


def transfer_of_registration(*, actor: Actor, registration: Registration) -> RegistrationTransfer | None:
    """The latest transfer the sending employer asked for of this registration (its state for the
    registration's page), or None."""
    return transfers_outgoing(actor=actor).filter(registration=registration).first()


def transfer_destinations(*, actor: Actor) -> QuerySet[Employer]:
    """Employers a co-ordinator may send a transfer to: every other employer (employers' names are public)."""
    return Employer.objects.exclude(pk=actor.employer_id).order_by("name")


# --- Writes --------------------------------------------------------------------------------------------


def require_waiting(transfer: RegistrationTransfer) -> None:
    """A transfer is cancelled, accepted or declined only while it waits for an answer."""
    if transfer.status != Status.REQUESTED:
        raise ValidationError(f"This transfer has been {transfer.get_status_display().lower()}.")


def transfer_write(transfer: RegistrationTransfer, version: int | None, **changes) -> RegistrationTransfer:
    """Write ``changes`` if the transfer is still at ``version`` (default: the version read); else 409."""
    expected = transfer.version if version is None else version
    updated = RegistrationTransfer.objects.filter(
        pk=transfer.pk, version=expected, status=Status.REQUESTED
    ).update(version=expected + 1, **changes)
    if not updated:
        raise Conflict(TRANSFER_CHANGED)
    transfer.refresh_from_db()
    return transfer


def audit_both_employers(*, actor: Actor, transfer: RegistrationTransfer, action: str, changes: dict) -> None:
    """One audit event in each employer's trail (each can read only its own)."""
    with tenant_context(transfer.employer_id):
        audit_record(
            actor=actor, obj=transfer, action=action, employer_id=transfer.employer_id, changes=changes
        )
    with tenant_context(transfer.to_employer_id):
        audit_record(
            actor=actor, obj=transfer, action=action, employer_id=transfer.to_employer_id, changes=changes
        )


def _paused_periods(registration: Registration) -> list[list[str | None]]:
    return [
        [d.started_on.isoformat(), d.ended_on.isoformat() if d.ended_on else None]
        for d in registration.deferrals.order_by("started_on", "id")
    ]


@transaction.atomic
def transfer_request(
    *,
    actor: Actor,
    registration: Registration,
    to_employer_id: int | None,
    transfer_on: datetime.date | None,
    version: int | None = None,
    today: datetime.date | None = None,
) -> RegistrationTransfer:
    """Ask another employer to take over the NQSW's programme from the day after ``transfer_on`` (their last
    day here). Nothing changes here until they accept. Raises ValidationError by field."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    today = today or clock.today()
    registration = locked_at(Registration.objects, registration.pk, version, REGISTRATION_CHANGED)
    if not registration.is_open:
        raise ValidationError(f"This registration is {registration.get_status_display().lower()}.")
    if registration.ending_on is not None:
        raise ValidationError(
            f"This registration already ends on {long_date(registration.ending_on)}, so it cannot be "
            "transferred."
        )
    waiting = RegistrationTransfer.objects.filter(registration=registration, status=Status.REQUESTED).first()
    if waiting is not None:
        raise ValidationError(
            f"A transfer to {waiting.to_employer.name} is already waiting for their answer. Cancel it first."
        )
    errors: dict[str, list[str]] = {}
    to_employer = (
        Employer.objects.filter(pk=to_employer_id).exclude(pk=registration.employer_id).first()
        if to_employer_id
        else None
    )
    if to_employer is None:
        errors["to_employer"] = ["Select the employer the NQSW is moving to"]
    else:
        area = registration.framework_version.framework.service_area
        serves = {
            ServiceArea.CHILD_AND_FAMILY: to_employer.serves_child_and_family,
            ServiceArea.ADULTS: to_employer.serves_adults,
        }[area]
        if not serves:
            errors["to_employer"] = [
                f"{to_employer.name} does not run {ServiceArea(area).label.lower()} services on the "
                "platform, so it cannot continue this programme. Ask them to add the service area to their "
                "employer details first"
            ]
    try:
        check_effective_date(registration, transfer_on, field="on", what="transfer", today=today)
    except ValidationError as problem:
        errors.update(problem.message_dict)
    if errors:
        raise ValidationError(errors)
    transfer = RegistrationTransfer.objects.create(
        employer_id=registration.employer_id,
        to_employer=to_employer,
        registration=registration,
        transfer_on=transfer_on,
        **carried(registration),
        contracted_hours=registration.contracted_hours,
        paused=_paused_periods(registration),
        requested_by=actor.user,
    )
    audit_both_employers(
        actor=actor,
        transfer=transfer,
        action="transfer.requested",
        changes={"from_employer": transfer.employer_id, "to_employer": to_employer.pk, "on": transfer_on},
    )
    return transfer


@transaction.atomic
def transfer_cancel(
    *, actor: Actor, transfer: RegistrationTransfer, version: int | None = None
) -> RegistrationTransfer:
    """The sending co-ordinator withdraws a request the receiver has not answered."""
    actor.require(Role.COORDINATOR, employer=transfer.employer_id)
    require_waiting(transfer)
    transfer = transfer_write(
        transfer, version, status=Status.CANCELLED, decided_by=actor.user, decided_at=clock.now()
    )
    audit_both_employers(actor=actor, transfer=transfer, action="transfer.cancelled", changes={})
    return transfer


def require_receiver(actor: Actor, transfer: RegistrationTransfer) -> None:
    actor.require(Role.COORDINATOR)
    if transfer.to_employer_id != actor.employer_id:
        # Callers read through transfers_incoming, so this is a programming error, not a user's mistake.
        raise PermissionDenied("Not acting for the receiving employer.")


@transaction.atomic
def transfer_decline(
    *, actor: Actor, transfer: RegistrationTransfer, reason: str, version: int | None = None
) -> RegistrationTransfer:
    """The receiving co-ordinator says no, with the reason the sender will see."""
    require_receiver(actor, transfer)
    require_waiting(transfer)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Enter the reason you are declining the transfer"]})
    transfer = transfer_write(
        transfer,
        version,
        status=Status.DECLINED,
        decline_reason=reason,
        decided_by=actor.user,
        decided_at=clock.now(),
    )
    audit_both_employers(
        actor=actor, transfer=transfer, action="transfer.declined", changes={"reason": reason}
    )
    return transfer


def transfer_waiting_count(*, actor: Actor) -> int:
    """How many transfers into the actor's employer wait for an answer (for the co-ordinator's pages)."""
    return transfers_incoming(actor=actor).filter(status=Status.REQUESTED).count()
