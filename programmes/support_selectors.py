"""The flags that keep an NQSW's year on track: caseload over the cap, protected time below target,
supervision overdue, a review coming up. Computed for many registrations at once, in a fixed number
of queries, for the dashboards."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Sum
from django.utils import timezone

from programmes.models import (
    CaseloadRecord,
    Deferral,
    ProtectedTimeLog,
    Registration,
    RegistrationStatus,
    SupervisionSession,
)
from programmes.selectors import timeline_input
from programmes.timeline import milestones, supervision_schedule

REVIEW_DUE_WINDOW_DAYS = 14
# A supervision counts as overdue a week after its due date.
SUPERVISION_GRACE_DAYS = 7


class Flag:
    ON_TRACK = "on_track"
    REVIEW_DUE = "review_due"
    OVERDUE = "overdue"
    CASELOAD_OVER_CAP = "caseload_over_cap"
    PROTECTED_TIME_BELOW_TARGET = "protected_time_below_target"
    DEFERRED = "deferred"


FLAG_LABELS = {
    Flag.ON_TRACK: ("On track", "green"),
    Flag.REVIEW_DUE: ("Review due", "yellow"),
    Flag.OVERDUE: ("Supervision overdue", "red"),
    Flag.CASELOAD_OVER_CAP: ("Caseload over cap", "red"),
    Flag.PROTECTED_TIME_BELOW_TARGET: ("Protected time below target", "orange"),
    Flag.DEFERRED: ("Deferred", "grey"),
}


@dataclass
class RegistrationSupport:
    """What the dashboards show about one registration."""

    flags: list[str] = field(default_factory=list)
    next_due_label: str = ""
    next_due: datetime.date | None = None
    latest_caseload: int | None = None
    caseload_cap: Decimal | None = None
    protected_hours: Decimal = Decimal(0)
    protected_target: Decimal = Decimal(0)
    supervision_held: int = 0
    supervision_due: int = 0

    @property
    def tags(self) -> list[tuple[str, str]]:
        return [FLAG_LABELS[flag] for flag in self.flags]


def weeks_in_programme(start: datetime.date, today: datetime.date, pauses: list[Deferral]) -> Decimal:
    """Whole weeks worked since the start, less the time paused by deferrals."""
    if today <= start:
        return Decimal(0)
    days = (today - start).days
    for deferral in pauses:
        end = deferral.ended_on or today
        overlap = (min(end, today) - max(deferral.started_on, start)).days
        days -= max(0, overlap)
    return Decimal(max(0, days) // 7)


def registration_support(
    registrations: list[Registration], *, today: datetime.date | None = None
) -> dict[int, RegistrationSupport]:
    """Flags and figures for each registration (by id). Five queries, whatever the number."""
    today = today or timezone.localdate()
    ids = [r.pk for r in registrations]
    deferrals: dict[int, list[Deferral]] = defaultdict(list)
    for deferral in Deferral.objects.filter(registration_id__in=ids).order_by("started_on"):
        deferrals[deferral.registration_id].append(deferral)
    hours = dict(
        ProtectedTimeLog.objects.filter(registration_id__in=ids, taken_on__lte=today)
        .values_list("registration_id")
        .annotate(total=Sum("hours"))
    )
    sessions = dict(
        SupervisionSession.objects.filter(registration_id__in=ids, held_on__lte=today)
        .values_list("registration_id")
        .annotate(n=Count("id"))
    )
    latest_dates = (
        CaseloadRecord.objects.filter(registration_id__in=ids)
        .values("registration_id")
        .annotate(last=Max("recorded_on"))
    )
    latest: dict[int, CaseloadRecord] = {}
    wanted = {(row["registration_id"], row["last"]) for row in latest_dates}
    for record in CaseloadRecord.objects.filter(registration_id__in=ids).order_by("recorded_on", "id"):
        if (record.registration_id, record.recorded_on) in wanted:
            latest[record.registration_id] = record

    result: dict[int, RegistrationSupport] = {}
    for registration in registrations:
        version = registration.framework_version
        support = RegistrationSupport()
        spec = timeline_input(registration, deferrals[registration.pk])
        if registration.status == RegistrationStatus.DEFERRED:
            support.flags.append(Flag.DEFERRED)
        if registration.is_open:
            upcoming = [m for m in milestones(spec, today=today, include_supervision=False) if m.due >= today]
            if upcoming:
                support.next_due_label, support.next_due = upcoming[0].label, upcoming[0].due
            if any(m.kind == "review" and (m.due - today).days <= REVIEW_DUE_WINDOW_DAYS for m in upcoming):
                support.flags.append(Flag.REVIEW_DUE)
            grace = today - datetime.timedelta(days=SUPERVISION_GRACE_DAYS)
            support.supervision_due = sum(
                1 for m in supervision_schedule(spec, today=today) if m.due <= grace
            )
            support.supervision_held = sessions.get(registration.pk, 0)
            if (
                registration.status == RegistrationStatus.ACTIVE
                and support.supervision_held < support.supervision_due
            ):
                support.flags.append(Flag.OVERDUE)
            weeks = weeks_in_programme(registration.start_date, today, deferrals[registration.pk])
            support.protected_target = (
                registration.contracted_hours * version.protected_time_percent / 100 * weeks
            ).quantize(Decimal("0.1"))
            support.protected_hours = hours.get(registration.pk) or Decimal(0)
            if (
                registration.status == RegistrationStatus.ACTIVE
                and support.protected_hours < support.protected_target
            ):
                support.flags.append(Flag.PROTECTED_TIME_BELOW_TARGET)
            record = latest.get(registration.pk)
            if record is not None:
                support.latest_caseload = record.caseload
                support.caseload_cap = (record.team_average * version.caseload_cap_percent / 100).quantize(
                    Decimal("0.1")
                )
                if record.caseload > support.caseload_cap:
                    support.flags.append(Flag.CASELOAD_OVER_CAP)
            if not support.flags:
                support.flags.append(Flag.ON_TRACK)
        result[registration.pk] = support
    return result
