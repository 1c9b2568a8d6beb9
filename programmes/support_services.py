"""Writes that keep an NQSW's year on track: supervision sessions, protected development time, caseload,
and an NQSW linking themselves to the registration their co-ordinator made. Support needs are
``programmes.support_need_services``.

Who may record what, for whom:
- supervision: the co-ordinator, or the NQSW's own assessor or line manager;
- protected time: the NQSW themselves, their line manager or the co-ordinator;
- caseload: the NQSW's line manager or the co-ordinator.
Holding the role is not enough: an assessor records only for the NQSWs allocated to them.

Breaches are written to the audit trail as well as shown on dashboards: ``caseload.over_cap`` for a
record above the framework's cap, ``protected_time.below_target`` when, at a new log, protected time
has fallen below target (by ``programmes.progress``'s rule) since the previous log. Each record keeps the
registration's stored progress up to date in the same transaction (``progress_refresh``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role
from asye.audit.services import audit_record, audited_create
from asye.errors import Conflict
from programmes.eligibility import normalise_swe_number
from programmes.models import CaseloadRecord, ProtectedTimeLog, Registration, SupervisionSession
from programmes.progress_store import progress_refresh
from programmes.support_selectors import Flag, caseload_cap, registration_support

MIN_SUPERVISION_MINUTES = 15
MAX_SUPERVISION_MINUTES = 480
MIN_PROTECTED_HOURS = Decimal("0.25")
MAX_PROTECTED_HOURS = Decimal("12")
MAX_CASELOAD = 200
MIN_TEAM_AVERAGE = Decimal("0.1")
MAX_TEAM_AVERAGE = Decimal("200")
MAX_ACTIVITY_LENGTH = 200


@dataclass(frozen=True)
class NumberAnswer:
    """A number a support record asks for: its limits and messages, checked by the form on what was typed
    and again by the service on its arguments, in the same words. ``invalid`` is for what is not a number
    of its kind; ``places`` is the step of a number typed with a decimal point (``None``: a whole number,
    which the form's field reads, so the service is given a number or nothing)."""

    missing: str
    low: int | Decimal
    high: int | Decimal
    outside: str
    invalid: str
    places: Decimal | None = None
    too_precise: str = ""

    def checked(self, value) -> int | Decimal:
        """The number, or ValidationError with the first message that applies."""
        if value in (None, ""):
            raise ValidationError(self.missing)
        number = value if self.places is None else self._parsed(value)
        if not (self.low <= number <= self.high):
            raise ValidationError(self.outside)
        if self.places is not None and number != number.quantize(self.places):
            raise ValidationError(self.too_precise)
        return number

    def _parsed(self, value) -> Decimal:
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError, TypeError) as exc:
            raise ValidationError(self.invalid) from exc
        if not number.is_finite():
            raise ValidationError(self.invalid)
        return number


SUPERVISION_MINUTES = NumberAnswer(
    missing="Enter how long the session lasted, in minutes",
    low=MIN_SUPERVISION_MINUTES,
    high=MAX_SUPERVISION_MINUTES,
    outside=f"The session must last between {MIN_SUPERVISION_MINUTES} and {MAX_SUPERVISION_MINUTES} minutes",
    invalid="Enter how long the session lasted as a whole number of minutes, like 60",
)
PROTECTED_HOURS = NumberAnswer(
    missing="Enter the number of hours",
    low=MIN_PROTECTED_HOURS,
    high=MAX_PROTECTED_HOURS,
    outside="Enter between a quarter of an hour (0.25) and 12 hours",
    invalid="Enter the number of hours as a number, like 3.5",
    places=Decimal("0.01"),
    too_precise="Enter the hours to no more than 2 decimal places, like 3.25",
)
CASELOAD = NumberAnswer(
    missing="Enter the number of cases the NQSW holds",
    low=0,
    high=MAX_CASELOAD,
    outside=f"The caseload must be between 0 and {MAX_CASELOAD}",
    invalid="Enter the number of cases as a whole number, like 12",
)
TEAM_AVERAGE = NumberAnswer(
    missing="Enter the team's average caseload",
    low=MIN_TEAM_AVERAGE,
    high=MAX_TEAM_AVERAGE,
    outside=f"The team's average must be between {MIN_TEAM_AVERAGE} and {MAX_TEAM_AVERAGE}",
    invalid="Enter the team's average as a number, like 18.5",
    places=Decimal("0.1"),
    too_precise="Enter the team's average to 1 decimal place, like 18.5",
)


