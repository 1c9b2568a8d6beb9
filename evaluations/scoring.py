"""The 360 evaluation's arithmetic, on plain values (no database): averages rounded as the seed prints
them, the red/amber/green code, and the rules that keep a respondent's ratings from being worked out.

The rules (docs/evaluation-360.md):

- A respondent type's column is shown only with at least ``MIN_GROUP`` submitted responses of that type,
  and one statement's cell only with at least ``MIN_GROUP`` ratings ("don't know" is not a rating).
- The "all respondents" figure of a statement pools the self-assessment's rating and the ratings of the
  cells that are shown, never a hidden cell's: so no hidden rating can be had by subtraction.
- A theme's figure in a column is the mean of the statement figures shown in that column.
- Figures are rounded to one decimal place, half up, before they are coded: 1.0-1.9 red, 2.0-3.9 amber,
  4.0-5.0 green (the seed's key).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# Below this many responses of a type (or ratings in a cell) the breakdown is not shown.
MIN_GROUP = 3
ONE_PLACE = Decimal("0.1")

RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green"}
# GOV.UK tag colours for each code; the tag's text always says the code as well.
RAG_TAG = {"red": "red", "amber": "yellow", "green": "green"}


def mean(values: Iterable[int | Decimal]) -> Decimal | None:
    """The exact mean (a Decimal), or None for no values."""
    values = [Decimal(value) for value in values]
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


def one_place(value: Decimal | float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def rag(value: Decimal | float | None) -> str | None:
    """ "red", "amber" or "green" for a score, coded on its one-decimal value as the seed's key does."""
    shown = one_place(value)
    if shown is None:
        return None
    if shown < Decimal("2.0"):
        return "red"
    if shown < Decimal("4.0"):
        return "amber"
    return "green"


@dataclass
class Cell:
    """One figure of the report: the mean of ``count`` ratings, or hidden (too few), or none (no
    ratings: every answer was "don't know")."""

    average: Decimal | None = None
    count: int = 0
    hidden: bool = False

    @property
    def shown(self) -> Decimal | None:
        """The figure that may be shown (unrounded), or None."""
        return None if self.hidden else self.average

    @property
    def rag(self) -> str | None:
        return None if self.hidden else rag(self.average)


@dataclass
class StatementFigures:
    number: int
    text: str
    by_type: dict[str, Cell]
    overall: Cell
    national: Decimal | None = None
    last_year: Decimal | None = None


@dataclass
class ThemeFigures:
    number: int
    title: str
    statements: list[StatementFigures]
    by_type: dict[str, Decimal | None] = field(default_factory=dict)
    overall: Decimal | None = None
    national: Decimal | None = None
    last_year: Decimal | None = None


@dataclass
class ReportFigures:
    columns: list[str]  # respondent types shown, the self-assessment first
    responses: dict[str, int]  # submitted responses by type
    hidden_types: list[str]  # types with some responses but fewer than MIN_GROUP
    themes: list[ThemeFigures]


def _theme_mean(values: Iterable[Decimal | None]) -> Decimal | None:
    return mean(value for value in values if value is not None)


def employer_report(
    *,
    themes: list[tuple[int, str, list[tuple[int, str]]]],
    ratings: dict[str, dict[int, list[int | None]]],
    responses: dict[str, int],
    self_type: str,
    national: dict[int, Decimal] | None = None,
    last_year: dict[int, Decimal] | None = None,
) -> ReportFigures:
    """The employer's report from its ratings.

    ``themes``: (number, title, [(statement number, text)]); ``ratings``: respondent type -> statement
    number -> the answers (None for "don't know"); ``responses``: submitted responses by type;
    ``national``/``last_year``: a figure per statement number to compare with."""
    national = national or {}
    last_year = last_year or {}
    has_self = bool(responses.get(self_type))
    shown_types = [t for t, n in responses.items() if t != self_type and n >= MIN_GROUP]
    hidden_types = [t for t, n in responses.items() if t != self_type and 0 < n < MIN_GROUP]
    columns = ([self_type] if has_self else []) + sorted(shown_types)
    report_themes = []
    for theme_number, title, statements in themes:
        rows = []
        for number, text in statements:
            cells: dict[str, Cell] = {}
            pooled: list[int] = []
            for column in columns:
                values = [v for v in ratings.get(column, {}).get(number, []) if v is not None]
                if column == self_type:
                    cells[column] = Cell(average=mean(values), count=len(values))
                    pooled += values
                elif len(values) < MIN_GROUP:
                    cells[column] = Cell(count=len(values), hidden=bool(values))
                else:
                    cells[column] = Cell(average=mean(values), count=len(values))
                    pooled += values
            rows.append(
                StatementFigures(
                    number=number,
                    text=text,
                    by_type=cells,
                    overall=Cell(average=mean(pooled), count=len(pooled)),
                    national=national.get(number),
                    last_year=last_year.get(number),
                )
            )
        report_themes.append(
            ThemeFigures(
                number=theme_number,
                title=title,
                statements=rows,
                by_type={c: _theme_mean(row.by_type[c].shown for row in rows) for c in columns},
                overall=_theme_mean(row.overall.shown for row in rows),
                national=_theme_mean(row.national for row in rows),
                last_year=_theme_mean(row.last_year for row in rows),
            )
        )
    return ReportFigures(
        columns=columns, responses=dict(responses), hidden_types=sorted(hidden_types), themes=report_themes
    )


def overall_by_statement(report: ReportFigures) -> dict[int, Decimal]:
    """Each statement's "all respondents" figure (unrounded), for next year's comparison."""
    return {
        row.number: row.overall.average
        for theme in report.themes
        for row in theme.statements
        if row.overall.average is not None
    }


@dataclass
class CompositeRow:
    number: int
    text: str
    average: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None
    employers: int
    last_average: Decimal | None = None
    last_minimum: Decimal | None = None
    last_maximum: Decimal | None = None

    @property
    def rag(self) -> str | None:
        return rag(self.average)


def composite_rows(
    *, statements: list[tuple[int, str]], employer_scores: dict[int, dict[int, Decimal]]
) -> list[CompositeRow]:
    """Per statement: the mean, minimum and maximum of the included employers' scores (each employer's
    mean rating), rounded to one place. ``employer_scores``: employer -> statement number -> score."""
    rows = []
    for number, text in statements:
        scores = [by[number] for by in employer_scores.values() if by.get(number) is not None]
        rows.append(
            CompositeRow(
                number=number,
                text=text,
                average=one_place(mean(scores)),
                minimum=one_place(min(scores)) if scores else None,
                maximum=one_place(max(scores)) if scores else None,
                employers=len(scores),
            )
        )
    return rows
