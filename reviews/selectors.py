"""Reads about reviews, support plans, final recommendations and the internal moderation panel, scoped to
the actor; the review points of a registration's timeline. National staff's outcome figures are in
``reviews.outcome_figures``.

Everything an employer's person reads hangs from a registration they may see
(``programmes.selectors.registration_list``): the co-ordinator sees every one of the employer's, an
assessor, line manager or NQSW only the registrations that name them. Another employer's object, or one
of an NQSW the person does not work with, is a 404 decided by the query.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from programmes.models import FrameworkVersion, Outcome, Registration, RegistrationStatus
from programmes.search import registration_search_q
from programmes.selectors import OPEN_STATUSES, registration_list, registration_timeline
from reviews.models import (
    FinalRecommendation,
    ModerationPanel,
    PanelDecision,
    PanelMember,
    PracticeExample,
    Review,
    SupportPlan,
    SupportPlanAction,
)
from reviews.rules import submitted_by_end_of

# --- Review points from the framework ------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewPoint:
    """A review the framework asks for (or offers, when ``optional``), due on the registration's timeline."""

    month: int
    due: datetime.date
    optional: bool = False

    @property
    def label(self) -> str:
        return f"{self.month}-month review"


def review_points(*, registration: Registration, today: datetime.date | None = None) -> list[ReviewPoint]:
    """The registration's review points with due dates from its timeline (part-time hours, deferrals and
    an extension included), required ones first in month order, then the optional ones."""
    timeline = registration_timeline(registration=registration, today=today, include_supervision=False)
    points = [
        ReviewPoint(int(m.month), m.due, optional=m.kind == "optional_review")
        for m in timeline.milestones
        if m.kind in ("review", "optional_review") and m.month is not None
    ]
    return sorted(points, key=lambda p: (p.optional, p.month))


# --- Reviews -------------------------------------------------------------------------------------------


def review_list(*, actor: Actor) -> QuerySet[Review]:
    """Reviews of the registrations the actor may see."""
    return (
        Review.objects.visible_to(actor)
        .filter(registration__in=registration_list(actor=actor))
        .select_related("registration__framework_version__framework")
    )


def review_search_list(*, actor: Actor, filters: dict[str, str], today: datetime.date) -> QuerySet[Review]:
    """The reviews the actor may see, by NQSW then review point, narrowed by the review list's filters:
    ``q`` (name, email or SWE number, ``programmes.search``), ``status`` (a status, or ``overdue``) and
    ``month``."""
    reviews = review_list(actor=actor).select_related("registration__assessor")
    if filters.get("q"):
        reviews = reviews.filter(registration_search_q(filters["q"], prefix="registration__"))
    status = filters.get("status")
    if status == "overdue":
        reviews = _overdue(reviews, today)
    elif status in Review.Status.values:
        reviews = reviews.filter(status=status)
    if filters.get("month"):
        reviews = reviews.filter(month=int(filters["month"]), extra=False)
    return reviews.order_by(
        "registration__last_name", "registration__first_name", "registration_id", "month", "extra", "id"
    )


def review_months(*, actor: Actor) -> list[int]:
    """The review points (in months) of the reviews the actor may see, for the list's filter."""
    return sorted(set(review_list(actor=actor).filter(extra=False).values_list("month", flat=True)))


def review_not_open_yet(review: Review, today: datetime.date) -> bool:
    """A review not written yet whose window (the framework's weeks before it is due) has not opened:
    "Not due yet" rather than "Being written". Needs ``registration__framework_version`` selected."""
    if review.extra or review.status != Review.Status.DRAFT:
        return False
    weeks = review.registration.framework_version.review_window_weeks
    return review.due_on - datetime.timedelta(weeks=weeks) > today


def review_get(*, actor: Actor, pk: int) -> Review:
    """The review if the actor may see its registration; 404 whether missing or another's."""
    return get_object_or_404(
        review_list(actor=actor).select_related(
            "registration__assessor",
            "registration__line_manager",
            "registration__nqsw",
            "assessor_signed_by",
            "nqsw_signed_by",
            "line_manager_signed_by",
        ),
        pk=pk,
    )