def _today() -> datetime.date:
    return clock.today()


# Who may record for whom ----------------------------------------------------------------------------


def is_person(actor: Actor, user_id: int | None) -> bool:
    """Whether the actor is the person with this user id (never true for nobody)."""
    return actor.user is not None and user_id is not None and actor.user.pk == user_id


def _records_for(actor: Actor, registration: Registration, *people: tuple[str, str]) -> bool:
    """The co-ordinator, or one of ``people`` (a role, and the registration's field naming the person who
    must hold it), at the registration's employer."""
    if registration.employer_id != actor.employer_id:
        return False
    return actor.has_role(Role.COORDINATOR) or any(
        actor.has_role(role) and is_person(actor, getattr(registration, field)) for role, field in people
    )


def can_record_supervision(*, actor: Actor, registration: Registration) -> bool:
    return _records_for(
        actor, registration, (Role.ASSESSOR, "assessor_id"), (Role.LINE_MANAGER, "line_manager_id")
    )


def can_log_protected_time(*, actor: Actor, registration: Registration) -> bool:
    return _records_for(actor, registration, (Role.NQSW, "nqsw_id"), (Role.LINE_MANAGER, "line_manager_id"))


def can_record_caseload(*, actor: Actor, registration: Registration) -> bool:
    return _records_for(actor, registration, (Role.LINE_MANAGER, "line_manager_id"))


def refuse_unless(allowed: bool, message: str) -> None:
    """PermissionDenied with ``message`` unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)


# Shared checks ----------------------------------------------------------------------------------------


def require_recordable(registration: Registration) -> None:
    """Records are kept only for a programme that is under way (in progress or deferred)."""
    if not registration.is_open:
        raise ValidationError(
            f"This registration is {registration.get_status_display().lower()}: nothing more can be recorded."
        )


def _start_record(
    registration: Registration,
    *,
    allowed: bool,
    refusal: str,
    today: datetime.date | None,
    day: tuple[str, datetime.date | None, str],
) -> tuple[datetime.date, dict[str, list[str]]]:
    """What every support record checks first: the person may record it (PermissionDenied with ``refusal``
    otherwise), the programme is under way, and its ``day`` (the answer's name, the date, and ``what``
    for the messages) is a date between the programme's start and today. Returns today and the errors so
    far, to which the record's own checks add."""
    refuse_unless(allowed, refusal)
    require_recordable(registration)
    today = today or _today()
    errors: dict[str, list[str]] = {}
    name, value, what = day
    _check_day(errors, name, value, registration=registration, today=today, what=what)
    return today, errors


def _check_day(
    errors: dict[str, list[str]],
    name: str,
    day: datetime.date | None,
    *,
    registration: Registration,
    today: datetime.date,
    what: str,
) -> None:
    if day is None:
        errors[name] = [f"Enter the date {what}"]
    elif day > today:
        errors[name] = [f"The date {what} must be today or in the past"]
    elif day < registration.start_date:
        start = f"{registration.start_date.day} {registration.start_date:%B %Y}"
        errors[name] = [f"The date {what} must be on or after the programme's start date, {start}"]


def _check_number(
    errors: dict[str, list[str]], name: str, value, answer: NumberAnswer
) -> int | Decimal | None:
    """The answer ``name`` checked by its rule, or None with its message added to ``errors``."""
    try:
        return answer.checked(value)
    except ValidationError as problem:
        errors[name] = problem.messages
        return None


# Supervision ------------------------------------------------------------------------------------------


