"""Corrections of a registration: the NQSW's name, Social Work England number, qualification date or start
date put right with a reason, without withdrawing and registering again (issue #11, finding 7).

A correction runs the registration rules again (``programmes.eligibility``), decides funding again by the
funding rules and hooks (``funding.hooks``; docs/funding.md), runs the national duplicate check again
(``programmes.duplicates``), keeps one ``RegistrationCorrection`` row per field with its old and new values,
and writes one ``registration.corrected`` audit event. What the employer sees never depends on whether
another employer holds the number.

Funding after a correction of the number or a date:
- not eligible any more (qualified too long before the start): "Not eligible for funding", with the rule's
  reason; if it was approved, its claims stop (an unpaid claim is voided; a paid one is never changed, a
  recovery of it is recorded);
- still eligible and not decided yet (or newly eligible): awaiting national approval, as at registration;
- still eligible, decided by national staff, and the number or the funding year changed: awaiting national
  approval again (``RECHECK_NOTE``), whether or not a duplicate was found; its claims wait (a claim cannot
  be submitted until it is approved again, and approval makes no second claim);
- anything else (a name; a date that keeps it eligible in the same year): funding as it was.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.errors import Conflict
from asye.records import versioned_update
from funding import hooks as funding_hooks
from programmes.duplicates import national_duplicates_flag, national_reviews_supersede
from programmes.eligibility import (
    RegistrationFacts,
    check_registration,
    funding_decision,
    funding_year_of,
    long_date,
    normalise_swe_number,
    open_funding_years,
)
from programmes.endings import REGISTRATION_CHANGED
from programmes.models import (
    CaseloadRecord,
    FundingStatus,
    ProtectedTimeLog,
    Registration,
    RegistrationCorrection,
    RegistrationStatus,
    SupervisionSession,
)
from programmes.progress_store import progress_refresh

CORRECTABLE_FIELDS = ("first_name", "last_name", "swe_number", "qualification_date", "start_date")
# Only while the registration is open: they decide its funding and its timeline.
OPEN_ONLY_FIELDS = ("swe_number", "qualification_date", "start_date")
FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "swe_number": "Social Work England number",
    "qualification_date": "Qualification date",
    "start_date": "Start date",
}
RECHECK_NOTE = (
    "Corrected after national staff decided its funding: they check the registration again before it is "
    "funded."
)
REASON_REQUIRED = "Enter the reason for the correction"
REASON_TOO_LONG = "The reason must be 2000 characters or fewer"
NO_PROGRAMME = "No programme for this service area accepts this start date"


def value_text(value: Any) -> str:
    """A value as the history keeps it: dates as ISO dates, everything else as typed."""
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


@dataclass(frozen=True)
class CorrectionPlan:
    """What a correction would change, worked out without saving (the check-answers page shows it)."""

    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field: (old, new)
    funding_status: str = ""
    funding_note: str = ""
    funding_year: str = ""
    funding_before: str = ""
    note_before: str = ""
    year_before: str = ""
    start_moves_days: int = 0
    # The national duplicate check runs again for the (new) number.
    recheck_nationally: bool = False

    @property
    def funding_changes(self) -> bool:
        return (self.funding_status, self.funding_note, self.funding_year) != (
            self.funding_before,
            self.note_before,
            self.year_before,
        )

    @property
    def stops_funding(self) -> bool:
        """It was approved for funding and will not be: its instalments stop (funding.hooks)."""
        return self.funding_before == FundingStatus.APPROVED and self.funding_status == FundingStatus.UNFUNDED

    @property
    def start_moves_by(self) -> int:
        """How many days the due dates move, later or earlier."""
        return abs(self.start_moves_days)

    def funding_label(self) -> str:
        return FundingStatus(self.funding_status).label if self.funding_status else ""


def _first_record(registration: Registration) -> tuple[datetime.date, str] | None:
    """The earliest day work was recorded on the registration here, and what it was."""
    found = []
    for model, date_field, what in (
        (SupervisionSession, "held_on", "a supervision session was held"),
        (ProtectedTimeLog, "taken_on", "protected time was taken"),
        (CaseloadRecord, "recorded_on", "a caseload was recorded"),
    ):
        day = (
            model.objects.filter(registration=registration)
            .order_by(date_field)
            .values_list(date_field, flat=True)
            .first()
        )
        if day is not None:
            found.append((day, what))
    return min(found) if found else None


def _start_date_problems(registration: Registration, start: datetime.date) -> list[str]:
    """A corrected start must come before everything the programme has recorded since it started."""
    problems = []
    deferral = registration.deferrals.order_by("started_on").first()
    if deferral is not None and start > deferral.started_on:
        problems.append(
            f"The start date must be on or before {long_date(deferral.started_on)}, when the first "
            "deferral started"
        )
    record = _first_record(registration)
    if record is not None and start > record[0]:
        problems.append(f"The start date must be on or before {long_date(record[0])}, when {record[1]}")
    ends = registration.ending_on or registration.ended_at
    if ends is not None and start > ends:
        problems.append(f"The start date must be on or before {long_date(ends)}, when the programme ends")
    return problems


def _normalised(name: str, value: Any) -> Any:
    if name in ("first_name", "last_name"):
        return str(value or "").strip()
    if name == "swe_number":
        return normalise_swe_number(str(value or ""))
    return value


def correction_plan(
    *, actor: Actor, registration: Registration, today: datetime.date | None = None, **changes
) -> CorrectionPlan:
    """Check a correction of ``registration`` without saving it. Raises ValidationError with every
    problem by field; returns what would change (nothing, if every value is as it is)."""
    today = today or clock.today()
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This cannot be corrected"] for name in sorted(unknown)})
    new = {name: _normalised(name, value) for name, value in changes.items()}
    diff = {
        name: (getattr(registration, name), value)
        for name, value in new.items()
        if value != getattr(registration, name)
    }
    if not diff:
        return CorrectionPlan()
    if set(diff) & set(OPEN_ONLY_FIELDS) and not registration.is_open:
        raise ValidationError(
            f"This registration is {registration.get_status_display().lower()}: its Social Work England "
            "number and dates can no longer be corrected."
        )
    merged = {name: new.get(name, getattr(registration, name)) for name in CORRECTABLE_FIELDS}
    current_version = registration.framework_version
    facts = RegistrationFacts(
        first_name=merged["first_name"],
        last_name=merged["last_name"],
        email=registration.email,
        swe_number=merged["swe_number"],
        qualification_date=merged["qualification_date"],
        start_date=merged["start_date"],
        contracted_hours=registration.contracted_hours,
        service_area=current_version.framework.service_area,
    )
    start_changed = "start_date" in diff
    # A start may move within the registration's own funding year, or into one open for registration.
    allowed = sorted({*open_funding_years(today), registration.funding_year}) if start_changed else None
    found, version = check_registration(
        facts,
        today=today,
        employer_type=actor.employer.employer_type if actor.employer else "",
        allowed_years=allowed,
    )
    # Only what the correction touches is checked (a field it leaves alone stays as registered), and the
    # start against the qualification date when either moves.
    relevant = set(diff) | ({"start_date"} if "qualification_date" in diff else set())
    errors = {name: messages for name, messages in found.items() if name in relevant}
    if not start_changed and "start_date" in errors:
        # The start stays as registered: which programmes are open to new starts now is not its concern.
        kept = [message for message in errors.pop("start_date") if message != NO_PROGRAMME]
        if kept:
            errors["start_date"] = kept
    if start_changed and "start_date" not in errors:
        if version is not None and version.framework_id != current_version.framework_id:
            errors["start_date"] = [
                f"With this start date the NQSW would be on {version.framework.name}, not "
                f"{current_version.framework.name}. A registration cannot move to another programme"
            ]
        else:
            problems = _start_date_problems(registration, merged["start_date"])
            if problems:
                errors["start_date"] = problems
    if "swe_number" in diff and "swe_number" not in errors:
        taken = (
            Registration.objects.visible_to(actor)
            .filter(
                swe_number=merged["swe_number"],
                status__in=[RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED],
            )
            .exclude(pk=registration.pk)
            .exists()
        )
        if taken:
            errors["swe_number"] = ["This NQSW is already registered with you"]
    if errors:
        raise ValidationError(errors)
    return _with_funding(registration, diff, merged)


def _with_funding(registration: Registration, diff: dict, merged: dict) -> CorrectionPlan:
    before = registration.funding_status
    status, note, year = before, registration.funding_note, registration.funding_year
    recheck = False
    if set(diff) & set(OPEN_ONLY_FIELDS):
        year = funding_year_of(merged["start_date"])
        decision, rule_note = funding_decision(
            qualification_date=merged["qualification_date"],
            start_date=merged["start_date"],
            version=registration.framework_version,
        )
        if decision == FundingStatus.UNFUNDED:
            status, note = decision, rule_note
        elif before == FundingStatus.UNFUNDED:
            status, note, recheck = FundingStatus.AWAITING_APPROVAL, "", True
        elif before == FundingStatus.AWAITING_APPROVAL:
            recheck = "swe_number" in diff
        elif "swe_number" in diff or year != registration.funding_year:
            # Decided on facts that changed: national staff decide again, duplicate or not.
            status, note, recheck = FundingStatus.AWAITING_APPROVAL, RECHECK_NOTE, True
    moves = 0
    if "start_date" in diff:
        moves = (merged["start_date"] - registration.start_date).days
    return CorrectionPlan(
        changes=diff,
        funding_status=status,
        funding_note=note,
        funding_year=year,
        funding_before=before,
        note_before=registration.funding_note,
        year_before=registration.funding_year,
        start_moves_days=moves,
        recheck_nationally=recheck,
    )


@transaction.atomic
def registration_correct(
    *,
    actor: Actor,
    registration: Registration,
    version: int,
    reason: str,
    today: datetime.date | None = None,
    **changes,
) -> Registration:
    """Correct the registration's name, Social Work England number, qualification date or start date, with
    the reason. ``version`` is the one the co-ordinator read: a stale one raises Conflict and nothing
    changes. The same values again change nothing."""
    actor.require(Role.COORDINATOR, employer=registration.employer_id)
    locked = (
        Registration.objects.visible_to(actor)
        .select_for_update(of=("self",))
        .select_related("framework_version__framework")
        .get(pk=registration.pk)
    )
    if locked.version != version:
        raise Conflict(REGISTRATION_CHANGED)
    reason = (reason or "").strip()
    reason_errors = {"reason": [REASON_REQUIRED]} if not reason else {}
    if len(reason) > 2000:
        reason_errors = {"reason": [REASON_TOO_LONG]}
    try:
        plan = correction_plan(actor=actor, registration=locked, today=today, **changes)
    except ValidationError as error:
        if reason_errors and hasattr(error, "error_dict"):
            raise ValidationError({**error.message_dict, **reason_errors}) from error
        raise
    if not plan.changes:
        return locked
    if reason_errors:
        raise ValidationError(reason_errors)
    values = {name: new for name, (_old, new) in plan.changes.items()}
    versioned_update(
        locked,
        version,
        REGISTRATION_CHANGED,
        funding_status=plan.funding_status,
        funding_note=plan.funding_note,
        funding_year=plan.funding_year,
        **values,
    )
    RegistrationCorrection.objects.bulk_create(
        [
            RegistrationCorrection(
                employer_id=locked.employer_id,
                registration=locked,
                field=name,
                old_value=value_text(old),
                new_value=value_text(new),
                reason=reason,
                corrected_by=actor.user,
            )
            for name, (old, new) in plan.changes.items()
        ]
    )
    corrected = Registration.objects.select_related("framework_version__framework").get(pk=locked.pk)
    if "swe_number" in plan.changes:
        national_reviews_supersede(corrected)
    if plan.recheck_nationally and corrected.funding_status == FundingStatus.AWAITING_APPROVAL:
        national_duplicates_flag(corrected)
    audit: dict[str, Any] = {name: [old, new] for name, (old, new) in plan.changes.items()}
    if plan.funding_status != plan.funding_before:
        audit["funding_status"] = [plan.funding_before, plan.funding_status]
    if plan.funding_year != plan.year_before:
        audit["funding_year"] = [plan.year_before, plan.funding_year]
    audit["reason"] = reason
    audit_record(actor=actor, obj=corrected, action="registration.corrected", changes=audit)
    if plan.stops_funding:
        funding_hooks.registration_funding_withdrawn(
            actor=actor,
            registration=corrected,
            reason=f"A correction made the registration not eligible for funding. {plan.funding_note}",
        )
    progress_refresh(registration=corrected, today=today)
    return corrected


def _shown(name: str, text: str) -> str:
    if name in ("qualification_date", "start_date") and text:
        try:
            return long_date(datetime.date.fromisoformat(text))
        except ValueError:
            return text
    return text


def correction_history(*, registration: Registration) -> list[dict]:
    """The registration's corrections, oldest first, as the registration page shows them: the detail, the
    old and new values, the reason, who and when (the caller read the registration through a scoped
    selector)."""
    rows = (
        RegistrationCorrection.objects.filter(registration=registration)
        .select_related("corrected_by")
        .order_by("corrected_at", "id")
    )
    return [
        {
            "label": FIELD_LABELS.get(row.field, row.field),
            "old": _shown(row.field, row.old_value),
            "new": _shown(row.field, row.new_value),
            "reason": row.reason,
            "by": row.corrected_by,
            "at": row.corrected_at,
        }
        for row in rows
    ]
