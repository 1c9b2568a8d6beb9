"""Reads for the support pages: each NQSW's progress and flags for the dashboards (worked out by
``programmes.progress``, the one definition), their supervision, protected time and caseload records,
support needs, and the NQSW's own registration."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role, User
from programmes.models import (
    CaseloadRecord,
    ProtectedTimeLog,
    Registration,
    SupervisionSession,
    SupportNeed,
)
from programmes.progress import (  # the cap, read by the support pages from here too
    caseload_cap,  # noqa: F401
    registration_progress,
)
from programmes.progress_items import (  # the flags, read by the support pages from here too
    FLAG_LABELS,  # noqa: F401
    Flag,  # noqa: F401
    Progress,
)
from programmes.search import registration_search_q
from programmes.selectors import registration_list

# What the dashboards show about one registration.
RegistrationSupport = Progress


def registration_support(
    registrations: list[Registration], *, today: datetime.date | None = None
) -> dict[int, Progress]:
    """Progress, flags and figures for each registration (by id), worked out from the records as of
    ``today``: a fixed number of queries, whatever the number."""
    return registration_progress(registrations, today=today or clock.today())


# Support records, support needs and the NQSW's own registration ----------------------------------
# (Reads for the support pages, the NQSW's page and the co-ordinator's list of support needs. Every
# query starts from ``visible_to(actor)``, so another employer's rows are never reachable.)


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


CLOSED_NEED_STATUSES = (
    SupportNeed.Status.IN_PLACE,
    SupportNeed.Status.DECLINED,
    SupportNeed.Status.WITHDRAWN,
)


def support_need_search_list(*, actor: Actor, filters: dict[str, str]) -> QuerySet[SupportNeed]:
    """The employer's support needs for the co-ordinator's list (co-ordinators), longest waiting first,
    narrowed by ``q`` (the NQSW's name, email or SWE number, ``programmes.search``) and ``status`` (""
    for the open ones, ``resolved``, or ``all``). Pages show them through ``support_need_views``."""
    actor.require(Role.COORDINATOR)
    needs = support_need_list(actor=actor)
    if filters.get("q"):
        needs = needs.filter(registration_search_q(filters["q"], prefix="registration__"))
    status = filters.get("status")
    if status == "resolved":
        needs = needs.filter(status__in=CLOSED_NEED_STATUSES)
    elif status != "all":
        needs = needs.filter(status__in=OPEN_NEED_STATUSES)
    return needs.order_by("requested_on", "id")
