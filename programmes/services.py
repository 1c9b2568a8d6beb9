"""Writes about registrations: create, change, defer, resume, extend, withdraw, transfer, approve."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role
from asye.audit.services import audit_record, changed_fields
from asye.errors import Conflict
from asye.tenancy.db import system_national_context, tenant_context
from asye.tenancy.models import Employer, ServiceArea
from funding import hooks as funding_hooks
from programmes.eligibility import (
    RegistrationFacts,
    check_registration,
    funding_decision,
    funding_year_of,
    normalise_swe_number,
    open_funding_years,
)
from programmes.models import (
    AssessorAllocation,
    Deferral,
    FundingStatus,
    NationalReview,
    Registration,
    RegistrationStatus,
)

# What the registering employer is told, and why national staff are asked to look: never who else.
NEEDS_REVIEW_NOTE = "National staff need to check this registration before it can be funded."
ALREADY_REGISTERED = "Already registered with another employer"
ALREADY_FUNDED_ELSEWHERE = "Already had a funded ASYE with another employer"
ALREADY_FUNDED_HERE = "Already had a funded ASYE with this employer"


def _today() -> datetime.date:
    return clock.today()


def registration_validate(*, actor: Actor, facts: RegistrationFacts, today: datetime.date | None = None):
    """Check a new registration without saving it: ``(errors_by_field, framework_version)``.

    Shared by the question pages, the API and the CSV upload, so all three apply the same rules."""
    today = today or _today()
    facts.swe_number = normalise_swe_number(facts.swe_number)
    errors, version = check_registration(facts, today=today, allowed_years=open_funding_years(today))
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


def _detect_duplicates(registration: Registration) -> list[Registration]:
    """Other employers' registrations of the same person that are open or were funded.

    Runs in the system's national context: the registering employer learns only that a national
    review is needed, never who the other employer is."""
    with system_national_context():
        return list(
            Registration.objects.filter(swe_number=registration.swe_number)
            .exclude(pk=registration.pk)
            .exclude(pk=registration.transferred_from_id or 0)
            .filter(
                Q(status__in=[RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED])
                | Q(funding_status=FundingStatus.APPROVED)
            )
        )


def _flag_for_national_review(registration: Registration, others: list[Registration]) -> None:
    with system_national_context():
        for other in others:
            reason = ALREADY_REGISTERED if other.is_open else ALREADY_FUNDED_ELSEWHERE
            if other.employer_id == registration.employer_id:
                reason = ALREADY_FUNDED_HERE
            NationalReview.objects.get_or_create(
                registration=registration, other_registration=other, defaults={"reason": reason}
            )


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
        others = _detect_duplicates(registration)
        if others:
            _flag_for_national_review(registration, others)
            registration.funding_status = FundingStatus.NEEDS_REVIEW
            registration.funding_note = (
                "National staff need to check this registration before it can be funded."
            )
            registration.save(update_fields=["funding_status", "funding_note"])
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
    return registration


def _claim(registration: Registration, version: int | None, **changes) -> Registration:
    """Write ``changes`` if the registration is still at ``version``; otherwise 409."""
    expected = registration.version if version is None else version
    updated = Registration.objects.filter(pk=registration.pk, version=expected).update(
        version=expected + 1, updated_at=clock.now(), **changes
    )
    if not updated:
        raise Conflict("This registration was changed by someone else. Reload it and try again.")
    registration.refresh_from_db()
    return registration


EDITABLE_FIELDS = ("first_name", "last_name", "email", "contracted_hours")


@transaction.atomic
def registration_update(*, actor: Actor, registration: Registration, version: int | None = None, **changes):
    """Correct the NQSW's name, email or contracted hours (a change of hours re-plans the timeline)."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This cannot be changed after registration"] for name in unknown})
    if "contracted_hours" in changes:
        hours = Decimal(str(changes["contracted_hours"]))
        if not (Decimal("1") <= hours <= Decimal("48")):
            raise ValidationError({"contracted_hours": ["Contracted hours must be between 1 and 48 a week"]})
        changes["contracted_hours"] = hours
    for name in ("first_name", "last_name"):
        if name in changes and not str(changes[name]).strip():
            raise ValidationError({name: ["Enter the NQSW's " + name.replace("_", " ")]})
    before = {name: getattr(registration, name) for name in changes}
    diff = changed_fields(before, changes)
    if not diff:
        return registration
    registration = _claim(registration, version, **{name: changes[name] for name in diff})
    audit_record(actor=actor, obj=registration, action="registration.updated", changes=diff)
    return registration


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
    """Pause the NQSW's clock from ``started_on``: every later due date waits until they resume."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    _require_open(registration)
    if registration.status == RegistrationStatus.DEFERRED:
        raise ValidationError("This registration is already deferred.")
    if not reason.strip():
        raise ValidationError({"reason": ["Enter the reason for the deferral"]})
    if started_on < registration.start_date:
        raise ValidationError(
            {"started_on": ["The deferral must start on or after the programme's start date"]}
        )
    Deferral.objects.create(
        employer_id=registration.employer_id,
        registration=registration,
        started_on=started_on,
        reason=reason.strip(),
        created_by=actor.user,
    )
    registration = _claim(registration, version, status=RegistrationStatus.DEFERRED)
    audit_record(
        actor=actor,
        obj=registration,
        action="registration.deferred",
        changes={"started_on": started_on, "reason": reason},
    )
    return registration


@transaction.atomic
def registration_resume(
    *, actor: Actor, registration: Registration, ended_on: datetime.date, version: int | None = None
) -> Registration:
    """End the open deferral: every due date after its start moves by its length."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    deferral = registration.deferrals.filter(ended_on__isnull=True).first()
    if registration.status != RegistrationStatus.DEFERRED or deferral is None:
        raise ValidationError("This registration is not deferred.")
    if ended_on < deferral.started_on:
        raise ValidationError({"ended_on": ["The NQSW must resume on or after the day the deferral started"]})
    deferral.ended_on = ended_on
    deferral.save(update_fields=["ended_on"])
    registration = _claim(registration, version, status=RegistrationStatus.ACTIVE)
    audit_record(actor=actor, obj=registration, action="registration.resumed", changes={"ended_on": ended_on})
    return registration


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
    registration = _claim(registration, version, extension_days=before + days)
    audit_record(
        actor=actor,
        obj=registration,
        action="registration.extended",
        changes={"extension_days": [before, before + days], "reason": reason.strip()},
    )
    return registration