def _check_supervisor(actor: Actor, registration: Registration, supervisor_id: int) -> None:
    if is_person(actor, supervisor_id):
        return
    supervises = (
        Membership.objects.active()
        .filter(
            employer_id=registration.employer_id,
            user_id=supervisor_id,
            role__in=[Role.ASSESSOR, Role.LINE_MANAGER],
        )
        .exists()
    )
    if not supervises:
        raise ValidationError({"supervisor": ["Select one of your assessors or line managers"]})


@transaction.atomic
def supervision_record(
    *,
    actor: Actor,
    registration: Registration,
    held_on: datetime.date | None,
    duration_minutes: int | None,
    reflective: bool,
    supervisor_id: int | None = None,
    today: datetime.date | None = None,
) -> SupervisionSession:
    """Record a supervision session held with the NQSW. The supervisor is the person recording unless
    another of the employer's assessors or line managers is named."""
    actor.require(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, employer=registration.employer_id)
    today, errors = _start_record(
        registration,
        allowed=can_record_supervision(actor=actor, registration=registration),
        refusal="Only the NQSW's assessor or line manager, or the co-ordinator, records their supervision.",
        today=today,
        day=("held_on", held_on, "of the session"),
    )
    _check_number(errors, "duration_minutes", duration_minutes, SUPERVISION_MINUTES)
    supervisor_id = supervisor_id or actor.user.pk
    if not errors:
        _check_supervisor(actor, registration, supervisor_id)
    if errors:
        raise ValidationError(errors)
    session = audited_create(
        SupervisionSession,
        actor=actor,
        action="supervision.recorded",
        audit=("registration", "held_on", "duration_minutes", "reflective", "supervisor"),
        employer_id=registration.employer_id,
        registration=registration,
        held_on=held_on,
        duration_minutes=duration_minutes,
        reflective=bool(reflective),
        supervisor_id=supervisor_id,
        recorded_by=actor.user,
    )
    progress_refresh(registration=registration)
    return session


# Protected development time ---------------------------------------------------------------------------


def _below_target(registration: Registration, *, today: datetime.date) -> bool:
    support = registration_support([registration], today=today)[registration.pk]
    return Flag.PROTECTED_TIME_BELOW_TARGET in support.flags


@transaction.atomic
def protected_time_log(
    *,
    actor: Actor,
    registration: Registration,
    taken_on: datetime.date | None,
    hours,
    activity: str,
    today: datetime.date | None = None,
) -> ProtectedTimeLog:
    """Log protected development time the NQSW took.

    Audits ``protected_time.logged``, and ``protected_time.below_target`` if the NQSW was on target as
    at the previous log (or at the start, for the first) and is below target now, even with this log:
    the breach is recorded once, when it is first seen, not at every log while it lasts."""
    actor.require(Role.COORDINATOR, Role.LINE_MANAGER, Role.NQSW, employer=registration.employer_id)
    today, errors = _start_record(
        registration,
        allowed=can_log_protected_time(actor=actor, registration=registration),
        refusal="Only the NQSW, their line manager or the co-ordinator logs their protected time.",
        today=today,
        day=("taken_on", taken_on, "the time was taken"),
    )
    amount = _check_number(errors, "hours", hours, PROTECTED_HOURS)
    activity = (activity or "").strip()
    if not activity:
        errors["activity"] = ["Enter what the time was used for"]
    elif len(activity) > MAX_ACTIVITY_LENGTH:
        errors["activity"] = [f"The activity must be {MAX_ACTIVITY_LENGTH} characters or fewer"]
    if errors:
        raise ValidationError(errors)

    # "Before" is the state as at the last day time was logged for (the start, if nothing was).
    previous = (
        ProtectedTimeLog.objects.filter(registration=registration, taken_on__lte=today)
        .order_by("-taken_on")
        .values_list("taken_on", flat=True)
        .first()
    )
    was_below = _below_target(registration, today=previous or registration.start_date)
    log = audited_create(
        ProtectedTimeLog,
        actor=actor,
        action="protected_time.logged",
        audit=("registration", "taken_on", "hours", "activity"),
        employer_id=registration.employer_id,
        registration=registration,
        taken_on=taken_on,
        hours=amount,
        activity=activity,
        recorded_by=actor.user,
    )
    if not was_below and _below_target(registration, today=today):
        support = registration_support([registration], today=today)[registration.pk]
        audit_record(
            actor=actor,
            obj=registration,
            action="protected_time.below_target",
            changes={"hours": support.protected_hours, "target": support.protected_target, "as_at": today},
        )
    progress_refresh(registration=registration)
    return log


