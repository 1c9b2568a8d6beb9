"""Reads for the records of a portfolio: the learning agreement, PDP objectives, self-assessments,
direct observations and feedback requests.

A record is reached through its registration, so every ``*_get`` scopes in the query to the registrations
the actor may read (``programmes.selectors.registration_list``): another employer's record, or another
NQSW's, is a 404 decided by the query. The one widening is for observations: the colleague named as an
observer may open that observation (and nothing else of the portfolio) to write their assessment.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import User
from portfolios.agreements import SIGNED_AS, agreement_needs_new_revision
from portfolios.models import (
    AgreementSignature,
    CapabilitySet,
    CapabilityStatement,
    FeedbackRequest,
    LearningAgreement,
    Observation,
    PdpObjective,
    Portfolio,
    SelfAssessment,
)
from portfolios.observations import observer_candidates
from portfolios.self_assessments import STAGES, stage_blocker
from programmes.models import Registration
from programmes.selectors import registration_list


def portfolio_of(registration: Registration) -> Portfolio | None:
    """The registration's portfolio, or None if nobody has started it yet (pages read without creating)."""
    return Portfolio.objects.filter(registration=registration).first()


def _readable(model, actor: Actor) -> QuerySet:
    return model.objects.visible_to(actor).filter(portfolio__registration__in=registration_list(actor=actor))


# --- Learning agreement --------------------------------------------------------------------------------


def agreement_revisions(portfolio: Portfolio | None) -> list[LearningAgreement]:
    """Every revision, newest first, with its signatures and the people it names."""
    if portfolio is None:
        return []
    return list(
        LearningAgreement.objects.filter(portfolio=portfolio)
        .select_related("assessor", "line_manager", "created_by")
        .prefetch_related(
            Prefetch("signatures", queryset=AgreementSignature.objects.select_related("signed_by"))
        )
        .order_by("-revision")
    )


def agreement_get(*, actor: Actor, pk: int) -> LearningAgreement:
    """A revision of an agreement the actor may read; 404 otherwise."""
    return get_object_or_404(
        _readable(LearningAgreement, actor).select_related(
            "portfolio__registration__framework_version__framework", "assessor", "line_manager"
        ),
        pk=pk,
    )


@dataclass(frozen=True)
class AgreementState:
    """Where the agreement has got to, for the pages and the portfolio's task list."""

    current: LearningAgreement | None
    label: str
    colour: str  # a GOV.UK tag colour
    needs_new_revision: bool
    signed: dict[str, AgreementSignature] = field(default_factory=dict)  # by SignedAs value

    @property
    def waiting_for(self) -> list[str]:
        return [label for value, label in SIGNED_AS.choices if value not in self.signed]


def agreement_state(registration: Registration, revisions: list[LearningAgreement]) -> AgreementState:
    current = revisions[0] if revisions else None
    if current is None:
        return AgreementState(None, "Not started", "grey", False)
    signed = {s.signed_as: s for s in current.signatures.all()}
    if agreement_needs_new_revision(current, registration):
        return AgreementState(current, "Must be signed again", "red", True, signed)
    if current.completed_at:
        return AgreementState(current, "Signed", "green", False, signed)
    if signed:
        return AgreementState(current, "Waiting for signatures", "yellow", False, signed)
    return AgreementState(current, "Draft", "blue", False, signed)


# --- PDP objectives ------------------------------------------------------------------------------------


def pdp_objective_list(portfolio: Portfolio | None) -> list[PdpObjective]:
    if portfolio is None:
        return []
    return list(
        PdpObjective.objects.filter(portfolio=portfolio)
        .select_related("statement__capability_set")
        .order_by("status", "achieve_by", "id")
    )


def pdp_objective_get(*, actor: Actor, pk: int) -> PdpObjective:
    return get_object_or_404(
        _readable(PdpObjective, actor).select_related("portfolio__registration", "statement__capability_set"),
        pk=pk,
    )


PDP_STATUS_COLOURS = {
    PdpObjective.Status.OPEN: "blue",
    PdpObjective.Status.ACHIEVED: "green",
    PdpObjective.Status.DROPPED: "grey",
}


