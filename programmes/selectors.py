"""Reads about registrations, scoped to the actor, and each NQSW's timeline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from programmes.models import Deferral, FundingStatus, NationalReview, Registration, RegistrationStatus
from programmes.progress import registration_progress, timeline_spec
from programmes.search import registration_search_q
from programmes.timeline import Milestone, TimelineInput, end_date, milestones


def registration_people(*, actor: Actor) -> Q | None:
    """Which of the employer's registrations the actor's roles show them: None (every one) for
    co-ordinators; for assessors, line managers and NQSWs, the registrations that name them in that role.
    A narrowing of ``visible_to(actor)``, never a widening."""
    if actor.has_role(Role.COORDINATOR):
        return None
    mine = Q(pk__in=[])
    if actor.has_role(Role.ASSESSOR):
        mine |= Q(assessor=actor.user)
    if actor.has_role(Role.LINE_MANAGER):
        mine |= Q(line_manager=actor.user)
    if actor.has_role(Role.NQSW):
        mine |= Q(nqsw=actor.user)
    return mine


def registration_list(*, actor: Actor) -> QuerySet[Registration]:
    """Registrations the actor may see: all of the employer's for co-ordinators; for assessors, line
    managers and NQSWs, the registrations that name them in that role."""
    registrations = Registration.objects.visible_to(actor).select_related("framework_version__framework")
    people = registration_people(actor=actor)
    return registrations if people is None else registrations.filter(people)


def registration_get(*, actor: Actor, pk: int) -> Registration:
    """The registration if the actor may see it; 404 whether missing or another employer's."""
    return get_object_or_404(registration_list(actor=actor), pk=pk)


@dataclass(frozen=True)
class Timeline:
    """The registration's schedule: every due date from the framework, the start, hours, deferrals and any
    extension. Which items are done, due or overdue is ``programmes.progress``'s (``next_due`` reads it)."""

    milestones: list[Milestone]
    end: datetime.date
    today: datetime.date
    registration: Registration | None = field(default=None, repr=False, compare=False)

    @property
    def upcoming(self) -> list[Milestone]:
        return [m for m in self.milestones if m.due >= self.today]

    @cached_property
    def next_due(self) -> Milestone | None:
        """The first item not done (not merely the next date): as kept on the registration when it was
        worked out today, else worked out now. None once the programme has ended."""
        registration = self.registration
        if registration is None or not registration.is_open:
            return None
        if registration.progress_on == self.today:
            if registration.next_due_on is None:
                return None
            return Milestone(
                registration.next_due_kind, registration.next_due_label, registration.next_due_on
            )
        item = registration_progress([registration], today=self.today)[registration.pk].next_item
        return Milestone(item.kind, item.label, item.due) if item else None


def timeline_input(registration: Registration, deferrals: list[Deferral] | None = None) -> TimelineInput:
    if deferrals is None:
        deferrals = list(registration.deferrals.all())
    return timeline_spec(registration, deferrals)


def registration_timeline(
    *, registration: Registration, today: datetime.date | None = None, include_supervision: bool = True
) -> Timeline:
    today = today or clock.today()
    spec = timeline_input(registration)
    end = end_date(spec, today=today)
    return Timeline(
        milestones=milestones(spec, today=today, include_supervision=include_supervision, end=end),
        end=end,
        today=today,
        registration=registration,
    )


def registrations_with_deferrals(queryset: QuerySet[Registration]) -> QuerySet[Registration]:
    return queryset.prefetch_related(Prefetch("deferrals", queryset=Deferral.objects.order_by("started_on")))


OPEN_STATUSES = (RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED)


# --- National staff's reads: evaluate inside the national scope (asye.tenancy.national) ----------

PENDING_FUNDING = (FundingStatus.AWAITING_APPROVAL,)
# National staff's filter for registrations with an open national review (a possible duplicate). It is not
# a funding status: the employer's registration looks like any other awaiting approval.
NEEDS_REVIEW = "needs_review"
# National staff's filter for every registration, decided or not (to find one person across employers).
EVERY_REGISTRATION = "all"


