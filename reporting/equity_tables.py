"""The equity analysis as tables (``reporting.tables.Table``), exact or as published, and their charts.

``equity_tables(summary, threshold=, published=)`` turns ``reporting.equity.equity_summary``'s figures
into one table per predictor (complete cases, unsuccessful, rate), the trend by cohort, and the
regression. Disclosure control is ``reporting.disclosure.suppress`` on each column with its total:

- a group's complete cases or unsuccessful completions from 1 to ``threshold - 1`` are hidden, and
  other cells of the column until no hidden cell can be worked out from the total;
- a group's unsuccessful count is hidden as well when its cases are hidden, or when the group's passed
  count (cases less unsuccessful, which a reader could work out) is small: "0 of 3 were unsuccessful"
  says something about each of the three;
- a rate is hidden with its count; a regression term is hidden in a publication when its group has
  fewer complete cases or unsuccessful completions than the threshold.
"""

from __future__ import annotations

from reporting.charts import Chart, bar_chart, column_chart
from reporting.disclosure import Sum, suppress
from reporting.equity import PREDICTORS, level_label
from reporting.equity_regression import split_term
from reporting.tables import COUNT, PERCENT, Cell, Row, Table

RATE_COLUMNS = ["Complete cases", "Unsuccessful", "Unsuccessful (%)"]
TREND_PREDICTORS = ("ethnicity_group", "gender", "deferrals", "service_area")


def _hidden_cells(cells: list[dict], total: dict, threshold: int) -> tuple[set[int], set[int]]:
    """Which rows' cases and unsuccessful counts a publication hides (the total row is index len(cells))."""
    members = tuple(range(len(cells)))
    sums = [Sum(len(cells), members)]
    n_counts = [cell["n"] for cell in cells] + [total["n"]]
    n_hidden = set(suppress(n_counts, sums, threshold=threshold))
    u_counts = []
    for index, cell in enumerate(cells):
        passed = cell["n"] - cell["unsuccessful"]
        forced = index in n_hidden or 0 < passed < threshold
        # A forced row counts as 1 here: primary-suppressed, and no help to the cells protecting it.
        u_counts.append(1 if forced else cell["unsuccessful"])
    u_counts.append(total["unsuccessful"])
    u_hidden = set(suppress(u_counts, sums, threshold=threshold))
    return n_hidden, u_hidden


def _rate_table(
    key: str, title: str, heading: str, rows: list[tuple[str, dict]], *, threshold, published
) -> Table:
    total = {
        "n": sum(cell["n"] for _, cell in rows),
        "unsuccessful": sum(cell["unsuccessful"] for _, cell in rows),
    }
    total["rate"] = round(100 * total["unsuccessful"] / total["n"], 1) if total["n"] else None
    n_hidden, u_hidden = (
        _hidden_cells([cell for _, cell in rows], total, threshold) if threshold else (set(), set())
    )
    built, hidden_cells = [], []
    for index, (label, cell) in enumerate([*rows, ("All complete cases", total)]):
        gone_n, gone_u = index in n_hidden, index in u_hidden
        cells = [
            Cell(cell["n"], COUNT, gone_n),
            Cell(cell["unsuccessful"], COUNT, gone_u),
            Cell(cell["rate"], PERCENT, gone_u or gone_n),
        ]
        for column, value in zip(RATE_COLUMNS, cells, strict=True):
            if value.hidden:
                hidden_cells.append({"row": label, "column": column})
        if published:
            cells = [Cell(None, value.kind, True) if value.hidden else value for value in cells]
        built.append(Row(label, cells, index == len(rows)))
    return Table(key, title, heading, RATE_COLUMNS, built, published, "", hidden_cells)


def _breakdown_tables(summary: dict, *, threshold, published) -> list[Table]:
    cohorts = ", ".join(summary["cohorts"])
    tables = []
    for column, heading in PREDICTORS:
        rows = [(level_label(column, level), cell) for level, cell in summary["by"][column].items()]
        tables.append(
            _rate_table(
                f"equity_{column}",
                f"Unsuccessful completion by {heading.lower()}, complete cases, {cohorts}",
                heading,
                rows,
                threshold=threshold,
                published=published,
            )
        )
    return tables