def pdp_is_overdue(objective: PdpObjective, today: datetime.date | None = None) -> bool:
    return objective.status == PdpObjective.Status.OPEN and objective.achieve_by < (today or clock.today())


# --- Self-assessment -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageView:
    value: str
    label: str
    assessment: SelfAssessment | None
    blocker: str  # why it cannot be completed or changed now; "" if it can

    @property
    def completed(self) -> bool:
        return bool(self.assessment and self.assessment.completed_at)


def self_assessment_stages(portfolio: Portfolio | None, registration: Registration) -> list[StageView]:
    existing = {}
    if portfolio is not None:
        existing = {sa.stage: sa for sa in portfolio.self_assessments.all()}
    completed = {stage for stage, sa in existing.items() if sa.completed_at}
    return [
        StageView(stage.value, stage.label, existing.get(stage.value), stage_blocker(stage.value, completed))
        for stage in STAGES
    ]


@dataclass(frozen=True)
class ComparisonRow:
    statement: CapabilityStatement
    ratings: list  # one SelfAssessmentRating or None per stage, in stage order


def self_assessment_comparison(
    portfolio: Portfolio | None, capability_set: CapabilitySet | None
) -> list[ComparisonRow]:
    """Each statement with its rating at the start, midway and near the end, side by side."""
    if capability_set is None:
        return []
    by_stage: dict[str, dict[int, object]] = {}
    if portfolio is not None:
        for assessment in portfolio.self_assessments.prefetch_related("ratings"):
            by_stage[assessment.stage] = {r.statement_id: r for r in assessment.ratings.all()}
    return [
        ComparisonRow(statement, [by_stage.get(stage.value, {}).get(statement.pk) for stage in STAGES])
        for statement in capability_set.statements.select_related("capability_set").order_by("number")
    ]


# --- Direct observations -------------------------------------------------------------------------------


def observation_list(portfolio: Portfolio | None) -> list[Observation]:
    if portfolio is None:
        return []
    return list(
        Observation.objects.filter(portfolio=portfolio)
        .select_related("observer")
        .prefetch_related("statements__capability_set")
        .order_by("number")
    )


def observation_get(*, actor: Actor, pk: int) -> Observation:
    """An observation of a portfolio the actor reads, or one naming the actor as its observer; 404
    otherwise."""
    readable = Q(portfolio__registration__in=registration_list(actor=actor))
    if actor.user is not None:
        readable |= Q(observer=actor.user)
    return get_object_or_404(
        Observation.objects.visible_to(actor)
        .filter(readable)
        .select_related("portfolio__registration__framework_version", "observer"),
        pk=pk,
    )


def observations_needed(registration: Registration) -> int:
    return registration.framework_version.direct_observations


def observer_choices(*, actor: Actor, registration: Registration) -> list[User]:
    """The employer's people who may observe the NQSW, the assessor first."""
    memberships = observer_candidates(registration.employer_id, registration).filter(
        employer_id=actor.employer_id
    )
    people = {m.user_id: m.user for m in memberships.select_related("user")}
    return sorted(
        people.values(),
        key=lambda user: (user.pk != registration.assessor_id, (user.full_name or user.email).lower()),
    )


# --- Feedback requests ---------------------------------------------------------------------------------


def feedback_request_list(portfolio: Portfolio | None) -> list[FeedbackRequest]:
    if portfolio is None:
        return []
    return list(FeedbackRequest.objects.filter(portfolio=portfolio).order_by("-created_at", "-id"))


def feedback_request_get(*, actor: Actor, pk: int) -> FeedbackRequest:
    return get_object_or_404(
        _readable(FeedbackRequest, actor).select_related("portfolio__registration"), pk=pk
    )


FEEDBACK_STATE_LABELS = {
    "waiting": ("Waiting for an answer", "blue"),
    "answered": ("Answered", "green"),
    "cancelled": ("Cancelled", "grey"),
    "expired": ("Expired", "grey"),
}
