"""Reads of the 360 evaluation for the employer: the framework of a year, the employer's cycles, the
self-assessment, counts of invitations and responses, and the employer's report.

Everything is read through ``visible_to(actor)``: another employer's cycle is a 404, like a missing one.
Counts and reports are figures only; nothing here returns a response with who gave it (no table can).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role, User
from asye.tenancy.db import system_national_context
from evaluations import composite, scoring
from evaluations.models import (
    EvaluationCycle,
    EvaluationFramework,
    EvaluationInvitation,
    EvaluationRating,
    EvaluationResponse,
    EvaluationStatement,
    RespondentType,
    year_label,
)

# The people on the platform a co-ordinator can pick, by the respondent type their role makes them.
ROLE_TYPES = {
    Role.NQSW: RespondentType.NQSW,
    Role.LINE_MANAGER: RespondentType.LINE_MANAGER,
    Role.ASSESSOR: RespondentType.ASSESSOR,
}


def evaluation_year(day: datetime.date) -> int:
    """The evaluation year a day falls in: 1 April to 31 March, named by the year it starts."""
    return day.year if day.month >= 4 else day.year - 1


def framework_for_year(year: int) -> EvaluationFramework | None:
    """The newest version of the statements in use in ``year``."""
    return EvaluationFramework.objects.filter(first_year__lte=year).order_by("-first_year").first()


Structure = list[tuple[int, str, list[tuple[int, str]]]]


def framework_structure(framework: EvaluationFramework) -> Structure:
    """The themes in order, each with its statements: (number, title, [(number, text)]). One query."""
    themes: dict[int, tuple[int, str, list]] = {}
    statements = (
        EvaluationStatement.objects.filter(theme__framework=framework)
        .select_related("theme")
        .order_by("theme__number", "number")
    )
    for statement in statements:
        theme = themes.setdefault(statement.theme.number, (statement.theme.number, statement.theme.title, []))
        theme[2].append((statement.number, statement.text))
    return list(themes.values())


def statements_by_number(framework_id: int) -> dict[int, EvaluationStatement]:
    """The framework's statements by number, what answers given by number are stored against. One query."""
    return {s.number: s for s in EvaluationStatement.objects.filter(theme__framework_id=framework_id)}


def statement_count(framework: EvaluationFramework) -> int:
    return EvaluationStatement.objects.filter(theme__framework=framework).count()


# --- Cycles -----------------------------------------------------------------------------------------


def cycle_list(*, actor: Actor):
    return EvaluationCycle.objects.visible_to(actor).select_related("framework").order_by("-year")


def cycle_get(*, actor: Actor, pk: int) -> EvaluationCycle:
    """The actor's employer's cycle; 404 whether missing or another employer's."""
    return get_object_or_404(cycle_list(actor=actor), pk=pk)


def cycle_is_open(cycle: EvaluationCycle, today: datetime.date | None = None) -> bool:
    today = today or clock.today()
    return cycle.closed_on is None and cycle.opened_on <= today <= cycle.closes_on


def cycle_closed_on(cycle: EvaluationCycle) -> datetime.date:
    """The day it closed (or will close)."""
    return cycle.closed_on or cycle.closes_on


def report_available(cycle: EvaluationCycle, today: datetime.date | None = None) -> bool:
    """The report is shown once the cycle has closed: figures that change as each response arrives
    would let someone who knows who answered when work out that person's ratings."""
    return not cycle_is_open(cycle, today) and cycle.opened_on <= (today or clock.today())


# --- The self-assessment -----------------------------------------------------------------------------


def self_assessment_get(cycle: EvaluationCycle) -> EvaluationResponse | None:
    return EvaluationResponse.objects.filter(
        employer_id=cycle.employer_id, cycle=cycle, respondent_type=RespondentType.SELF
    ).first()


def self_assessment_answers(cycle: EvaluationCycle) -> dict[int, int | None]:
    """Statement number -> the co-ordinator's rating (None for "don't know"); unanswered are absent."""
    return dict(
        EvaluationRating.objects.filter(
            employer_id=cycle.employer_id,
            response__cycle=cycle,
            response__respondent_type=RespondentType.SELF,
        ).values_list("statement__number", "rating")
    )


# --- Invitations and responses: counts only -----------------------------------------------------------


@dataclass
class TypeCount:
    respondent_type: str
    label: str
    invited: int
    responded: int


def cycle_counts(cycle: EvaluationCycle) -> list[TypeCount]:
    """Per invited respondent type: invitations sent and responses received. Two queries. Which invited
    person has answered is not shown: the co-ordinator sees the counts, never a person's status."""
    invited = Counter(
        dict(
            EvaluationInvitation.objects.filter(employer_id=cycle.employer_id, cycle=cycle)
            .values_list("respondent_type")
            .order_by()
            .annotate(n=Count("id"))
            .values_list("respondent_type", "n")
        )
    )
    responded = response_counts(cycle)
    return [
        TypeCount(value, label, invited[value], responded.get(value, 0))
        for value, label in RespondentType.choices
        if value != RespondentType.SELF
    ]


