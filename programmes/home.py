"""This app's sections of the signed-in home page (``asye.web.home_sections``): what each person has to do
about the NQSWs' programmes.

- Co-ordinator: how many NQSWs carry each dashboard flag (each a link to the registrations list filtered by
  it) and the transfers waiting for their decision.
- Assessor and line manager: the NQSWs they work with whose supervision is overdue, and (line managers)
  whose protected time is below target or caseload over the cap.
- NQSW: what is due next on their timeline, and the learning agreement when it waits for them.

Every figure is read from the progress kept on each registration (``programmes.progress_store``), the same
stored flags the dashboard's ``?status=`` filters use, so each section is a fixed number of queries
whatever the number of NQSWs (``tests/web/test_home_todo.py`` pins them).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.web.home_sections import HomeSection, listed
from programmes.models import Registration, RegistrationStatus
from programmes.progress_items import FLAG_LABELS, Flag
from programmes.progress_store import OPEN_STATUSES, flag_filter, progress_catch_up
from programmes.selectors import registration_list
from programmes.transfers import transfer_waiting_count

# The flags the co-ordinator is asked to act on, in the dashboard's order ("on track" needs nothing).
ACTION_FLAGS = (
    Flag.WORK_OVERDUE,
    Flag.OVERDUE,
    Flag.REVIEW_DUE,
    Flag.PROTECTED_TIME_BELOW_TARGET,
    Flag.CASELOAD_OVER_CAP,
    Flag.DEFERRED,
)


@dataclass(frozen=True)
class FlagCount:
    flag: str
    label: str
    colour: str
    count: int

    @property
    def url(self) -> str:
        return f"{reverse('programmes:list')}?{urlencode({'status': self.flag})}"


@dataclass(frozen=True)
class CoordinatorProgrammeToDo:
    open_total: int
    flags: list[FlagCount]
    transfers_waiting: int

    @property
    def flagged(self) -> list[FlagCount]:
        return [flag for flag in self.flags if flag.count]


def coordinator_programme_todo(
    *, actor: Actor, today: datetime.date | None = None
) -> CoordinatorProgrammeToDo:
    """Counts of each flag over the employer's open registrations, in one aggregate query (after the
    catch-up that works out anything not yet worked out today: one query when all is current)."""
    today = today or clock.today()
    registrations = registration_list(actor=actor)
    progress_catch_up(registrations, today=today)
    counts = registrations.order_by().aggregate(
        open_total=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        **{flag: Count("pk", filter=flag_filter(flag)) for flag in ACTION_FLAGS},
    )
    return CoordinatorProgrammeToDo(
        open_total=counts["open_total"],
        flags=[FlagCount(flag, *FLAG_LABELS[flag], counts[flag]) for flag in ACTION_FLAGS],
        transfers_waiting=transfer_waiting_count(actor=actor),
    )


@dataclass(frozen=True)
class SupportToDo:
    """The NQSWs a person supports who need something from them now."""

    supervision_overdue: list[Registration]
    protected_time: list[Registration]
    caseload: list[Registration]
    more: int  # flagged registrations beyond the ``SHOWN`` named (``asye.web.home_sections``)

    @property
    def empty(self) -> bool:
        return not (self.supervision_overdue or self.protected_time or self.caseload)


def support_todo(*, actor: Actor, today: datetime.date | None = None) -> SupportToDo:
    """For an assessor or line manager: their NQSWs with supervision overdue; for a line manager also
    protected time below target and caseload over the cap (theirs to put right). Two queries."""
    today = today or clock.today()
    user = actor.user
    mine = Q(pk__in=[])
    if actor.has_role(Role.ASSESSOR):
        mine |= Q(assessor=user)
    if actor.has_role(Role.LINE_MANAGER):
        mine |= Q(line_manager=user)
    registrations = Registration.objects.visible_to(actor).filter(mine)
    progress_catch_up(registrations, today=today)
    manager = Q(line_manager=user) if actor.has_role(Role.LINE_MANAGER) else Q(pk__in=[])
    wanted = flag_filter(Flag.OVERDUE) | (
        manager & (flag_filter(Flag.PROTECTED_TIME_BELOW_TARGET) | flag_filter(Flag.CASELOAD_OVER_CAP))
    )
    flagged = listed(registrations.filter(wanted).order_by("last_name", "first_name", "id"))
    managed = {r.pk for r in flagged.items if r.line_manager_id == user.pk}
    return SupportToDo(
        supervision_overdue=[r for r in flagged.items if r.flag_supervision_overdue],
        protected_time=[r for r in flagged.items if r.flag_protected_time and r.pk in managed],
        caseload=[r for r in flagged.items if r.flag_caseload and r.pk in managed],
        more=flagged.more,
    )


@dataclass(frozen=True)
class NqswNext:
    registration: Registration
    agreement_to_sign: bool
    today: datetime.date

    @property
    def overdue(self) -> bool:
        due = self.registration.next_due_on
        return due is not None and due < self.today and not self.deferred

    @property
    def deferred(self) -> bool:
        return self.registration.status == RegistrationStatus.DEFERRED


def nqsw_next(*, actor: Actor, today: datetime.date | None = None) -> list[NqswNext]:
    """The NQSW's open programme at this employer: what is due next (as kept on the registration) and
    whether the learning agreement waits for their signature. One query after the catch-up."""
    today = today or clock.today()
    registrations = Registration.objects.visible_to(actor).filter(nqsw=actor.user, status__in=OPEN_STATUSES)
    progress_catch_up(registrations, today=today)
    return [
        NqswNext(registration=r, agreement_to_sign=r.learning_agreement_needs_signing, today=today)
        for r in registrations.select_related("framework_version__framework").order_by("start_date", "id")
    ]


def home_sections(actor: Actor) -> list[HomeSection]:
    if actor.employer_id is None or actor.user is None:
        return []
    sections = []
    if actor.has_role(Role.COORDINATOR):
        sections.append(
            HomeSection(
                role=Role.COORDINATOR,
                template="programmes/_home_coordinator.html",
                context={"programme_todo": coordinator_programme_todo(actor=actor)},
            )
        )
    if actor.has_role(Role.ASSESSOR) or actor.has_role(Role.LINE_MANAGER):
        todo = support_todo(actor=actor)
        role = Role.ASSESSOR if actor.has_role(Role.ASSESSOR) else Role.LINE_MANAGER
        sections.append(
            HomeSection(role=role, template="programmes/_home_support.html", context={"support_todo": todo})
        )
    if actor.has_role(Role.NQSW):
        sections.append(
            HomeSection(
                role=Role.NQSW,
                template="programmes/_home_nqsw.html",
                context={"nqsw_next": nqsw_next(actor=actor)},
            )
        )
    return sections