def reviews_of_registration(*, actor: Actor, registration: Registration) -> QuerySet[Review]:
    return review_list(actor=actor).filter(registration=registration).order_by("month", "extra", "id")


def practice_example_get(*, actor: Actor, pk: int) -> PracticeExample:
    return get_object_or_404(
        PracticeExample.objects.visible_to(actor)
        .filter(review__in=review_list(actor=actor))
        .select_related("review__registration__framework_version"),
        pk=pk,
    )


def practice_examples_of(review: Review) -> list[PracticeExample]:
    return list(
        review.practice_examples.select_related("evidence", "observation", "statement__capability_set")
    )


def review_is_overdue(review: Review, today: datetime.date) -> bool:
    """Not signed by the assessor by its due date, in a programme under way (a deferral pauses it)."""
    return (
        review.status == Review.Status.DRAFT
        and review.due_on < today
        and review.registration.status == RegistrationStatus.ACTIVE
    )


# --- What each person has to act on ------------------------------------------------------------------


@dataclass
class ToDo:
    """What a person has to act on, by kind; each list is empty when the actor lacks the role."""

    to_write: list[Review] = field(default_factory=list)
    to_sign_as_nqsw: list[Review] = field(default_factory=list)
    to_sign_as_line_manager: list[Review] = field(default_factory=list)
    recommendations_to_write: list[Registration] = field(default_factory=list)
    recommendations_to_finish: list[FinalRecommendation] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.to_write
            or self.to_sign_as_nqsw
            or self.to_sign_as_line_manager
            or self.recommendations_to_write
            or self.recommendations_to_finish
        )


def _open_reviews(actor: Actor) -> QuerySet[Review]:
    return review_list(actor=actor).filter(registration__status__in=OPEN_STATUSES)


def _overdue(reviews: QuerySet[Review], today: datetime.date) -> QuerySet[Review]:
    """The query form of ``review_is_overdue``."""
    return reviews.filter(
        status=Review.Status.DRAFT, due_on__lt=today, registration__status=RegistrationStatus.ACTIVE
    )


def todo_for(*, actor: Actor, today: datetime.date | None = None) -> ToDo:
    """The reviews to write (assessors: open in their framework's review window, or overdue), to comment
    on and sign (the NQSW and the line manager, once the assessor has signed), and final recommendations
    to write or finish."""
    today = today or clock.today()
    todo = ToDo()
    user = actor.user
    if user is None or actor.api_token_id:
        return todo
    reviews = _open_reviews(actor).select_related("registration").order_by("due_on", "id")
    if actor.has_role(Role.ASSESSOR):
        # Open in its window (the framework's number of weeks before it is due) or overdue: bounded in SQL
        # by the longest window of any framework version, then each against its own.
        longest = FrameworkVersion.objects.aggregate(weeks=Max("review_window_weeks"))["weeks"] or 0
        todo.to_write = [
            review
            for review in reviews.filter(
                registration__status=RegistrationStatus.ACTIVE,
                registration__assessor=user,
                status=Review.Status.DRAFT,
                due_on__lte=today + datetime.timedelta(weeks=longest),
            ).select_related("registration__framework_version")
            if review.due_on
            - datetime.timedelta(weeks=review.registration.framework_version.review_window_weeks)
            <= today
        ]
        todo.recommendations_to_write = recommendation_due_list(actor=actor)
        todo.recommendations_to_finish = list(
            final_recommendation_list(actor=actor)
            .filter(
                registration__assessor=user,
                status__in=[FinalRecommendation.Status.DRAFT, FinalRecommendation.Status.REFERRED_BACK],
            )
            .order_by("created_at")
        )
    if actor.has_role(Role.NQSW):
        todo.to_sign_as_nqsw = list(
            reviews.filter(
                registration__nqsw=user, status=Review.Status.AWAITING_COMMENTS, nqsw_signed_at__isnull=True
            )
        )
    if actor.has_role(Role.LINE_MANAGER):
        todo.to_sign_as_line_manager = list(
            reviews.filter(
                registration__line_manager=user,
                status=Review.Status.AWAITING_COMMENTS,
                line_manager_signed_at__isnull=True,
            )
        )
    return todo