def response_counts(cycle: EvaluationCycle) -> dict[str, int]:
    """Submitted responses by respondent type (the self-assessment counts once it has an answer)."""
    rows = (
        EvaluationResponse.objects.filter(employer_id=cycle.employer_id, cycle=cycle)
        .filter(Q(submitted_on__isnull=False) | Q(respondent_type=RespondentType.SELF, ratings__isnull=False))
        .values_list("respondent_type")
        .order_by()
        .annotate(n=Count("id", distinct=True))
        .values_list("respondent_type", "n")
    )
    return dict(rows)


def invitation_list(cycle: EvaluationCycle):
    """Who was invited (addresses and types), for the co-ordinator to avoid inviting someone twice. The
    ``used`` flag is not offered to pages (``cycle_counts`` gives the totals)."""
    return (
        EvaluationInvitation.objects.filter(employer_id=cycle.employer_id, cycle=cycle)
        .order_by("respondent_type", "email")
        .values("respondent_type", "email", "invited_on")
    )


def platform_people(*, actor: Actor, respondent_type: str) -> list[User]:
    """The active people at the actor's employer whose role makes them ``respondent_type``."""
    roles = [role for role, kind in ROLE_TYPES.items() if kind == respondent_type]
    if not roles or actor.employer_id is None:
        return []
    ids = Membership.objects.visible_to(actor).active().filter(role__in=roles).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "email"))


# --- The report --------------------------------------------------------------------------------------


def cycle_ratings(cycle: EvaluationCycle) -> dict[str, dict[int, list[int | None]]]:
    """Respondent type -> statement number -> the answers, from submitted responses and the
    self-assessment. One query; the rows carry no response or person."""
    ratings: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    rows = EvaluationRating.objects.filter(employer_id=cycle.employer_id, response__cycle=cycle).filter(
        Q(response__submitted_on__isnull=False) | Q(response__respondent_type=RespondentType.SELF)
    )
    for kind, number, rating in rows.values_list("response__respondent_type", "statement__number", "rating"):
        ratings[kind][number].append(rating)
    return ratings


def _report_figures(cycle: EvaluationCycle, structure: Structure, **compare) -> scoring.ReportFigures:
    return scoring.employer_report(
        themes=structure,
        ratings=cycle_ratings(cycle),
        responses=response_counts(cycle),
        self_type=RespondentType.SELF,
        **compare,
    )


@dataclass
class EmployerReport:
    cycle: EvaluationCycle
    figures: scoring.ReportFigures
    national_label: str
    last_year_label: str


def employer_report(*, actor: Actor, cycle: EvaluationCycle) -> EmployerReport:
    """The employer's report for a cycle (read with ``cycle_get`` first), against the national figures
    (``composite.national_figures_for_employers``) and the employer's own previous cycle."""
    return cycle_report(cycle)


def cycle_report(cycle: EvaluationCycle) -> EmployerReport:
    """The report of a cycle already read for its reader (or, in the PDF's background job, in the cycle's
    employer's tenant context): the employer's own previous cycle is the same employer's."""
    structure = framework_structure(cycle.framework)
    previous = (
        EvaluationCycle.objects.filter(
            employer_id=cycle.employer_id, year=cycle.year - 1, framework=cycle.framework
        )
        .select_related("framework")
        .first()
    )
    last_year: dict[int, Decimal] = {}
    if previous is not None:
        last_year = scoring.overall_by_statement(
            _report_figures(previous, framework_structure(previous.framework))
        )
    # Other employers' rows are read only as national figures, in the system's national context.
    with system_national_context():
        national_label, national = composite.national_figures_for_employers(cycle.year, cycle.framework)
    figures = _report_figures(cycle, structure, national=national, last_year=last_year)
    return EmployerReport(
        cycle=cycle,
        figures=figures,
        national_label=national_label,
        last_year_label=year_label(previous.year) if previous else "",
    )


def composite_years() -> list[int]:
    """The years with a national composite, newest first: the platform's cycles' and the published ones.
    National scope (national staff's page, export and API)."""
    framework = framework_for_year(evaluation_year(clock.today()))
    platform = set(EvaluationCycle.objects.values_list("year", flat=True).distinct())
    return sorted(platform | set(composite.published_years(framework)), reverse=True)


def composite_for_year(year: int) -> composite.Composite:
    """The national composite of ``year``: the platform's when it holds cycles of that year, else the
    figures published for it. National scope (national staff's page, export and API)."""
    framework = framework_for_year(year)
    if EvaluationCycle.objects.filter(year=year).exists() or framework is None:
        return composite.national_composite(year, framework)
    return composite.published_composite(year, framework)
