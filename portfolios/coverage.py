"""Capability coverage: how well each statement of a portfolio's frameworks is evidenced, from its
evidence by status and its observations, counted in the database. Takes no actor: for code that has
already decided the reader may see the portfolio (the coverage page, the overview, the pack and
moderation), run in a tenant context that can see its rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from portfolios.models import (
    CapabilitySet,
    CapabilityStatement,
    Evidence,
    EvidenceTag,
    Observation,
    ObservationTag,
    Portfolio,
    PortfolioCapabilitySet,
)


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