def _open_review() -> Exists:
    return Exists(
        NationalReview.objects.filter(registration=OuterRef("pk"), status=NationalReview.Status.OPEN)
    )


def _to_decide() -> QuerySet[Registration]:
    """Funding still to be decided, or an open national review to decide (a duplicate found after a
    decision: a transfer in). ``needs_review`` says which have an open review.

    The two kinds are found apart and joined (a UNION of ids), so that each is read off its partial index
    (``programmes_reg_awaiting_idx``, ``programmes_review_open_idx``) instead of one OR over every
    registration, which no index serves."""
    awaiting = Registration.objects.filter(funding_status__in=PENDING_FUNDING).order_by().values("pk")
    under_review = (
        NationalReview.objects.filter(status=NationalReview.Status.OPEN).order_by().values("registration_id")
    )
    return Registration.objects.annotate(needs_review=_open_review()).filter(
        pk__in=awaiting.union(under_review)
    )


def registration_review_queue_national(*, actor: Actor, filters: dict[str, str]) -> QuerySet[Registration]:
    """Every employer's registrations whose funding is still to be decided (or, filtered by
    ``funding_status="all"``, every registration), oldest first, narrowed by the filters and search."""
    actor.require(Role.NATIONAL_STAFF)
    if filters.get("funding_status") == EVERY_REGISTRATION:
        registrations = Registration.objects.annotate(needs_review=_open_review())
    else:
        registrations = _to_decide()
    registrations = registrations.select_related("employer", "framework_version__framework").order_by(
        "created_at", "id"
    )
    if filters.get("q"):
        registrations = registrations.filter(registration_search_q(filters["q"]))
    if filters.get("funding_status") == NEEDS_REVIEW:
        registrations = registrations.filter(needs_review=True)
    elif filters.get("funding_status") in PENDING_FUNDING:
        registrations = registrations.filter(funding_status=filters["funding_status"], needs_review=False)
    if filters.get("funding_year"):
        registrations = registrations.filter(funding_year=filters["funding_year"])
    return of_employers_chosen(registrations, filters)


def of_employers_chosen(rows: QuerySet, filters: dict[str, str]) -> QuerySet:
    """A national list's rows narrowed to the employers of the type and region chosen in ``filters``
    (``employer_type``, ``region``; either may be left empty)."""
    if filters.get("employer_type"):
        rows = rows.filter(employer__employer_type=filters["employer_type"])
    if filters.get("region"):
        rows = rows.filter(employer__region=filters["region"])
    return rows


def registration_review_years_national(*, actor: Actor) -> list[str]:
    """The funding years that have registrations waiting for a decision, newest first."""
    actor.require(Role.NATIONAL_STAFF)
    return list(_to_decide().order_by("-funding_year").values_list("funding_year", flat=True).distinct())


def registration_get_national(*, actor: Actor, pk: int) -> Registration:
    actor.require(Role.NATIONAL_STAFF)
    return get_object_or_404(
        Registration.objects.annotate(needs_review=_open_review()).select_related(
            "employer", "framework_version__framework", "assessor"
        ),
        pk=pk,
    )


def registration_duplicates_national(*, actor: Actor, registration: Registration) -> dict:
    """The national reviews of a registration and every other registration of the same person."""
    actor.require(Role.NATIONAL_STAFF)
    reviews = list(
        NationalReview.objects.filter(Q(registration=registration) | Q(other_registration=registration))
        .select_related("registration__employer", "other_registration__employer", "decided_by")
        .order_by("created_at", "id")
    )
    others = list(
        Registration.objects.filter(swe_number=registration.swe_number)
        .exclude(pk=registration.pk)
        .select_related("employer")
        .order_by("start_date", "id")
    )
    return {"reviews": reviews, "others": others}
