"""The flags that keep an NQSW's year on track: caseload over the cap, protected time below target,
supervision overdue, a review coming up. Computed for many registrations at once, in a fixed number
of queries, for the dashboards."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, QuerySet, Sum
from django.shortcuts import get_object_or_404

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role, User
from programmes.models import (
    CaseloadRecord,
    Deferral,
    ProtectedTimeLog,
    Registration,
    RegistrationStatus,
    SupervisionSession,
    SupportNeed,
)
from programmes.selectors import registration_list, timeline_input
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
    today = today or clock.today()
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
            # A deferred NQSW's clock is paused: their reviews are not coming due.
            if registration.status == RegistrationStatus.ACTIVE and any(
                m.kind == "review" and (m.due - today).days <= REVIEW_DUE_WINDOW_DAYS for m in upcoming
            ):
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


# Support records, support needs and the NQSW's own registration ----------------------------------
# (Reads for the support pages, the NQSW's page and the co-ordinator's list of support needs. Every
# query starts from ``visible_to(actor)``, so another employer's rows are never reachable.)


def caseload_cap(*, team_average: Decimal, caseload_cap_percent: Decimal) -> Decimal:
    """The most cases the NQSW should hold: the framework's percentage of the team's average."""
    return (team_average * caseload_cap_percent / 100).quantize(Decimal("0.1"))


def supervision_list(*, actor: Actor, registration: Registration) -> QuerySet[SupervisionSession]:
    return (
        SupervisionSession.objects.visible_to(actor)
        .filter(registration=registration)
        .select_related("supervisor", "recorded_by")
    )


def protected_time_list(*, actor: Actor, registration: Registration) -> QuerySet[ProtectedTimeLog]:
    return (
        ProtectedTimeLog.objects.visible_to(actor)
        .filter(registration=registration)
        .select_related("recorded_by")
    )


def caseload_list(*, actor: Actor, registration: Registration) -> QuerySet[CaseloadRecord]:
    return (
        CaseloadRecord.objects.visible_to(actor)
        .filter(registration=registration)
        .select_related("recorded_by")
    )


def supervisor_choices(*, actor: Actor) -> list[User]:
    """The employer's current assessors and line managers: the people who may have supervised."""
    memberships = (
        Membership.objects.visible_to(actor)
        .active()
        .filter(role__in=[Role.ASSESSOR, Role.LINE_MANAGER])
        .select_related("user")
    )
    people = {m.user_id: m.user for m in memberships if m.user.is_active}
    return sorted(people.values(), key=lambda user: (user.full_name or user.email).lower())


def registration_of_nqsw(*, actor: Actor) -> Registration | None:
    """The signed-in NQSW's own registration here: the open one if there is one, else the latest."""
    if actor.user is None:
        return None
    mine = list(
        registration_list(actor=actor)
        .filter(nqsw=actor.user)
        .select_related("framework_version__framework")
        .order_by("-start_date", "-id")
    )
    return next((r for r in mine if r.is_open), mine[0] if mine else None)


def registrations_to_claim(*, actor: Actor) -> list[Registration]:
    """Registrations here that name the signed-in person's email address and have no NQSW linked yet
    (the co-ordinator registered them before they had an account)."""
    if actor.user is None or not actor.has_role(Role.NQSW):
        return []
    return list(
        Registration.objects.visible_to(actor).filter(nqsw__isnull=True, email__iexact=actor.user.email)
    )


OPEN_NEED_STATUSES = (SupportNeed.Status.REQUESTED, SupportNeed.Status.IN_PROGRESS)


def support_need_list(*, actor: Actor) -> QuerySet[SupportNeed]:
    """Support needs the actor may see: all of the employer's for co-ordinators, the NQSW's own for an
    NQSW, none for anyone else. Whether the detail may be read is decided by ``support_need_views``."""
    needs = SupportNeed.objects.visible_to(actor).select_related("registration")
    if actor.has_role(Role.COORDINATOR):
        return needs
    if actor.has_role(Role.NQSW) and actor.user is not None:
        return needs.filter(registration__nqsw=actor.user)
    return needs.none()


def support_need_get(*, actor: Actor, pk: int) -> SupportNeed:
    """The support need if the actor may see it; 404 whether missing, another employer's or another
    NQSW's."""
    return get_object_or_404(support_need_list(actor=actor), pk=pk)


@dataclass(frozen=True)
class SupportNeedView:
    """A support need as one viewer may see it. ``detail`` is None unless the viewer is the NQSW or the
    NQSW chose to share it: pages get this, never the model, so an unshared detail cannot be shown."""

    pk: int
    registration_id: int
    nqsw_name: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    requested_on: datetime.date
    resolved_on: datetime.date | None
    days_waiting: int
    detail_shared: bool
    detail: str | None
    viewer_is_nqsw: bool
    version: int

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_NEED_STATUSES

    @property
    def detail_visible(self) -> bool:
        return self.detail is not None


def days_waiting(need: SupportNeed, *, today: datetime.date) -> int:
    """Days from the request to its resolution, or to today while it is open."""
    end = need.resolved_on or today
    return max(0, (end - need.requested_on).days)


def support_need_views(
    needs: list[SupportNeed] | QuerySet[SupportNeed], *, actor: Actor, today: datetime.date | None = None
) -> list[SupportNeedView]:
    today = today or clock.today()
    views = []
    for need in needs:
        is_nqsw = actor.user is not None and need.registration.nqsw_id == actor.user.pk
        views.append(
            SupportNeedView(
                pk=need.pk,
                registration_id=need.registration_id,
                nqsw_name=need.registration.full_name,
                kind=need.kind,
                kind_label=need.get_kind_display(),
                status=need.status,
                status_label=need.get_status_display(),
                requested_on=need.requested_on,
                resolved_on=need.resolved_on,
                days_waiting=days_waiting(need, today=today),
                detail_shared=need.detail_shared,
                detail=need.detail if (is_nqsw or need.detail_shared) else None,
                viewer_is_nqsw=is_nqsw,
                version=need.version,
            )
        )
    return views


def support_need_open_list(*, actor: Actor, today: datetime.date | None = None) -> list[SupportNeedView]:
    """The employer's open support needs, longest waiting first (co-ordinators)."""
    actor.require(Role.COORDINATOR)
    needs = (
        support_need_list(actor=actor).filter(status__in=OPEN_NEED_STATUSES).order_by("requested_on", "id")
    )
    return support_need_views(needs, actor=actor, today=today)