def _trend_tables(summary: dict, *, threshold, published) -> list[Table]:
    """For each trend predictor, one table per level: its rate in each cohort (the seed's figures 1 to 4)."""
    tables = []
    heading = dict(PREDICTORS)
    for column in TREND_PREDICTORS:
        by_cohort = summary["trend"]["rates"][column]
        levels = list(
            dict.fromkeys(level for cells in by_cohort.values() for level, c in cells.items() if c["n"])
        )
        for level in levels:
            rows = [
                (cohort, by_cohort[cohort].get(level, {"n": 0, "unsuccessful": 0, "rate": None}))
                for cohort in by_cohort
            ]
            table = _rate_table(
                f"equity_trend_{column}_{level}".replace(" ", "_").lower(),
                f"Unsuccessful completion by cohort: {heading[column].lower()} {level_label(column, level)}",
                "Cohort",
                rows,
                threshold=threshold,
                published=published,
            )
            tables.append(table)
    return tables


def regression_rows(summary: dict, *, threshold: int, published: bool) -> list[dict]:
    """The regression's terms for a page: predictor, level and reference labels; hidden in a publication
    where the level's group is smaller than the threshold (cases or unsuccessful completions)."""
    model = summary["logistic_regression"]
    rows = []
    for term in model["terms"]:
        column, level = split_term(term["term"])
        cell = summary["by"].get(column, {}).get(level, {"n": 0, "unsuccessful": 0})
        hidden = bool(threshold) and (cell["n"] < threshold or cell["unsuccessful"] < threshold)
        rows.append(
            {
                "predictor": dict(PREDICTORS).get(column, column),
                "level": level_label(column, level),
                "reference": level_label(column, model["reference"].get(column, "")),
                "hidden": hidden,
                "shown": not (hidden and published),
                **{key: term[key] for key in ("odds_ratio", "ci_low", "ci_high", "p_value")},
            }
        )
    return rows


def equity_tables(summary: dict, *, threshold: int, published: bool) -> dict:
    """``{"breakdowns": [Table], "trends": [Table], "regression", "overview", "diversity": [row]}``
    for pages, the PDF or a workbook."""
    return {
        "breakdowns": _breakdown_tables(summary, threshold=threshold, published=published),
        "trends": _trend_tables(summary, threshold=threshold, published=published),
        "regression": regression_rows(summary, threshold=threshold, published=published),
        "overview": overview_rows(summary, threshold=threshold, published=published),
        "diversity": diversity_rows(summary, threshold=threshold, published=published),
    }


def equity_charts(tables: dict) -> dict[str, Chart]:
    """A bar chart of the rate for each breakdown, and columns over the cohorts for each trend, by key."""
    charts = {}
    for table in tables["breakdowns"]:
        if len(table.rows) > 2:
            charts[table.key] = bar_chart(table, column=2, title=table.title)
    for table in tables["trends"]:
        charts[table.key] = column_chart(table, column=2, title=table.title)
    return charts


def overview_rows(summary: dict, *, threshold: int, published: bool) -> list[dict]:
    """The outcomes of every record, and the complete cases: a small count is hidden in a publication."""
    rows = [
        ("Records", summary["records"]),
        ("Passed", summary["passed"]),
        ("Unsuccessful", summary["unsuccessful"]),
        ("Withdrawn", summary["withdrawn"]),
        ("Still in progress", summary["in_progress"]),
        ("Complete cases", summary["complete_cases"]),
        ("Complete cases: passed", summary["complete_passed"]),
        ("Complete cases: unsuccessful", summary["complete_unsuccessful"]),
    ]
    outcome_counts = [value for _, value in rows[:5]]
    hidden = (
        set(suppress(outcome_counts, [Sum(0, (1, 2, 3, 4))], threshold=threshold)) if threshold else set()
    )
    complete = [value for _, value in rows[5:]]
    hidden |= (
        {5 + i for i in suppress(complete, [Sum(0, (1, 2))], threshold=threshold)} if threshold else set()
    )
    return [
        {"label": label, "value": None if published and i in hidden else value, "hidden": i in hidden}
        for i, (label, value) in enumerate(rows)
    ]


def diversity_rows(summary: dict, *, threshold: int, published: bool) -> list[dict]:
    """The share of NQSWs from a Black or minoritised ethnic background, and of male NQSWs, by service area
    and cohort (the seed's figures 5 and 6): hidden in a publication where the count, or the rest, is
    small."""
    rows = []
    names = {"black_or_minoritised_share": "Black or minoritised ethnic", "male_share": "Male"}
    for key, name in names.items():
        for area, by_cohort in summary["trend"]["diversity"][key].items():
            cells = []
            for cohort, cell in by_cohort.items():
                rest = cell["n"] - cell["count"]
                small = threshold and (0 < cell["count"] < threshold or 0 < rest < threshold)
                cells.append(
                    {
                        "cohort": cohort,
                        "percent": None if small and published else cell["percent"],
                        "hidden": bool(small),
                    }
                )
            rows.append({"label": f"{name}: {level_label('service_area', area)}", "cells": cells})
    return rows
