"""Reads about portfolios: evidence and its files, and the whole portfolio for the pack and for
moderation. Capability coverage is ``portfolios.coverage``; the overview's task statuses are
``portfolios.task_list``.

Evidence is reached through the registrations the actor may see (``programmes.selectors.
registration_list``): the NQSW's own, their assessor's and line manager's, and every one of the
employer's for the co-ordinator; another employer's evidence, or another NQSW's, is a 404 decided by the
query. A draft is the NQSW's own: only they can open it (others see that drafts exist, in counts).

``portfolio_contents`` (like ``coverage.portfolio_coverage``) takes no actor: it is for code that has
already decided the reader may see the portfolio (the pack view, the reviews app's moderation pages
inside the national scope) and must run in a tenant context that can see its rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from portfolios.access import pcf_first
from portfolios.coverage import Coverage, portfolio_coverage
from portfolios.feedback_links import LISTENED_CHOICES
from portfolios.models import (
    AgreementSignature,
    CapabilitySet,
    Evidence,
    EvidenceFile,
    EvidenceTag,
    FeedbackRequest,
    LearningAgreement,
    Observation,
    ObservationTag,
    PdpObjective,
    Portfolio,
    PortfolioCapabilitySet,
    SelfAssessment,
    SelfAssessmentRating,
)
from programmes.models import Registration
from programmes.selectors import registration_list, registration_timeline

# --- Evidence ------------------------------------------------------------------------------------------


def evidence_visible(*, actor: Actor) -> QuerySet[Evidence]:
    """Evidence the actor may open: in portfolios of registrations they may see; drafts only their own."""
    evidence = Evidence.objects.visible_to(actor).filter(
        portfolio__registration__in=registration_list(actor=actor)
    )
    own_drafts = Q(pk__in=[])
    if actor.user is not None and actor.has_role(Role.NQSW):
        own_drafts = Q(portfolio__registration__nqsw_id=actor.user.pk)
    return evidence.filter(~Q(status=Evidence.Status.DRAFT) | own_drafts)


def _with_tags_and_files(evidence: QuerySet[Evidence]) -> QuerySet[Evidence]:
    return evidence.prefetch_related(
        Prefetch(
            "tags",
            queryset=EvidenceTag.objects.select_related("statement__capability_set").order_by(
                "statement__capability_set__kind", "statement__capability_set__code", "statement__number"
            ),
        ),
        Prefetch("files", queryset=EvidenceFile.objects.order_by("uploaded_at", "id")),
    )


def evidence_list(*, actor: Actor, portfolio: Portfolio, status: str = "") -> QuerySet[Evidence]:
    """The portfolio's evidence the actor may open, newest first, with tags and files."""
    evidence = evidence_visible(actor=actor).filter(portfolio=portfolio)
    if status in Evidence.Status.values:
        evidence = evidence.filter(status=status)
    return _with_tags_and_files(evidence.select_related("responded_by"))


def evidence_get(*, actor: Actor, pk: int) -> Evidence:
    """One piece of evidence if the actor may open it; 404 whether missing, another employer's, another
    NQSW's, or someone else's draft."""
    evidence = evidence_visible(actor=actor).select_related(
        "portfolio__registration__framework_version__framework",
        "portfolio__registration__assessor",
        "responded_by",
        "created_by",
    )
    return get_object_or_404(_with_tags_and_files(evidence), pk=pk)


def evidence_file_get(*, actor: Actor, pk: int) -> EvidenceFile:
    """An uploaded file if the actor may open the evidence it belongs to; 404 otherwise."""
    files = EvidenceFile.objects.visible_to(actor).filter(evidence__in=evidence_visible(actor=actor))
    return get_object_or_404(files.select_related("evidence__portfolio__registration"), pk=pk)


def evidence_counts(*, portfolio: Portfolio) -> dict[str, int]:
    """How many pieces of evidence the portfolio has in each status (one query)."""
    counts = dict.fromkeys(Evidence.Status.values, 0)
    for row in (
        Evidence.objects.filter(portfolio=portfolio).values("status").annotate(n=Count("id")).order_by()
    ):
        counts[row["status"]] = row["n"]
    return counts


def capability_sets_of(portfolio: Portfolio) -> list[CapabilitySet]:
    """The framework versions the portfolio is mapped to, PCF first."""
    sets = CapabilitySet.objects.filter(
        pk__in=PortfolioCapabilitySet.objects.filter(portfolio=portfolio).values("capability_set_id")
    )
    return pcf_first(sets)


# --- The whole portfolio, for the pack and for moderation ----------------------------------------------


@dataclass(frozen=True)
class FeedbackAnswer:
    """An answered feedback request as the pack shows it: never who was asked, nor their email."""

    kind: str
    context: str
    answered_at: datetime.datetime | None
    what_went_well: str
    what_could_be_better: str
    felt_listened_to: str
    anything_else: str


def _listened_words(value: str, *, child: bool) -> str:
    """The answer in the words the person chose it by (the child's wording for a child)."""
    words = LISTENED_CHOICES.get(value)
    return (words[1] if child else words[0]) if words else ""