@transaction.atomic
def registration_withdraw(
    *, actor: Actor, registration: Registration, on: datetime.date, reason: str, version: int | None = None
) -> Registration:
    """The NQSW leaves the programme. Kept as history; it stops any completion funding."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    _require_open(registration)
    if not reason.strip():
        raise ValidationError({"reason": ["Enter the reason for the withdrawal"]})
    registration.deferrals.filter(ended_on__isnull=True).update(ended_on=max(on, registration.start_date))
    registration = _claim(
        registration, version, status=RegistrationStatus.WITHDRAWN, ended_at=on, end_reason=reason.strip()
    )
    audit_record(
        actor=actor, obj=registration, action="registration.withdrawn", changes={"on": on, "reason": reason}
    )
    funding_hooks.registration_ended(actor=actor, registration=registration)
    return registration


@transaction.atomic
def registration_transfer(
    *,
    actor: Actor,
    registration: Registration,
    to_employer: Employer,
    on: datetime.date,
    version: int | None = None,
) -> Registration:
    """Move the NQSW to another employer: this registration ends as transferred and a new one, linked to
    it, continues the same programme there (same framework version, start date and funding decision)."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    _require_open(registration)
    if to_employer.pk == registration.employer_id:
        raise ValidationError({"to_employer": ["Choose a different employer"]})
    service_area = registration.framework_version.framework.service_area
    serves = {
        ServiceArea.CHILD_AND_FAMILY: to_employer.serves_child_and_family,
        ServiceArea.ADULTS: to_employer.serves_adults,
    }[service_area]
    if not serves:
        area = ServiceArea(service_area).label.lower()
        raise ValidationError(
            {
                "to_employer": [
                    f"{to_employer.name} does not run {area} services on the platform, so it cannot continue "
                    "this programme. Ask them to add the service area to their employer details first"
                ]
            }
        )
    open_deferral = registration.deferrals.filter(ended_on__isnull=True).first()
    if open_deferral:
        open_deferral.ended_on = max(on, open_deferral.started_on)
        open_deferral.save(update_fields=["ended_on"])
    old = _claim(
        registration, version, status=RegistrationStatus.TRANSFERRED, ended_at=on, end_reason="Transferred"
    )
    with tenant_context(to_employer.pk):
        new = Registration.objects.create(
            employer=to_employer,
            framework_version=old.framework_version,
            first_name=old.first_name,
            last_name=old.last_name,
            email=old.email,
            swe_number=old.swe_number,
            qualification_date=old.qualification_date,
            start_date=old.start_date,
            contracted_hours=old.contracted_hours,
            funding_year=old.funding_year,
            funding_status=old.funding_status,
            funding_note=old.funding_note,
            extension_days=old.extension_days,
            transferred_from=old,
            created_by=actor.user,
        )
        for deferral in old.deferrals.all():
            Deferral.objects.create(
                employer=to_employer,
                registration=new,
                started_on=deferral.started_on,
                ended_on=deferral.ended_on,
                reason=deferral.reason,
                created_by=deferral.created_by,
            )
        audit_record(actor=actor, obj=new, action="registration.transferred_in", changes={"on": on})
    audit_record(
        actor=actor,
        obj=old,
        action="registration.transferred_out",
        changes={"on": on, "to_employer": to_employer.pk},
    )
    funding_hooks.registration_ended(actor=actor, registration=old)
    return old


