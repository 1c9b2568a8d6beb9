"""The national composite of the 360 evaluation: which employers' cycles of a year count, and the
average, minimum and maximum of each statement across them, this year against last.

Every function here reads across employers: call it in the audited national scope (national staff's
pages) or ``system_national_context()`` (the figures an employer's report compares with). It returns
figures only.

The minimum-data rule for inclusion (the seed: organisations that "submitted some data but have not met
the minimum criteria for inclusion"): the cycle's self-assessment answers every statement (a rating or
"don't know") and at least ``MIN_RESPONSES`` respondents besides the employer have submitted. An
employer's score for a statement is the mean of every rating in its cycle (self-assessment and
respondents); the national average is the mean of the included employers' scores, so each employer
counts once, and the minimum and maximum are the lowest and highest employer scores.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from evaluations import scoring
from evaluations.models import (
    EvaluationCycle,
    EvaluationFramework,
    EvaluationRating,
    EvaluationResponse,
    EvaluationStatement,
    NationalReferenceFigure,
    RespondentType,
    year_label,
)

# Respondents besides the employer's self-assessment that a cycle needs to count nationally.
MIN_RESPONSES = 3
# Employers' reports compare with the year's composite only when this many employers are in it (fewer
# would let each one work out the others' scores); else with the last published national figures.
MIN_EMPLOYERS_FOR_EMPLOYERS = 5

INCLUDED = "included"
NO_DATA = "no_data"
BELOW_MINIMUM = "below_minimum"


def cycle_inclusion(year: int) -> dict[int, str]:
    """Cycle id -> included, no_data or below_minimum, for every employer's cycle of ``year``. Three
    queries."""
    cycles = list(EvaluationCycle.objects.filter(year=year).values_list("pk", "framework_id"))
    if not cycles:
        return {}
    needed = dict(
        EvaluationStatement.objects.filter(theme__framework_id__in={f for _, f in cycles})
        .values_list("theme__framework_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("theme__framework_id", "n")
    )
    answered = dict(
        EvaluationRating.objects.filter(
            response__cycle__year=year, response__respondent_type=RespondentType.SELF
        )
        .values_list("response__cycle_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("response__cycle_id", "n")
    )
    responded = dict(
        EvaluationResponse.objects.filter(cycle__year=year, submitted_on__isnull=False)
        .exclude(respondent_type=RespondentType.SELF)
        .values_list("cycle_id")
        .order_by()
        .annotate(n=Count("id"))
        .values_list("cycle_id", "n")
    )
    states = {}
    for pk, framework_id in cycles:
        self_answers, others = answered.get(pk, 0), responded.get(pk, 0)
        if self_answers >= needed.get(framework_id, 0) > 0 and others >= MIN_RESPONSES:
            states[pk] = INCLUDED
        elif self_answers == 0 and others == 0:
            states[pk] = NO_DATA
        else:
            states[pk] = BELOW_MINIMUM
    return states


def employer_scores(cycle_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    """Cycle -> statement number -> the mean of its ratings (exact). One query, summed in the database."""
    scores: dict[int, dict[int, Decimal]] = {}
    rows = (
        EvaluationRating.objects.filter(response__cycle_id__in=cycle_ids, rating__isnull=False)
        .filter(Q(response__submitted_on__isnull=False) | Q(response__respondent_type=RespondentType.SELF))
        .values_list("response__cycle_id", "statement__number")
        .order_by()
        .annotate(total=Sum("rating"), n=Count("rating"))
        .values_list("response__cycle_id", "statement__number", "total", "n")
    )
    for cycle_id, number, total, n in rows:
        scores.setdefault(cycle_id, {})[number] = Decimal(total) / n
    return scores


@dataclass
class Composite:
    year: int
    framework: EvaluationFramework | None
    themes: list[tuple[int, str, list[scoring.CompositeRow]]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    last_year_source: str = ""  # "platform", "published" or ""

    @property
    def label(self) -> str:
        return year_label(self.year)

    @property
    def last_label(self) -> str:
        return year_label(self.year - 1)

    @property
    def rows(self) -> list[scoring.CompositeRow]:
        return [row for _, _, rows in self.themes for row in rows]


def _statements(framework: EvaluationFramework) -> list[tuple[int, int, str, str]]:
    return list(
        EvaluationStatement.objects.filter(theme__framework=framework)
        .order_by("theme__number", "number")
        .values_list("theme__number", "number", "text", "theme__title")
    )


def _platform_rows(year: int, framework, statements) -> tuple[list[scoring.CompositeRow], Counter]:
    states = cycle_inclusion(year)
    counts = Counter(states.values())
    included = [pk for pk, state in states.items() if state == INCLUDED]
    cycles = EvaluationCycle.objects.filter(pk__in=included, framework=framework).values_list("pk", flat=True)
    scores = employer_scores(list(cycles)) if included else {}
    rows = scoring.composite_rows(
        statements=[(number, text) for _, number, text, _ in statements], employer_scores=scores
    )
    return rows, counts


def _published(year: int, framework) -> dict[int, NationalReferenceFigure]:
    return {
        figure.statement.number: figure
        for figure in NationalReferenceFigure.objects.filter(
            year=year, statement__theme__framework=framework
        ).select_related("statement")
    }


def national_composite(year: int, framework: EvaluationFramework | None) -> Composite:
    """The composite of ``year`` from the platform's cycles, with last year's figures: the platform's
    composite of the year before when any employer counted in it, else the figures published for it
    (the seed's 2022-23 and 2023-24), else none."""
    result = Composite(year=year, framework=framework)
    if framework is None:
        return result
    statements = _statements(framework)
    rows, result.counts = _platform_rows(year, framework, statements)
    last_rows, last_counts = _platform_rows(year - 1, framework, statements)
    last: dict[int, tuple] = {}
    if last_counts[INCLUDED]:
        result.last_year_source = "platform"
        last = {row.number: (row.average, row.minimum, row.maximum) for row in last_rows}
    elif published := _published(year - 1, framework):
        result.last_year_source = "published"
        last = {n: (f.average, f.minimum, f.maximum) for n, f in published.items()}
    titles = {}
    for (theme, *_rest, title), row in zip(statements, rows, strict=True):
        row.last_average, row.last_minimum, row.last_maximum = last.get(row.number, (None, None, None))
        titles.setdefault(theme, (title, []))[1].append(row)
    result.themes = [(number, title, theme_rows) for number, (title, theme_rows) in titles.items()]
    return result


def published_composite(year: int, framework: EvaluationFramework) -> Composite:
    """A year the platform did not hold (2022-23, 2023-24): the figures as the seed report printed them."""
    result = Composite(year=year, framework=framework, last_year_source="")
    published = _published(year, framework)
    last = _published(year - 1, framework)
    if last:
        result.last_year_source = "published"
    titles: dict[int, tuple[str, list]] = {}
    for theme, number, text, title in _statements(framework):
        figure = published.get(number)
        previous = last.get(number)
        row = scoring.CompositeRow(
            number=number,
            text=text,
            average=figure.average if figure else None,
            minimum=figure.minimum if figure else None,
            maximum=figure.maximum if figure else None,
            employers=0,
            last_average=previous.average if previous else None,
            last_minimum=previous.minimum if previous else None,
            last_maximum=previous.maximum if previous else None,
        )
        titles.setdefault(theme, (title, []))[1].append(row)
    result.themes = [(number, title, rows) for number, (title, rows) in titles.items()]
    return result


def published_years(framework: EvaluationFramework | None) -> list[int]:
    if framework is None:
        return []
    return sorted(
        set(
            NationalReferenceFigure.objects.filter(statement__theme__framework=framework).values_list(
                "year", flat=True
            )
        )
    )


def national_figures_for_employers(
    year: int, framework: EvaluationFramework
) -> tuple[str, dict[int, Decimal]]:
    """The national average per statement an employer's report of ``year`` compares with, and its label:
    the platform's composite of that year or the one before, when at least
    ``MIN_EMPLOYERS_FOR_EMPLOYERS`` employers count in it; else the latest figures published up to it."""
    statements = _statements(framework)
    for candidate in (year, year - 1):
        rows, counts = _platform_rows(candidate, framework, statements)
        if counts[INCLUDED] >= MIN_EMPLOYERS_FOR_EMPLOYERS:
            return (
                f"National average {year_label(candidate)}",
                {row.number: row.average for row in rows if row.average is not None},
            )
    published_year = (
        NationalReferenceFigure.objects.filter(statement__theme__framework=framework, year__lte=year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if published_year is None:
        return "", {}
    return (
        f"National average {year_label(published_year)} (published)",
        {number: figure.average for number, figure in _published(published_year, framework).items()},
    )
