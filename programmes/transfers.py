"""Transfers between employers, as requests: the sending co-ordinator asks, a co-ordinator of the receiving
employer accepts (choosing the first day, hours, assessor and line manager) or declines.

A transfer crosses two employers, so each side reads it through its own selector: the sender's
(``employer_id``, like any of its rows) and the receiver's (``to_employer_id``); row-level security lets
both see the request and nothing else of the other's. The request carries the NQSW's details and the
programme so far as they were copied from the sending registration (never typed in), so the receiving
employer learns only what it needs to continue the programme.

Accepting creates the receiving employer's registration (a continuation: same framework version, start
date, pauses and funding decision, ``transferred_from`` the sending one), runs the same duplicate checks
as registering (the receiving employer's own registrations, and the national check), and ends the sending
registration as transferred on the transfer date (``programmes.endings.registration_end``: at once if the
date has come, else on that day). The new registration names no NQSW: the NQSW confirms it is theirs on
their programme page (``support_services.registration_claim_by_nqsw``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role
from asye.audit.services import audit_record
from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from asye.tenancy.models import Employer, ServiceArea
from programmes.duplicates import national_duplicates_flag
from programmes.endings import check_effective_date, long_date, registration_end
from programmes.models import (
    AssessorAllocation,
    Deferral,
    FundingStatus,
    Registration,
    RegistrationStatus,
    RegistrationTransfer,
)
from programmes.progress_store import progress_refresh

Status = RegistrationTransfer.Status
# The first day with the new employer may come at most this long after the last day with the old one.
MAX_GAP_DAYS = 366
PAUSED_REASON = "Programme paused before the transfer (recorded by the previous employer)"
GAP_REASON = "Between employers: after the last day with the previous employer, before the first day here"
ALREADY_REGISTERED_HERE = "This NQSW is already registered with you"
NO_LONGER_TRANSFERABLE = (
    "This programme can no longer be transferred: the sending employer's registration has ended or another "
    "change is arranged. Decline this request and ask them to make a new one."
)


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


def _write(transfer: RegistrationTransfer, version: int | None, **changes) -> RegistrationTransfer:
    expected = transfer.version if version is None else version
    updated = RegistrationTransfer.objects.filter(
        pk=transfer.pk, version=expected, status=Status.REQUESTED
    ).update(version=expected + 1, **changes)
    if not updated:
        raise Conflict("This transfer was changed by someone else. Reload it and try again.")
    transfer.refresh_from_db()
    return transfer


def _audit_both(*, actor: Actor, transfer: RegistrationTransfer, action: str, changes: dict) -> None:
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
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if version is not None and registration.version != version:
        raise Conflict("This registration was changed by someone else. Reload it and try again.")
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
        first_name=registration.first_name,
        last_name=registration.last_name,
        email=registration.email,
        swe_number=registration.swe_number,
        qualification_date=registration.qualification_date,
        framework_version=registration.framework_version,
        start_date=registration.start_date,
        contracted_hours=registration.contracted_hours,
        extension_days=registration.extension_days,
        funding_year=registration.funding_year,
        paused=_paused_periods(registration),
        requested_by=actor.user,
    )
    _audit_both(
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
    if transfer.status != Status.REQUESTED:
        raise ValidationError(f"This transfer has been {transfer.get_status_display().lower()}.")
    transfer = _write(
        transfer, version, status=Status.CANCELLED, decided_by=actor.user, decided_at=clock.now()
    )
    _audit_both(actor=actor, transfer=transfer, action="transfer.cancelled", changes={})
    return transfer


def _require_receiver(actor: Actor, transfer: RegistrationTransfer) -> None:
    actor.require(Role.COORDINATOR)
    if transfer.to_employer_id != actor.employer_id:
        # Callers read through transfers_incoming, so this is a programming error, not a user's mistake.
        raise PermissionDenied("Not acting for the receiving employer.")


@transaction.atomic
def transfer_decline(
    *, actor: Actor, transfer: RegistrationTransfer, reason: str, version: int | None = None
) -> RegistrationTransfer:
    """The receiving co-ordinator says no, with the reason the sender will see."""
    _require_receiver(actor, transfer)
    if transfer.status != Status.REQUESTED:
        raise ValidationError(f"This transfer has been {transfer.get_status_display().lower()}.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Enter the reason you are declining the transfer"]})
    transfer = _write(
        transfer,
        version,
        status=Status.DECLINED,
        decline_reason=reason,
        decided_by=actor.user,
        decided_at=clock.now(),
    )
    _audit_both(actor=actor, transfer=transfer, action="transfer.declined", changes={"reason": reason})
    return transfer


def _holds_role(employer_id: int, user_id: int | None, role: str) -> bool:
    return bool(user_id) and (
        Membership.objects.active().filter(employer_id=employer_id, user_id=user_id, role=role).exists()
    )


def _check_acceptance(
    *,
    transfer: RegistrationTransfer,
    joins_on: datetime.date | None,
    contracted_hours,
    assessor_id: int | None,
    line_manager_id: int | None,
) -> tuple[dict[str, list[str]], Decimal | None]:
    errors: dict[str, list[str]] = {}
    if joins_on is None:
        errors["joins_on"] = ["Enter the NQSW's first day with you"]
    elif joins_on <= transfer.transfer_on:
        errors["joins_on"] = [
            f"The first day with you must be after their last day at {transfer.employer.name}, "
            f"{long_date(transfer.transfer_on)}"
        ]
    elif joins_on > transfer.transfer_on + datetime.timedelta(days=MAX_GAP_DAYS):
        errors["joins_on"] = [
            "The first day with you must be within a year of their last day at the other employer"
        ]
    try:
        hours = Decimal(str(contracted_hours)) if contracted_hours not in (None, "") else None
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not hours.is_finite() or not (Decimal("1") <= hours <= Decimal("48")):
        errors["contracted_hours"] = ["Contracted hours must be between 1 and 48 a week"]
    if assessor_id and not _holds_role(transfer.to_employer_id, assessor_id, Role.ASSESSOR):
        errors["assessor"] = ["Select one of your assessors"]
    if line_manager_id and not _holds_role(transfer.to_employer_id, line_manager_id, Role.LINE_MANAGER):
        errors["line_manager"] = ["Select one of your line managers"]
    already = Registration.objects.filter(
        employer_id=transfer.to_employer_id,
        swe_number=transfer.swe_number,
        status__in=[RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED],
    )
    if already.exists():
        errors.setdefault("__all__", []).append(
            f"{ALREADY_REGISTERED_HERE} ({transfer.swe_number}): decline this transfer, or withdraw your own "
            "registration first"
        )
    return errors, hours


def _sending_registration_state(transfer: RegistrationTransfer) -> tuple[bool, str, str]:
    """Whether the sending registration can still end as transferred, and its funding status and note now
    (a system read in the sender's context: the receiving co-ordinator is told only yes or no)."""
    with tenant_context(transfer.employer_id):
        sending = Registration.objects.filter(pk=transfer.registration_id).first()
        if sending is None or not sending.is_open or sending.ending_on is not None:
            return False, "", ""
        return True, sending.funding_status, sending.funding_note


def _carried_funding(status: str, note: str) -> tuple[str, str]:
    """The funding decision continues with the programme; the sender's national note is theirs, except the
    rule's own reason for being unfunded."""
    if status == FundingStatus.UNFUNDED:
        return status, note
    if status == FundingStatus.REJECTED:
        return status, "Not approved for funding while registered with the previous employer."
    return status, ""


def _pauses(
    transfer: RegistrationTransfer, joins_on: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """The programme's pauses at the new employer: each earlier one (a pause still open on the transfer date
    runs on until the first day here), and the days between the two employers."""
    pauses, open_from = [], None
    for started, ended in transfer.paused:
        started = datetime.date.fromisoformat(started)
        if ended is None:
            open_from = started
        else:
            pauses.append((started, datetime.date.fromisoformat(ended)))
    gap_from = transfer.transfer_on + datetime.timedelta(days=1)
    if open_from is not None:
        pauses.append((min(open_from, gap_from), joins_on))
    elif joins_on > gap_from:
        pauses.append((gap_from, joins_on))
    return pauses


@transaction.atomic
def transfer_accept(
    *,
    actor: Actor,
    transfer: RegistrationTransfer,
    joins_on: datetime.date | None,
    contracted_hours,
    assessor_id: int | None = None,
    line_manager_id: int | None = None,
    version: int | None = None,
) -> Registration:
    """The receiving co-ordinator takes the programme on: their registration continues it from ``joins_on``,
    and the sending one ends as transferred on the transfer date. Raises ValidationError by field."""
    _require_receiver(actor, transfer)
    transfer = RegistrationTransfer.objects.select_for_update().get(pk=transfer.pk)
    if version is not None and transfer.version != version:
        raise Conflict("This transfer was changed by someone else. Reload it and try again.")
    if transfer.status != Status.REQUESTED:
        raise ValidationError(f"This transfer has been {transfer.get_status_display().lower()}.")
    errors, hours = _check_acceptance(
        transfer=transfer,
        joins_on=joins_on,
        contracted_hours=contracted_hours,
        assessor_id=assessor_id,
        line_manager_id=line_manager_id,
    )
    if errors:
        raise ValidationError(errors)
    transferable, funding_status, funding_note = _sending_registration_state(transfer)
    if not transferable:
        raise ValidationError(NO_LONGER_TRANSFERABLE)
    funding_status, funding_note = _carried_funding(funding_status, funding_note)
    new = Registration.objects.create(
        employer_id=transfer.to_employer_id,
        framework_version=transfer.framework_version,
        first_name=transfer.first_name,
        last_name=transfer.last_name,
        email=transfer.email,
        swe_number=transfer.swe_number,
        qualification_date=transfer.qualification_date,
        start_date=transfer.start_date,
        contracted_hours=hours,
        funding_year=transfer.funding_year,
        funding_status=funding_status,
        funding_note=funding_note,
        extension_days=transfer.extension_days,
        transferred_from_id=transfer.registration_id,
        assessor_id=assessor_id or None,
        line_manager_id=line_manager_id or None,
        created_by=actor.user,
    )
    for started, ended in _pauses(transfer, joins_on):
        Deferral.objects.create(
            employer_id=new.employer_id,
            registration=new,
            started_on=started,
            ended_on=ended,
            reason=GAP_REASON if started > transfer.transfer_on else PAUSED_REASON,
            created_by=actor.user,
        )
    if assessor_id:
        AssessorAllocation.objects.create(
            employer_id=new.employer_id,
            registration=new,
            assessor_id=assessor_id,
            started_on=joins_on,
            created_by=actor.user,
        )
    progress_refresh(registration=new)  # its timeline and flags, for the receiver's lists
    # The same national duplicate check as registering (the programme's own earlier registration aside):
    # national staff see an open review; the receiving employer sees nothing of it.
    if funding_status not in (FundingStatus.UNFUNDED, FundingStatus.REJECTED):
        national_duplicates_flag(new)
    transfer = _write(
        transfer,
        None,
        status=Status.ACCEPTED,
        joins_on=joins_on,
        new_registration=new,
        decided_by=actor.user,
        decided_at=clock.now(),
    )
    audit_record(
        actor=actor,
        obj=new,
        action="registration.transferred_in",
        changes={"transfer": transfer.pk, "joins_on": joins_on, "funding_status": new.funding_status},
    )
    _audit_both(actor=actor, transfer=transfer, action="transfer.accepted", changes={"joins_on": joins_on})
    _end_sending_registration(transfer)
    return new


def _end_sending_registration(transfer: RegistrationTransfer) -> None:
    """End the sending registration as transferred on the transfer date, as the co-ordinator who asked for
    it (the end is the sending employer's decision; the acceptance only let it happen)."""
    with tenant_context(transfer.employer_id):
        sending = Registration.objects.select_related("employer").get(pk=transfer.registration_id)
        requester = Actor(
            user=transfer.requested_by, employer=sending.employer, roles=frozenset({Role.COORDINATOR})
        )
        registration_end(
            actor=requester,
            registration=sending,
            status=RegistrationStatus.TRANSFERRED,
            on=transfer.transfer_on,
            reason=f"Transferred to {transfer.to_employer.name}",
        )


def transfer_waiting_count(*, actor: Actor) -> int:
    """How many transfers into the actor's employer wait for an answer (for the co-ordinator's pages)."""
    return transfers_incoming(actor=actor).filter(status=Status.REQUESTED).count()
