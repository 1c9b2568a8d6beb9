"""Writes about registrations: create, change, defer, resume, extend, withdraw, approve. (Transfers are
requests between two employers: ``programmes.transfers``.)"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role
from asye.audit.services import audit_record, audited_update, changed_fields
from asye.tenancy.db import system_national_context
from funding import hooks as funding_hooks
from programmes.duplicates import national_duplicates_flag
from programmes.eligibility import (
    RegistrationFacts,
    check_registration,
    funding_decision,
    funding_year_of,
    normalise_swe_number,
    open_funding_years,
)
from programmes.endings import REGISTRATION_CHANGED, check_effective_date, long_date, registration_end
from programmes.models import (
    AssessorAllocation,
    Deferral,
    FundingStatus,
    NationalReview,
    Registration,
    RegistrationStatus,
)
from programmes.nightly import status_on
from programmes.progress_store import progress_refresh


def _today() -> datetime.date:
    return clock.today()


def registration_validate(*, actor: Actor, facts: RegistrationFacts, today: datetime.date | None = None):
    """Check a new registration without saving it: ``(errors_by_field, framework_version)``.

    Shared by the question pages, the API and the CSV upload, so all three apply the same rules."""
    today = today or _today()
    facts.swe_number = normalise_swe_number(facts.swe_number)
    employer_type = actor.employer.employer_type if actor.employer else ""
    errors, version = check_registration(
        facts, today=today, employer_type=employer_type, allowed_years=open_funding_years(today)
    )
    if not errors and actor.employer_id:
        if (
            Registration.objects.visible_to(actor)
            .filter(
                swe_number=facts.swe_number,
                status__in=[RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED],
            )
            .exists()
        ):
            errors["swe_number"] = ["This NQSW is already registered with you"]
    return errors, version


@transaction.atomic
def registration_create(
    *,
    actor: Actor,
    facts: RegistrationFacts,
    today: datetime.date | None = None,
) -> Registration:
    """Register an NQSW with the actor's employer. Raises ValidationError with every problem by field."""
    actor.require(Role.COORDINATOR)
    today = today or _today()
    errors, version = registration_validate(actor=actor, facts=facts, today=today)
    if errors:
        raise ValidationError(errors)
    funding_status, note = funding_decision(
        qualification_date=facts.qualification_date, start_date=facts.start_date, version=version
    )
    registration = Registration.objects.create(
        employer_id=actor.employer_id,
        framework_version=version,
        first_name=facts.first_name.strip(),
        last_name=facts.last_name.strip(),
        email=facts.email.strip().lower(),
        swe_number=facts.swe_number,
        qualification_date=facts.qualification_date,
        start_date=facts.start_date,
        contracted_hours=facts.contracted_hours,
        funding_year=funding_year_of(facts.start_date),
        funding_status=funding_status,
        funding_note=note,
        created_by=actor.user,
    )
    if funding_status != FundingStatus.UNFUNDED:
        # National staff see a duplicate; the registration itself stays as any other awaiting approval.
        national_duplicates_flag(registration)
    audit_record(
        actor=actor,
        obj=registration,
        action="registration.created",
        changes={
            "swe_number": registration.swe_number,
            "start_date": registration.start_date,
            "funding_status": registration.funding_status,
            "framework_version": version.pk,
        },
    )
    progress_refresh(registration=registration)
    return registration


def _change(
    registration: Registration, version: int | None, *, actor: Actor, action: str, changes: dict, **fields
) -> Registration:
    """Write ``fields`` if the registration is still at ``version`` (its current one if None; else 409),
    audit ``changes`` as ``action``, and bring the registration's stored progress up to date."""
    registration = audited_update(
        registration, version, REGISTRATION_CHANGED, actor=actor, action=action, changes=changes, **fields
    )
    progress_refresh(registration=registration)
    return registration


EDITABLE_FIELDS = ("email", "contracted_hours")
# The NQSW's identity and dates are corrected with a reason and kept as history (``programmes.corrections``).
CORRECTED_FIELDS = ("first_name", "last_name", "swe_number", "qualification_date", "start_date")


