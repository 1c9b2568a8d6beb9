"""Accepting a transfer: the receiving employer's co-ordinator chooses the first day, hours, assessor and
line manager; the continuation registration is created (same framework version, start date, pauses and
funding decision, ``transferred_from`` the sending one) after the same duplicate checks as registering,
and the sending registration ends as transferred on the transfer date. Requests, cancelling and
declining are ``programmes.transfers``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.records import locked_at
from asye.tenancy.db import tenant_context
from programmes.duplicates import national_duplicates_flag
from programmes.endings import long_date, registration_end
from programmes.models import (
    Deferral,
    FundingStatus,
    Registration,
    RegistrationStatus,
    RegistrationTransfer,
)
from programmes.progress_store import progress_refresh
from programmes.services import assessor_allocation_start, holds_role
from programmes.transfers import (
    ALREADY_REGISTERED_HERE,
    GAP_REASON,
    MAX_GAP_DAYS,
    NO_LONGER_TRANSFERABLE,
    PAUSED_REASON,
    TRANSFER_CHANGED,
    Status,
    audit_both_employers,
    carried,
    require_receiver,
    require_waiting,
    transfer_write,
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
    if assessor_id and not holds_role(transfer.to_employer_id, assessor_id, Role.ASSESSOR):
        errors["assessor"] = ["Select one of your assessors"]
    if line_manager_id and not holds_role(transfer.to_employer_id, line_manager_id, Role.LINE_MANAGER):
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
    require_receiver(actor, transfer)
    transfer = locked_at(RegistrationTransfer.objects, transfer.pk, version, TRANSFER_CHANGED)
    require_waiting(transfer)
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
        **carried(transfer),
        contracted_hours=hours,
        funding_status=funding_status,
        funding_note=funding_note,
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
        assessor_allocation_start(actor=actor, registration=new, assessor_id=assessor_id, on=joins_on)
    progress_refresh(registration=new)  # its timeline and flags, for the receiver's lists
    # The same national duplicate check as registering (the programme's own earlier registration aside):
    # national staff see an open review; the receiving employer sees nothing of it.
    if funding_status not in (FundingStatus.UNFUNDED, FundingStatus.REJECTED):
        national_duplicates_flag(new)
    transfer = transfer_write(
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
    audit_both_employers(
        actor=actor, transfer=transfer, action="transfer.accepted", changes={"joins_on": joins_on}
    )
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