def recommendation_due_list(*, actor: Actor) -> list[Registration]:
    """The assessor's registrations whose final review is locked and that have no recommendation yet."""
    if actor.user is None:
        return []
    final_review_locked = Review.objects.filter(
        registration=OuterRef("pk"),
        extra=False,
        month=OuterRef("framework_version__length_months"),
        status=Review.Status.LOCKED,
    )
    return list(
        registration_list(actor=actor)
        .filter(assessor=actor.user, status__in=OPEN_STATUSES)
        .filter(Exists(final_review_locked))
        .exclude(Exists(FinalRecommendation.objects.filter(registration=OuterRef("pk"))))
    )


@dataclass
class CoordinatorOverview:
    """The co-ordinator's view of the employer's reviews: what needs their attention."""

    support_plans: list[SupportPlan]
    overdue: list[Review]
    awaiting_signatures: list[Review]
    with_panel: list[FinalRecommendation]


def coordinator_overview(*, actor: Actor, today: datetime.date | None = None) -> CoordinatorOverview:
    today = today or clock.today()
    if not actor.has_role(Role.COORDINATOR):
        return CoordinatorOverview([], [], [], [])
    reviews = _open_reviews(actor).select_related("registration__assessor").order_by("due_on", "id")
    return CoordinatorOverview(
        support_plans=list(support_plans_open(actor=actor)),
        overdue=list(_overdue(reviews, today)),
        awaiting_signatures=list(reviews.filter(status=Review.Status.AWAITING_COMMENTS)),
        with_panel=list(recommendations_with_panel(actor=actor)),
    )


# --- Support plans -------------------------------------------------------------------------------------


def support_plan_list(*, actor: Actor) -> QuerySet[SupportPlan]:
    return (
        SupportPlan.objects.visible_to(actor)
        .filter(registration__in=registration_list(actor=actor))
        .select_related("registration", "review", "extra_review")
    )


def support_plan_get(*, actor: Actor, pk: int) -> SupportPlan:
    return get_object_or_404(
        support_plan_list(actor=actor).select_related(
            "registration__assessor", "registration__line_manager", "registration__nqsw", "created_by"
        ),
        pk=pk,
    )


def support_plans_open(*, actor: Actor) -> QuerySet[SupportPlan]:
    """Open support plans the actor may see, oldest first."""
    return support_plan_list(actor=actor).filter(status=SupportPlan.Status.OPEN).order_by("created_at", "id")


def support_plan_action_get(*, actor: Actor, pk: int) -> SupportPlanAction:
    return get_object_or_404(
        SupportPlanAction.objects.visible_to(actor)
        .filter(plan__in=support_plan_list(actor=actor))
        .select_related("plan__registration"),
        pk=pk,
    )


def support_plan_registration_ids(*, actor: Actor) -> set[int]:
    """Ids of the registrations with an open support plan, for a red "Support plan" tag on dashboards."""
    return set(support_plans_open(actor=actor).values_list("registration_id", flat=True))


@dataclass(frozen=True)
class CoordinatorAlerts:
    """What ``templates/reviews/_coordinator_alerts.html`` shows on the co-ordinator's dashboard."""

    support_plans: list[SupportPlan]
    overdue_reviews: int
    recommendations_with_panel: int


def coordinator_alerts(*, actor: Actor, today: datetime.date | None = None) -> CoordinatorAlerts | None:
    """Open support plans (each with a red tag), how many reviews are overdue and how many recommendations
    wait for the panel; None for anyone but a co-ordinator."""
    if not actor.has_role(Role.COORDINATOR) or actor.employer_id is None:
        return None
    today = today or clock.today()
    return CoordinatorAlerts(
        support_plans=list(support_plans_open(actor=actor)),
        overdue_reviews=_overdue(_open_reviews(actor), today).count(),
        recommendations_with_panel=recommendations_with_panel(actor=actor).count(),
    )


