"""Reads about portfolios: evidence and its files, capability coverage, the overview's task statuses,
and the whole portfolio for the pack and for moderation.

Evidence is reached through the registrations the actor may see (``programmes.selectors.
registration_list``): the NQSW's own, their assessor's and line manager's, and every one of the
employer's for the co-ordinator; another employer's evidence, or another NQSW's, is a 404 decided by the
query. A draft is the NQSW's own: only they can open it (others see that drafts exist, in counts).

``portfolio_contents`` and ``portfolio_coverage`` take no actor: they are for code that has already
decided the reader may see the portfolio (the pack view, the reviews app's moderation pages inside the
national scope) and must run in a tenant context that can see its rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from portfolios.access import pcf_first
from portfolios.models import (
    AgreementSignature,
    CapabilitySet,
    CapabilityStatement,
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
from portfolios.record_services import LISTENED_CHOICES
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


# --- Coverage ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageLevel:
    key: str
    label: str
    colour: str  # a govuk-tag modifier; "" is the default (blue) tag
    order: int  # worst first


EVIDENCED = CoverageLevel("evidenced", "Evidenced", "green", 4)
WAITING = CoverageLevel("waiting", "Waiting for assessor", "", 3)
MORE_NEEDED = CoverageLevel("more_needed", "More needed", "orange", 2)
ONLY_DRAFTS = CoverageLevel("only_drafts", "Only drafts", "grey", 1)
NO_EVIDENCE = CoverageLevel("none", "No evidence yet", "red", 0)
COVERAGE_LEVELS = (NO_EVIDENCE, ONLY_DRAFTS, MORE_NEEDED, WAITING, EVIDENCED)


@dataclass(frozen=True)
class CoverageRow:
    """How well one capability statement is evidenced."""

    statement: CapabilityStatement
    accepted: int = 0
    shared: int = 0
    more_needed: int = 0
    draft: int = 0
    observations: int = 0
    observations_complete: int = 0

    @property
    def level(self) -> CoverageLevel:
        """Accepted evidence or a completed observation evidences a statement; otherwise the best of
        what is under way; a statement with nothing at all is a gap."""
        if self.accepted or self.observations_complete:
            return EVIDENCED
        if self.shared:
            return WAITING
        if self.more_needed:
            return MORE_NEEDED
        if self.draft or self.observations:
            return ONLY_DRAFTS
        return NO_EVIDENCE

    @property
    def is_gap(self) -> bool:
        return self.level is NO_EVIDENCE


@dataclass(frozen=True)
class CoverageGroup:
    capability_set: CapabilitySet
    rows: list[CoverageRow]


@dataclass(frozen=True)
class Coverage:
    groups: list[CoverageGroup]
    include_drafts: bool = True

    @property
    def rows(self) -> list[CoverageRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def evidenced(self) -> int:
        return sum(1 for row in self.rows if row.level is EVIDENCED)

    @property
    def gaps(self) -> list[CoverageRow]:
        return [row for row in self.rows if row.is_gap]

    @property
    def by_level(self) -> list[tuple[CoverageLevel, int]]:
        """Each level with how many statements are at it, worst first (levels with none left out)."""
        counts = {level.key: 0 for level in COVERAGE_LEVELS}
        for row in self.rows:
            counts[row.level.key] += 1
        return [(level, counts[level.key]) for level in COVERAGE_LEVELS if counts[level.key]]


def portfolio_coverage(*, portfolio: Portfolio, include_drafts: bool = True) -> Coverage:
    """For every statement of the portfolio's capability sets: its evidence by status and its
    observations, counted in the database. Three queries, however big the portfolio."""
    statements = list(
        CapabilityStatement.objects.filter(
            capability_set_id__in=PortfolioCapabilitySet.objects.filter(portfolio=portfolio).values(
                "capability_set_id"
            )
        ).select_related("capability_set")
    )
    status = Evidence.Status
    evidence_counts_by_statement = {
        row["statement_id"]: row
        for row in EvidenceTag.objects.filter(evidence__portfolio=portfolio)
        .values("statement_id")
        .annotate(
            accepted=Count("evidence_id", filter=Q(evidence__status=status.ACCEPTED), distinct=True),
            shared=Count("evidence_id", filter=Q(evidence__status=status.SHARED), distinct=True),
            more_needed=Count("evidence_id", filter=Q(evidence__status=status.MORE_NEEDED), distinct=True),
            draft=Count("evidence_id", filter=Q(evidence__status=status.DRAFT), distinct=True),
        )
        .order_by()
    }
    observation_counts = {
        row["statement_id"]: row
        for row in ObservationTag.objects.filter(observation__portfolio=portfolio)
        .values("statement_id")
        .annotate(
            observations=Count("observation_id", distinct=True),
            complete=Count(
                "observation_id",
                filter=Q(observation__status=Observation.Status.COMPLETE),
                distinct=True,
            ),
        )
        .order_by()
    }
    groups: dict[int, CoverageGroup] = {}
    for statement in sorted(
        statements,
        key=lambda s: (s.capability_set.kind != CapabilitySet.Kind.PCF, s.capability_set.code, s.number),
    ):
        ev = evidence_counts_by_statement.get(statement.pk, {})
        obs = observation_counts.get(statement.pk, {})
        row = CoverageRow(
            statement=statement,
            accepted=ev.get("accepted", 0),
            shared=ev.get("shared", 0),
            more_needed=ev.get("more_needed", 0),
            draft=ev.get("draft", 0) if include_drafts else 0,
            observations=obs.get("observations", 0),
            observations_complete=obs.get("complete", 0),
        )
        group = groups.setdefault(
            statement.capability_set_id, CoverageGroup(capability_set=statement.capability_set, rows=[])
        )
        group.rows.append(row)
    return Coverage(groups=list(groups.values()), include_drafts=include_drafts)


# --- The overview's task list --------------------------------------------------------------------------


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
    from portfolios.record_selectors import agreement_state  # it reads this module's neighbours

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