@transaction.atomic
def registration_update(*, actor: Actor, registration: Registration, version: int | None = None, **changes):
    """Change the NQSW's email address or contracted hours (a change of hours re-plans the timeline)."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {
                name: [
                    "Correct this with a reason: a correction keeps the old and new values"
                    if name in CORRECTED_FIELDS
                    else "This cannot be changed after registration"
                ]
                for name in unknown
            }
        )
    if "contracted_hours" in changes:
        hours = Decimal(str(changes["contracted_hours"]))
        if not (Decimal("1") <= hours <= Decimal("48")):
            raise ValidationError({"contracted_hours": ["Contracted hours must be between 1 and 48 a week"]})
        changes["contracted_hours"] = hours
    before = {name: getattr(registration, name) for name in changes}
    diff = changed_fields(before, changes)
    if not diff:
        return registration
    fields = {name: changes[name] for name in diff}
    return _change(registration, version, actor=actor, action="registration.updated", changes=diff, **fields)


def _require_open(registration: Registration) -> None:
    if not registration.is_open:
        raise ValidationError(f"This registration is {registration.get_status_display().lower()}.")


@transaction.atomic
def registration_defer(
    *,
    actor: Actor,
    registration: Registration,
    started_on: datetime.date,
    reason: str,
    version: int | None = None,
) -> Registration:
    """Pause the NQSW's clock from ``started_on``: every later due date waits until they resume. A deferral
    from a later day leaves the programme in progress until then (the nightly job switches it)."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    _require_open(registration)
    if registration.status == RegistrationStatus.DEFERRED:
        raise ValidationError("This registration is already deferred.")
    arranged = registration.deferrals.filter(ended_on__isnull=True).first()
    if arranged is not None:
        raise ValidationError(f"A deferral from {long_date(arranged.started_on)} is already arranged.")
    if not reason.strip():
        raise ValidationError({"reason": ["Enter the reason for the deferral"]})
    if started_on < registration.start_date:
        raise ValidationError(
            {"started_on": ["The deferral must start on or after the programme's start date"]}
        )
    check_effective_date(registration, started_on, field="started_on", what="deferral", today=_today())
    last = (
        registration.deferrals.filter(ended_on__isnull=False)
        .order_by("-ended_on")
        .values_list("ended_on", flat=True)
        .first()
    )
    if last is not None and started_on < last:
        message = f"The deferral must start on or after the end of the last one, {long_date(last)}"
        raise ValidationError({"started_on": [message]})
    Deferral.objects.create(
        employer_id=registration.employer_id,
        registration=registration,
        started_on=started_on,
        reason=reason.strip(),
        created_by=actor.user,
    )
    return _change(
        registration,
        version,
        actor=actor,
        action="registration.deferred",
        changes={"started_on": started_on, "reason": reason},
        status=status_on(registration.deferrals.all(), _today()),
    )


@transaction.atomic
def registration_resume(
    *, actor: Actor, registration: Registration, ended_on: datetime.date, version: int | None = None
) -> Registration:
    """End the open deferral (or one arranged for a later day) on ``ended_on``, the NQSW's first day back:
    every due date after its start moves by its length. Resuming on a later day leaves the programme
    deferred until then (the nightly job switches it)."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    deferral = registration.deferrals.filter(ended_on__isnull=True).first()
    if not registration.is_open or deferral is None:
        raise ValidationError("This registration is not deferred.")
    if ended_on < deferral.started_on:
        raise ValidationError({"ended_on": ["The NQSW must resume on or after the day the deferral started"]})
    check_effective_date(registration, ended_on, field="ended_on", what="return", today=_today())
    deferral.ended_on = ended_on
    deferral.save(update_fields=["ended_on"])
    return _change(
        registration,
        version,
        actor=actor,
        action="registration.resumed",
        changes={"ended_on": ended_on},
        status=status_on(registration.deferrals.all(), _today()),
    )


@transaction.atomic
def registration_extend(
    *, actor: Actor, registration: Registration, days: int, reason: str, version: int | None = None
) -> Registration:
    """Move the end of the programme (and the final review and panel) by ``days``."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    _require_open(registration)
    if not (1 <= days <= 365):
        raise ValidationError({"days": ["An extension must be between 1 and 365 days"]})
    if not reason.strip():
        raise ValidationError({"reason": ["Enter the reason for the extension"]})
    before = registration.extension_days
    return _change(
        registration,
        version,
        actor=actor,
        action="registration.extended",
        changes={"extension_days": [before, before + days], "reason": reason.strip()},
        extension_days=before + days,
    )


