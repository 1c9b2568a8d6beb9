"""The equity analysis as tables (``reporting.tables.Table``), exact or as published, and their charts.

``equity_tables(summary, threshold=, published=)`` turns ``reporting.equity.equity_summary``'s figures
into one table per predictor (complete cases, unsuccessful, rate), the trend by cohort, and the
regression. Disclosure control is worked out once for every table of the section together
(``reporting.equity_disclosure``, on the same ``reporting.disclosure.Publication`` as the registration
tables), so no table's totals undo another's suppression:

- a group's complete cases or unsuccessful completions from 1 to ``threshold - 1`` are hidden, and
  other cells until no hidden cell can be worked out from the totals of any of the tables;
- a group's unsuccessful count is hidden as well when its cases are hidden, or when the group's passed
  count (cases less unsuccessful, which a reader could work out) is small: "0 of 3 were unsuccessful"
  says something about each of the three;
- a rate is hidden with its count; a regression term is hidden in a publication when its group has
  fewer complete cases or unsuccessful completions than the threshold.
"""

from __future__ import annotations

from reporting.cells import COUNT, PERCENT, TEXT, Cell, Row, Table, make_table
from reporting.charts import Chart, bar_chart, column_chart
from reporting.equity import PREDICTORS, level_label
from reporting.equity_disclosure import TOTAL, equity_hidden
from reporting.equity_regression import split_term

RATE_COLUMNS = ["Complete cases", "Unsuccessful", "Unsuccessful (%)"]
# Every equity table's key starts "equity_"; a trend's "equity_trend_".
BREAKDOWN_PREFIX, TREND_PREFIX = "equity_", "equity_trend_"
OVERVIEW_KEY, REGRESSION_KEY = "equity_overview", "equity_regression"
NOT_CHARTED = (OVERVIEW_KEY, REGRESSION_KEY)
TREND_PREDICTORS = ("ethnicity_group", "gender", "deferrals", "service_area")


def _rate_table(
    key: str,
    title: str,
    heading: str,
    rows: list[tuple[str, dict, tuple]],
    total_key: tuple,
    *,
    hidden,
    published,
) -> Table:
    """``rows`` are ``(label, cell, figure key)`` (``reporting.equity_disclosure``); the total row's key is
    ``total_key``."""
    total = {
        "n": sum(cell["n"] for _, cell, _ in rows),
        "unsuccessful": sum(cell["unsuccessful"] for _, cell, _ in rows),
    }
    total["rate"] = round(100 * total["unsuccessful"] / total["n"], 1) if total["n"] else None
    built, hidden_cells = [], []
    for index, (label, cell, figure) in enumerate([*rows, ("All complete cases", total, total_key)]):
        gone_n, gone_u = ("n", *figure) in hidden, ("u", *figure) in hidden
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


def _breakdown_tables(summary: dict, *, hidden, published) -> list[Table]:
    cohorts = ", ".join(summary["cohorts"])
    tables = []
    for column, heading in PREDICTORS:
        rows = [
            (level_label(column, level), cell, (column, level))
            for level, cell in summary["by"][column].items()
        ]
        tables.append(
            _rate_table(
                f"equity_{column}",
                f"Unsuccessful completion by {heading.lower()}, complete cases, {cohorts}",
                heading,
                rows,
                TOTAL,
                hidden=hidden,
                published=published,
            )
        )
    return tables