@dataclass(frozen=True)
class PortfolioContents:
    """Everything in a portfolio, fetched up front (a fixed number of queries)."""

    portfolio: Portfolio
    registration: Registration
    employer_name: str
    nqsw_name: str
    assessor_name: str
    line_manager_name: str
    programme_name: str
    start_date: datetime.date
    end_date: datetime.date
    capability_sets: list[CapabilitySet]
    agreement: LearningAgreement | None
    agreement_revisions: int
    objectives: list[PdpObjective]
    self_assessments: list[SelfAssessment]
    observations: list[Observation]
    observations_required: int
    feedback: list[FeedbackAnswer]
    evidence: list[Evidence]
    drafts_left_out: int
    coverage: Coverage

    @property
    def has_self_assessment(self) -> bool:
        return any(s.has_self_assessment for s in self.capability_sets)


def _person(user) -> str:
    if user is None:
        return "Not recorded"
    return user.full_name or user.email


def portfolio_contents(portfolio: Portfolio) -> PortfolioContents:
    """The whole portfolio as moderators and the panel read it: the latest learning agreement and its
    signatures, the PDP, self-assessments, observations, answered feedback (without who was asked),
    shared evidence with its capability mapping and files, and coverage of shared evidence.

    Actor-free: call it only from code that has already decided the reader may see this portfolio, in
    a tenant context (the employer's, or the national scope) that can read its rows. Drafts are the
    NQSW's own and are left out."""
    registration = (
        Registration.objects.select_related(
            "employer", "nqsw", "assessor", "line_manager", "framework_version__framework"
        )
        .prefetch_related("deferrals")
        .get(pk=portfolio.registration_id)
    )
    timeline = registration_timeline(registration=registration, include_supervision=False)
    agreements = list(
        LearningAgreement.objects.filter(portfolio=portfolio)
        .select_related("assessor", "line_manager")
        .prefetch_related(
            Prefetch("signatures", queryset=AgreementSignature.objects.select_related("signed_by"))
        )
        .order_by("-revision")
    )
    statement_tags = Prefetch(
        "tags", queryset=ObservationTag.objects.select_related("statement__capability_set")
    )
    observations = list(
        Observation.objects.filter(portfolio=portfolio)
        .select_related("observer")
        .prefetch_related(statement_tags)
        .order_by("number", "id")
    )
    self_assessments = list(
        SelfAssessment.objects.filter(portfolio=portfolio)
        .select_related("capability_set")
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=SelfAssessmentRating.objects.select_related("statement").order_by(
                    "statement__number"
                ),
            )
        )
        .order_by("created_at", "id")
    )
    feedback = [
        FeedbackAnswer(
            kind=FeedbackRequest.Kind(row["kind"]).label
            if row["kind"] in FeedbackRequest.Kind.values
            else "",
            context=row["context"],
            answered_at=row["answered_at"],
            what_went_well=row["what_went_well"],
            what_could_be_better=row["what_could_be_better"],
            felt_listened_to=_listened_words(row["felt_listened_to"], child=row["kind"] == "child"),
            anything_else=row["anything_else"],
        )
        # values(): the recipient's name and email never leave the database for the pack.
        for row in FeedbackRequest.objects.filter(portfolio=portfolio, status=FeedbackRequest.Status.ANSWERED)
        .order_by("answered_at", "id")
        .values(
            "kind",
            "context",
            "answered_at",
            "what_went_well",
            "what_could_be_better",
            "felt_listened_to",
            "anything_else",
        )
    ]
    evidence = list(
        _with_tags_and_files(
            Evidence.objects.filter(portfolio=portfolio)
            .exclude(status=Evidence.Status.DRAFT)
            .select_related("responded_by")
            .order_by("occurred_on", "created_at", "id")
        )
    )
    drafts = Evidence.objects.filter(portfolio=portfolio, status=Evidence.Status.DRAFT).count()
    return PortfolioContents(
        portfolio=portfolio,
        registration=registration,
        employer_name=registration.employer.name,
        nqsw_name=registration.full_name,
        assessor_name=_person(registration.assessor) if registration.assessor_id else "Not allocated",
        line_manager_name=_person(registration.line_manager) if registration.line_manager_id else "Not set",
        programme_name=registration.framework_version.framework.name,
        start_date=registration.start_date,
        end_date=timeline.end,
        capability_sets=capability_sets_of(portfolio),
        agreement=agreements[0] if agreements else None,
        agreement_revisions=len(agreements),
        objectives=list(
            PdpObjective.objects.filter(portfolio=portfolio)
            .select_related("statement__capability_set")
            .order_by("achieve_by", "id")
        ),
        self_assessments=self_assessments,
        observations=observations,
        observations_required=registration.framework_version.direct_observations,
        feedback=feedback,
        evidence=evidence,
        drafts_left_out=drafts,
        coverage=portfolio_coverage(portfolio=portfolio, include_drafts=False),
    )