@transaction.atomic
def registration_withdraw(
    *, actor: Actor, registration: Registration, on: datetime.date, reason: str, version: int | None = None
) -> Registration:
    """The NQSW leaves the programme on ``on``: now if that is today or earlier, else on that day
    (``programmes.endings``). Kept as history; it stops any completion funding."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    _require_open(registration)
    return registration_end(
        actor=actor,
        registration=registration,
        status=RegistrationStatus.WITHDRAWN,
        on=on,
        reason=reason,
        version=version,
    )


def holds_role(employer_id: int, user_id: int | None, role: str) -> bool:
    """Whether the person holds ``role`` at the employer now (never true for nobody)."""
    return bool(user_id) and (
        Membership.objects.active().filter(employer_id=employer_id, user_id=user_id, role=role).exists()
    )


def assessor_allocation_start(
    *, actor: Actor, registration: Registration, assessor_id: int, on: datetime.date
) -> AssessorAllocation:
    """Add to the registration's history of assessors that ``assessor_id`` assesses the NQSW from ``on``
    (the caller ends the allocation before it, if there is one, and sets the registration's assessor)."""
    return AssessorAllocation.objects.create(
        employer_id=registration.employer_id,
        registration=registration,
        assessor_id=assessor_id,
        started_on=on,
        created_by=actor.user,
    )


@transaction.atomic
def registration_allocate_assessor(
    *, actor: Actor, registration: Registration, assessor_id: int, on: datetime.date | None = None
) -> Registration:
    """Give the NQSW an assessor (one of the employer's). The change is kept as history and the
    learning agreement must be signed again."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    _require_open(registration)
    on = on or _today()
    if not holds_role(registration.employer_id, assessor_id, Role.ASSESSOR):
        raise ValidationError({"assessor": ["Select one of your assessors"]})
    if registration.assessor_id == assessor_id:
        return registration
    AssessorAllocation.objects.filter(registration=registration, ended_on__isnull=True).update(ended_on=on)
    assessor_allocation_start(actor=actor, registration=registration, assessor_id=assessor_id, on=on)
    # The learning agreement is to be signed again (its progress item with it).
    return _change(
        registration,
        None,
        actor=actor,
        action="registration.assessor_changed",
        changes={"assessor": [registration.assessor_id, assessor_id]},
        assessor_id=assessor_id,
        learning_agreement_needs_signing=True,
    )


@transaction.atomic
def registration_set_line_manager(
    *, actor: Actor, registration: Registration, line_manager_id: int
) -> Registration:
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    if not holds_role(registration.employer_id, line_manager_id, Role.LINE_MANAGER):
        raise ValidationError({"line_manager": ["Select one of your line managers"]})
    return audited_update(
        registration,
        None,
        REGISTRATION_CHANGED,
        actor=actor,
        action="registration.line_manager_changed",
        changes={"line_manager": [registration.line_manager_id, line_manager_id]},
        line_manager_id=line_manager_id,
    )


@transaction.atomic
def registration_funding_decide(
    *, actor: Actor, registration_id: int, approve: bool, note: str = ""
) -> Registration:
    """National staff approve or reject a registration for funding, with a reason when rejecting."""
    if not actor.is_national_staff:
        raise PermissionDenied("Only national staff decide funding.")
    if not approve and not note.strip():
        raise ValidationError({"note": ["Give the reason the registration is not approved"]})
    with system_national_context():
        registration = Registration.objects.select_for_update().get(pk=registration_id)
        # Awaiting approval, or decided but with a duplicate found since (a transfer in): an open national
        # review is national staff's to decide.
        open_review = NationalReview.objects.filter(
            registration=registration, status=NationalReview.Status.OPEN
        ).exists()
        if registration.funding_status != FundingStatus.AWAITING_APPROVAL and not open_review:
            raise ValidationError("This registration's funding has already been decided.")
        # Nobody decides their own employer's money: not the person who registered the NQSW, nor anyone
        # who holds a role at that employer as well as a national one.
        if registration.created_by_id == actor.user.pk or (
            Membership.objects.active().filter(user=actor.user, employer_id=registration.employer_id).exists()
        ):
            raise PermissionDenied(
                "You work for this employer, so another member of national staff must decide its funding."
            )
        status = FundingStatus.APPROVED if approve else FundingStatus.REJECTED
        registration = audited_update(
            registration,
            None,
            REGISTRATION_CHANGED,
            actor=actor,
            action="registration.funding_approved" if approve else "registration.funding_rejected",
            changes={"funding_status": [registration.funding_status, status], "note": note.strip()},
            funding_status=status,
            funding_note=note.strip(),
        )
        NationalReview.objects.filter(registration=registration, status=NationalReview.Status.OPEN).update(
            status=NationalReview.Status.APPROVED if approve else NationalReview.Status.REJECTED,
            decided_by=actor.user,
            decided_at=clock.now(),
            decision_note=note.strip(),
        )
        if approve:
            funding_hooks.registration_funding_approved(actor=actor, registration=registration)
        else:
            # Claims exist only if it was approved before (a correction or a duplicate sent it back).
            funding_hooks.registration_funding_withdrawn(
                actor=actor,
                registration=registration,
                reason=f"National staff did not approve the registration for funding: {note.strip()}",
            )
    return registration
