"""The portfolio overview's task list: the counts behind each task and the status the GOV.UK task list
shows for it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from portfolios.coverage import Coverage, portfolio_coverage
from portfolios.models import (
    Evidence,
    FeedbackRequest,
    LearningAgreement,
    Observation,
    PdpObjective,
    Portfolio,
    SelfAssessment,
)
from portfolios.record_selectors import agreement_state
from portfolios.selectors import capability_sets_of, evidence_counts
from programmes.models import Registration


@dataclass(frozen=True)
class TaskStatus:
    """A task's status as the GOV.UK task list shows it: plain text when done, a tag when not, grey
    text when it cannot start yet."""

    text: str
    colour: str | None = None  # None: plain text ("Completed"); "" the default blue tag; else a modifier
    cannot_start: bool = False


COMPLETED = "Completed"


def _status(text: str, *, done: bool = False, colour: str = "", cannot_start: bool = False) -> TaskStatus:
    if cannot_start:
        return TaskStatus(text, None, True)
    return TaskStatus(text, None if done else colour)


@dataclass(frozen=True)
class PortfolioOverview:
    """Counts behind each task of the portfolio's overview (a query or two each, whatever its size)."""

    agreement_revision: int | None
    agreement_signed: bool
    agreement_signatures: int
    agreement_label: str
    agreement_colour: str
    objectives: int
    objectives_achieved: int
    has_self_assessment: bool
    self_assessments_completed: int
    evidence: dict[str, int]
    observations: int
    observations_complete: int
    observations_required: int
    feedback_sent: int
    feedback_answered: int
    coverage: Coverage
    submitted_at: datetime.datetime | None
    statuses: dict[str, TaskStatus] = field(default_factory=dict)

    @property
    def evidence_total(self) -> int:
        return sum(self.evidence.values())


SELF_ASSESSMENT_STAGES = len(SelfAssessment.Stage.values)


def portfolio_overview(*, portfolio: Portfolio, registration: Registration) -> PortfolioOverview:
    latest = (
        LearningAgreement.objects.filter(portfolio=portfolio)
        .prefetch_related("signatures")
        .order_by("-revision")
        .first()
    )
    agreement = agreement_state(registration, [latest] if latest else [])
    objectives = PdpObjective.objects.filter(portfolio=portfolio).aggregate(
        total=Count("id"), achieved=Count("id", filter=Q(status=PdpObjective.Status.ACHIEVED))
    )
    sets = capability_sets_of(portfolio)
    has_self_assessment = any(s.has_self_assessment for s in sets)
    self_assessments = (
        SelfAssessment.objects.filter(portfolio=portfolio, completed_at__isnull=False).count()
        if has_self_assessment
        else 0
    )
    observations = Observation.objects.filter(portfolio=portfolio).aggregate(
        total=Count("id"), complete=Count("id", filter=Q(status=Observation.Status.COMPLETE))
    )
    feedback = FeedbackRequest.objects.filter(portfolio=portfolio).aggregate(
        sent=Count("id", filter=~Q(status=FeedbackRequest.Status.CANCELLED)),
        answered=Count("id", filter=Q(status=FeedbackRequest.Status.ANSWERED)),
    )
    overview = PortfolioOverview(
        agreement_revision=latest.revision if latest else None,
        agreement_signed=agreement.label == "Signed",
        agreement_signatures=len(agreement.signed),
        agreement_label=agreement.label,
        agreement_colour=agreement.colour,
        objectives=objectives["total"],
        objectives_achieved=objectives["achieved"],
        has_self_assessment=has_self_assessment,
        self_assessments_completed=self_assessments,
        evidence=evidence_counts(portfolio=portfolio),
        observations=observations["total"],
        observations_complete=observations["complete"],
        observations_required=registration.framework_version.direct_observations,
        feedback_sent=feedback["sent"],
        feedback_answered=feedback["answered"],
        coverage=portfolio_coverage(portfolio=portfolio),
        submitted_at=portfolio.submitted_at,
    )
    overview.statuses.update(_task_statuses(overview))
    return overview


def _task_statuses(o: PortfolioOverview) -> dict[str, TaskStatus]:
    not_started = _status("Not yet started")
    statuses: dict[str, TaskStatus] = {}
    if o.agreement_revision is None:
        statuses["agreement"] = not_started
    elif o.agreement_signed:
        statuses["agreement"] = _status(COMPLETED, done=True)
    elif o.agreement_colour == "red":
        statuses["agreement"] = _status(o.agreement_label, colour="red")
    else:
        statuses["agreement"] = _status(f"{o.agreement_signatures} of 3 signatures")
    statuses["pdp"] = (
        _status(f"{o.objectives} objective{'s' if o.objectives != 1 else ''}", done=True)
        if o.objectives
        else not_started
    )
    if o.has_self_assessment:
        statuses["self_assessments"] = (
            _status(COMPLETED, done=True)
            if o.self_assessments_completed >= SELF_ASSESSMENT_STAGES
            else _status(f"{o.self_assessments_completed} of {SELF_ASSESSMENT_STAGES} completed")
        )
    accepted = o.evidence[Evidence.Status.ACCEPTED]
    waiting = o.evidence[Evidence.Status.SHARED]
    if not o.evidence_total:
        statuses["evidence"] = not_started
    elif waiting:
        statuses["evidence"] = _status(f"{waiting} waiting for assessor")
    elif more := o.evidence[Evidence.Status.MORE_NEEDED]:
        statuses["evidence"] = _status(f"{more} need{'s' if more == 1 else ''} more", colour="orange")
    elif accepted:
        statuses["evidence"] = _status(f"{accepted} accepted", done=True)
    else:
        drafts = o.evidence[Evidence.Status.DRAFT]
        statuses["evidence"] = _status(f"{drafts} draft{'s' if drafts != 1 else ''}")
    statuses["observations"] = (
        _status(COMPLETED, done=True)
        if o.observations_complete >= o.observations_required
        else _status(f"{o.observations_complete} of {o.observations_required} completed")
        if o.observations
        else not_started
    )
    statuses["feedback"] = (
        _status(f"{o.feedback_answered} answered", done=True)
        if o.feedback_answered
        else _status(f"{o.feedback_sent} sent")
        if o.feedback_sent
        else not_started
    )
    coverage = o.coverage
    statuses["coverage"] = (
        _status(COMPLETED, done=True)
        if coverage.total and coverage.evidenced == coverage.total
        else _status(
            f"{coverage.evidenced} of {coverage.total} evidenced", colour="" if coverage.evidenced else "red"
        )
    )
    statuses["pack"] = _status("Ready to download", done=True)
    if o.submitted_at:
        statuses["submit"] = _status("Submitted", done=True)
    elif not (accepted or waiting or o.evidence[Evidence.Status.MORE_NEEDED]):
        statuses["submit"] = _status("Cannot start yet", cannot_start=True)
    else:
        statuses["submit"] = not_started
    return statuses