# --- Final recommendations and the panel -----------------------------------------------------------


def final_recommendation_list(*, actor: Actor) -> QuerySet[FinalRecommendation]:
    return (
        FinalRecommendation.objects.visible_to(actor)
        .filter(registration__in=registration_list(actor=actor))
        .select_related("registration__framework_version__framework", "registration__assessor")
    )


def final_recommendation_get(*, actor: Actor, pk: int) -> FinalRecommendation:
    return get_object_or_404(final_recommendation_list(actor=actor).select_related("submitted_by"), pk=pk)


def final_recommendations_of(*, actor: Actor, registration: Registration) -> list[FinalRecommendation]:
    return list(
        final_recommendation_list(actor=actor).filter(registration=registration).order_by("created_at")
    )


def recommendations_with_panel(*, actor: Actor) -> QuerySet[FinalRecommendation]:
    """Submitted recommendations waiting for the internal moderation panel, in the order they came."""
    return (
        final_recommendation_list(actor=actor)
        .filter(status=FinalRecommendation.Status.SUBMITTED)
        .order_by("submitted_at", "id")
    )


def decisions_of(recommendation: FinalRecommendation) -> list[PanelDecision]:
    return list(recommendation.decisions.select_related("panel", "decided_by").order_by("decided_at", "id"))


def panel_list(*, actor: Actor) -> QuerySet[ModerationPanel]:
    """The employer's internal moderation panels: co-ordinators only (nobody else's query sees any)."""
    if not actor.has_role(Role.COORDINATOR):
        return ModerationPanel.objects.none()
    return ModerationPanel.objects.visible_to(actor).annotate(decision_count=Count("decisions"))


def panel_get(*, actor: Actor, pk: int) -> ModerationPanel:
    return get_object_or_404(panel_list(actor=actor), pk=pk)


def panel_member_get(*, actor: Actor, pk: int) -> PanelMember:
    return get_object_or_404(
        PanelMember.objects.visible_to(actor)
        .filter(panel__in=panel_list(actor=actor))
        .select_related("panel"),
        pk=pk,
    )


def panel_cases(*, actor: Actor, panel: ModerationPanel) -> list[FinalRecommendation]:
    """Submitted recommendations this panel may decide and has not decided yet: those submitted by the
    day it meets (a later one goes to a later panel, as does a referred-back case revised and
    resubmitted)."""
    return list(_undecided_cases(actor, panel))


def panel_case_get(*, actor: Actor, panel: ModerationPanel, pk: int) -> FinalRecommendation:
    return get_object_or_404(_undecided_cases(actor, panel), pk=pk)


def panel_cases_for_later(*, actor: Actor, panel: ModerationPanel) -> list[FinalRecommendation]:
    """Recommendations waiting for the panel that were submitted after this panel met: a later one decides."""
    return list(
        recommendations_with_panel(actor=actor).filter(submitted_at__gte=submitted_by_end_of(panel.held_on))
    )


def _undecided_cases(actor: Actor, panel: ModerationPanel) -> QuerySet[FinalRecommendation]:
    decided_here = PanelDecision.objects.filter(panel=panel).values("recommendation_id")
    return (
        recommendations_with_panel(actor=actor)
        .filter(submitted_at__lt=submitted_by_end_of(panel.held_on))
        .exclude(pk__in=decided_here)
    )


def panel_decisions(panel: ModerationPanel) -> list[PanelDecision]:
    return list(
        panel.decisions.select_related("recommendation__registration", "decided_by").order_by("decided_at")
    )


def endorsed_recommendation(registration: Registration) -> FinalRecommendation | None:
    return (
        FinalRecommendation.objects.filter(
            registration=registration, status=FinalRecommendation.Status.ENDORSED
        )
        .order_by("-updated_at")
        .first()
    )


def certificate_available(registration: Registration) -> bool:
    """A pass the internal panel endorsed: the completion certificate can be downloaded."""
    return (
        registration.outcome == Outcome.PASSED
        and registration.status == RegistrationStatus.COMPLETED
        and endorsed_recommendation(registration) is not None
    )