def _trend_tables(summary: dict, *, hidden, published) -> list[Table]:
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
                (
                    cohort,
                    by_cohort[cohort].get(level, {"n": 0, "unsuccessful": 0, "rate": None}),
                    (column, level, cohort),
                )
                for cohort in by_cohort
            ]
            table = _rate_table(
                f"equity_trend_{column}_{level}".replace(" ", "_").lower(),
                f"Unsuccessful completion by cohort: {heading[column].lower()} {level_label(column, level)}",
                "Cohort",
                rows,
                (column, level),  # its cohorts add up to the level's row of the breakdown
                hidden=hidden,
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
    hidden = equity_hidden(summary, threshold=threshold)
    return {
        "breakdowns": _breakdown_tables(summary, hidden=hidden, published=published),
        "trends": _trend_tables(summary, hidden=hidden, published=published),
        "regression": regression_rows(summary, threshold=threshold, published=published),
        "overview": overview_rows(summary, hidden=hidden, published=published),
        "diversity": diversity_rows(summary, threshold=threshold, published=published),
    }


def equity_charts(tables: dict) -> dict[str, Chart]:
    """A bar chart of the rate for each breakdown, and columns over the cohorts for each trend, by key."""
    return equity_table_charts(tables["breakdowns"] + tables["trends"])


def equity_table_charts(tables: list[Table]) -> dict[str, Chart]:
    """The charts of the equity tables among ``tables`` (told apart by key, so that a published report's
    stored tables get the same charts): the rate of each breakdown of more than one group, as bars, and of
    each trend over the cohorts, as columns."""
    charts = {}
    for table in tables:
        if table.key.startswith(TREND_PREFIX):
            charts[table.key] = column_chart(table, column=2, title=table.title)
        elif table.key.startswith(BREAKDOWN_PREFIX) and table.key not in NOT_CHARTED and len(table.rows) > 2:
            charts[table.key] = bar_chart(table, column=2, title=table.title)
    return charts


def equity_published_tables(equity: dict | None, *, threshold: int) -> list[Table]:
    """The equity section of the annual report (``reporting.annual.equity_section``) as published tables,
    for the public page: the records and outcomes, each breakdown, each trend and the regression, with
    what the publication hides carrying no value. Empty when there is no equity section."""
    if not equity:
        return []
    tables = equity_tables(equity["summary"], threshold=threshold, published=True)
    cohorts = ", ".join(equity["cohorts"])
    overview = make_table(
        OVERVIEW_KEY,
        f"Records and outcomes, cohorts {cohorts}",
        "Records",
        ["Number"],
        [(row["label"], [Cell(row["value"], COUNT, row["hidden"])], False) for row in tables["overview"]],
        published=True,
        note="NQSWs of every service area. A complete case has an outcome (passed or unsuccessful) and "
        "every factor of the analysis recorded.",
    )
    return [overview, *tables["breakdowns"], *tables["trends"], _regression_table(tables["regression"])]


def _regression_table(rows: list[dict]) -> Table:
    def cells(row: dict) -> list[Cell]:
        if not row["shown"]:
            return [Cell(None, TEXT, True)] * 3
        p_value = "below 0.001" if row["p_value"] < 0.001 else f"{row['p_value']:.3f}"
        return [
            Cell(f"{row['odds_ratio']:.2f}", TEXT),
            Cell(f"{row['ci_low']:.2f} to {row['ci_high']:.2f}", TEXT),
            Cell(p_value, TEXT),
        ]

    return make_table(
        REGRESSION_KEY,
        "Logistic regression of unsuccessful completion: odds ratios against each factor's reference group",
        "Factor: group (against)",
        ["Odds ratio", "95% confidence interval", "p-value"],
        [
            (f"{row['predictor']}: {row['level']} (against {row['reference']})", cells(row), False)
            for row in rows
        ],
        published=True,
    )


def overview_rows(summary: dict, *, hidden, published: bool) -> list[dict]:
    """The outcomes of every record, and the complete cases: a count the publication hides
    (``reporting.equity_disclosure``) is blanked in a publication."""
    rows = [
        ("Records", summary["records"], ("overview", "records")),
        ("Passed", summary["passed"], ("overview", "passed")),
        ("Unsuccessful", summary["unsuccessful"], ("overview", "unsuccessful")),
        ("Withdrawn", summary["withdrawn"], ("overview", "withdrawn")),
        ("Still in progress", summary["in_progress"], ("overview", "in_progress")),
        ("Complete cases", summary["complete_cases"], ("n", *TOTAL)),
        ("Complete cases: passed", summary["complete_passed"], ("p", *TOTAL)),
        ("Complete cases: unsuccessful", summary["complete_unsuccessful"], ("u", *TOTAL)),
    ]
    return [
        {"label": label, "value": None if published and key in hidden else value, "hidden": key in hidden}
        for label, value, key in rows
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