# Caseload ---------------------------------------------------------------------------------------------


@transaction.atomic
def caseload_record(
    *,
    actor: Actor,
    registration: Registration,
    recorded_on: datetime.date | None,
    caseload: int | None,
    team_average,
    today: datetime.date | None = None,
) -> CaseloadRecord:
    """Record the NQSW's caseload and the team's average. A caseload above the framework's cap (90% of
    the team's average) is also audited as ``caseload.over_cap``."""
    actor.require(Role.COORDINATOR, Role.LINE_MANAGER, employer=registration.employer_id)
    today, errors = _start_record(
        registration,
        allowed=can_record_caseload(actor=actor, registration=registration),
        refusal="Only the NQSW's line manager or the co-ordinator records their caseload.",
        today=today,
        day=("recorded_on", recorded_on, "of the count"),
    )
    _check_number(errors, "caseload", caseload, CASELOAD)
    average = _check_number(errors, "team_average", team_average, TEAM_AVERAGE)
    if errors:
        raise ValidationError(errors)
    cap = caseload_cap(
        team_average=average, caseload_cap_percent=registration.framework_version.caseload_cap_percent
    )
    changes = {
        "registration": registration.pk,
        "recorded_on": recorded_on,
        "caseload": caseload,
        "team_average": average,
        "cap": cap,
    }
    record = audited_create(
        CaseloadRecord,
        actor=actor,
        action="caseload.recorded",
        changes=changes,
        employer_id=registration.employer_id,
        registration=registration,
        recorded_on=recorded_on,
        caseload=caseload,
        team_average=average,
        recorded_by=actor.user,
    )
    if caseload > cap:
        audit_record(actor=actor, obj=record, action="caseload.over_cap", changes=changes)
    progress_refresh(registration=registration)
    return record


# The NQSW's own registration ------------------------------------------------------------------------


@transaction.atomic
def registration_claim_by_nqsw(*, actor: Actor, registration: Registration, swe_number: str) -> Registration:
    """Link the signed-in NQSW to a registration that names their email address and has no NQSW yet
    (registered before they had an account, or continued here by a transfer), once they confirm it is
    theirs by giving its Social Work England number. Never done for them: an email address typed by a
    co-ordinator (or carried by another employer's transfer) is not proof of who the NQSW is. Harmless to
    repeat."""
    actor.require(Role.NQSW, employer=registration.employer_id)
    if is_person(actor, registration.nqsw_id):
        return registration
    if (
        registration.nqsw_id is not None
        or not registration.email
        or registration.email.lower() != actor.user.email.lower()
    ):
        raise PermissionDenied("This registration is not yours to claim.")
    if normalise_swe_number(swe_number) != registration.swe_number:
        raise ValidationError(
            {
                "swe_number": [
                    "This is not the Social Work England number on the registration. If yours is right, ask "
                    "your ASYE co-ordinator to check your registration"
                ]
            }
        )
    claimed = Registration.objects.filter(pk=registration.pk, nqsw__isnull=True).update(
        nqsw=actor.user, version=F("version") + 1, updated_at=clock.now()
    )
    if not claimed:
        raise Conflict("This registration was changed by someone else. Reload the page and try again.")
    registration.refresh_from_db()
    audit_record(
        actor=actor,
        obj=registration,
        action="registration.claimed_by_nqsw",
        changes={"nqsw": [None, actor.user.pk]},
    )
    return registration