@transaction.atomic
def registration_allocate_assessor(
    *, actor: Actor, registration: Registration, assessor_id: int, on: datetime.date | None = None
) -> Registration:
    """Give the NQSW an assessor (one of the employer's). The change is kept as history and the
    learning agreement must be signed again."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    _require_open(registration)
    on = on or _today()
    holds_role = Membership.objects.active().filter(
        employer_id=registration.employer_id, user_id=assessor_id, role=Role.ASSESSOR
    )
    if not holds_role.exists():
        raise ValidationError({"assessor": ["Select one of your assessors"]})
    if registration.assessor_id == assessor_id:
        return registration
    AssessorAllocation.objects.filter(registration=registration, ended_on__isnull=True).update(ended_on=on)
    AssessorAllocation.objects.create(
        employer_id=registration.employer_id,
        registration=registration,
        assessor_id=assessor_id,
        started_on=on,
        created_by=actor.user,
    )
    before = registration.assessor_id
    registration = _claim(registration, None, assessor_id=assessor_id, learning_agreement_needs_signing=True)
    audit_record(
        actor=actor,
        obj=registration,
        action="registration.assessor_changed",
        changes={"assessor": [before, assessor_id]},
    )
    return registration


@transaction.atomic
def registration_set_line_manager(
    *, actor: Actor, registration: Registration, line_manager_id: int
) -> Registration:
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    holds_role = Membership.objects.active().filter(
        employer_id=registration.employer_id, user_id=line_manager_id, role=Role.LINE_MANAGER
    )
    if not holds_role.exists():
        raise ValidationError({"line_manager": ["Select one of your line managers"]})
    before = registration.line_manager_id
    registration = _claim(registration, None, line_manager_id=line_manager_id)
    audit_record(
        actor=actor,
        obj=registration,
        action="registration.line_manager_changed",
        changes={"line_manager": [before, line_manager_id]},
    )
    return registration


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
        if registration.funding_status not in (FundingStatus.AWAITING_APPROVAL, FundingStatus.NEEDS_REVIEW):
            raise ValidationError("This registration's funding has already been decided.")
        status = FundingStatus.APPROVED if approve else FundingStatus.REJECTED
        before = registration.funding_status
        registration = _claim(registration, None, funding_status=status, funding_note=note.strip())
        NationalReview.objects.filter(registration=registration, status=NationalReview.Status.OPEN).update(
            status=NationalReview.Status.APPROVED if approve else NationalReview.Status.REJECTED,
            decided_by=actor.user,
            decided_at=clock.now(),
            decision_note=note.strip(),
        )
        audit_record(
            actor=actor,
            obj=registration,
            action="registration.funding_approved" if approve else "registration.funding_rejected",
            changes={"funding_status": [before, status], "note": note.strip()},
        )
        if approve:
            funding_hooks.registration_funding_approved(actor=actor, registration=registration)
    return registration
