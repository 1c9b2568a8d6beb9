"""The equity tables' disclosure control works across tables: a hand-built case where suppressing each table
on its own leaves a cell that the trend table's total gives away, now suppressed; and, on the published
section taken as a whole (every table's sums at once), no hidden cell can be pinned down."""

from __future__ import annotations

import pandas as pd
import pytest

from reporting.disclosure import Sum, recoverable, suppress
from reporting.equity import BLACK_OR_MINORITISED, COLUMNS, PREDICTORS, WHITE, equity_analysis
from reporting.equity_disclosure import equity_hidden, equity_publication
from reporting.equity_tables import equity_tables

COHORTS = ["2020-21", "2021-22", "2022-23"]
THRESHOLD = 5
# (cohort, ethnicity group, passed, unsuccessful): 3 unsuccessful White NQSWs in all, 7 Black or minoritised.
GROUPS = [
    ("2020-21", WHITE, 99, 1),
    ("2021-22", WHITE, 99, 1),
    ("2022-23", WHITE, 99, 1),
    ("2020-21", BLACK_OR_MINORITISED, 17, 3),
    ("2021-22", BLACK_OR_MINORITISED, 18, 2),
    ("2022-23", BLACK_OR_MINORITISED, 18, 2),
]


def summary_of(groups) -> dict:
    """The equity analysis of a hand-built frame: every other predictor has one level."""
    rows = []
    for cohort, ethnicity, passed, unsuccessful in groups:
        for outcome, n in (("passed", passed), ("unsuccessful", unsuccessful)):
            rows.append(
                {
                    "cohort": cohort,
                    "service_area": "child_and_family",
                    "employer_type": "local_authority",
                    "region": "north_east",
                    "deferrals": "0",
                    "outcome": outcome,
                    "gender": "female",
                    "ethnicity_group": ethnicity,
                    "age_band": "25_34",
                    "n": n,
                }
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["complete"] = True
    frame["events"] = frame["n"].where(frame["outcome"] == "unsuccessful", 0)
    return equity_analysis(frame, COHORTS)


@pytest.fixture(scope="module")
def summary() -> dict:
    return summary_of(GROUPS)


def table(tables: dict, key: str):
    return next(t for t in tables["breakdowns"] + tables["trends"] if t.key == key)


def unsuccessful_column(t) -> list:
    return [row.cells[1] for row in t.rows]


def test_suppressing_each_table_on_its_own_would_give_a_cell_away(summary):
    """The rule as it was: each column of each table against its own total."""
    by_ethnicity = [
        summary["by"]["ethnicity_group"][g]["unsuccessful"] for g in (WHITE, BLACK_OR_MINORITISED)
    ]
    assert by_ethnicity == [3, 7]
    hidden = suppress([*by_ethnicity, 10], [Sum(2, (0, 1))], threshold=THRESHOLD)
    assert hidden == {0, 1}  # White (3) hidden, and Black or minoritised (7) with it; the total 10 shown
    trend = [
        summary["trend"]["rates"]["ethnicity_group"][c][BLACK_OR_MINORITISED]["unsuccessful"] for c in COHORTS
    ]
    assert trend == [3, 2, 2]
    trend_hidden = suppress([*trend, 7], [Sum(3, (0, 1, 2))], threshold=THRESHOLD)
    assert trend_hidden == {0, 1, 2}  # every cohort hidden, so the trend's total, 7, was shown...
    # ...and the breakdown's total less it is the White count the breakdown hid.
    assert 10 - 7 == by_ethnicity[0]


def test_the_shared_rule_hides_the_trend_total_that_gave_it_away(summary):
    tables = equity_tables(summary, threshold=THRESHOLD, published=True)
    breakdown = unsuccessful_column(table(tables, "equity_ethnicity_group"))
    assert [cell.value for cell in breakdown] == [None, None, 10]
    trend = unsuccessful_column(table(tables, "equity_trend_ethnicity_group_black_or_minoritised_ethnic"))
    assert [cell.hidden for cell in trend] == [True, True, True, True]
    assert all(cell.value is None for cell in trend)
    # Where the same figure appears in two tables, it is hidden in both or shown in both.
    exact = equity_tables(summary, threshold=THRESHOLD, published=False)
    level_row = table(exact, "equity_ethnicity_group").rows[1]
    trend_total = table(exact, "equity_trend_ethnicity_group_black_or_minoritised_ethnic").rows[-1]
    assert [c.hidden for c in level_row.cells] == [c.hidden for c in trend_total.cells]
    assert {"row": "All complete cases", "column": "Unsuccessful"} in table(
        exact, "equity_trend_ethnicity_group_black_or_minoritised_ethnic"
    ).hidden_cells


def test_no_hidden_cell_can_be_worked_out_from_the_section_as_a_whole(summary):
    hidden_keys = equity_hidden(summary, threshold=THRESHOLD)
    publication = equity_publication(summary)
    hidden = {publication.index(key) for key in hidden_keys}
    assert hidden  # there is something to protect
    assert recoverable(publication.counts, publication.sums, hidden) == set()
    # No count from 1 to 4 is shown anywhere, and a hidden group's size takes its unsuccessful count with it.
    for key in publication.keys():
        count = publication.counts[publication.index(key)]
        if 0 < count < THRESHOLD:
            assert key in hidden_keys, key
        if key[0] == "n" and key in hidden_keys:
            assert ("u", *key[1:]) in hidden_keys, key


def test_a_small_number_passed_hides_the_unsuccessful_count(summary):
    """ "0 of 3 passed" says something of each of the three: the group's unsuccessful count goes too."""
    groups = list(GROUPS)
    groups[0] = ("2020-21", WHITE, 2, 40)  # 42 White NQSWs in 2020-21: 2 passed, 40 unsuccessful
    tables = equity_tables(summary_of(groups), threshold=THRESHOLD, published=True)
    trend = table(tables, "equity_trend_ethnicity_group_white")
    first = trend.rows[0]
    assert first.label == "2020-21" and first.cells[0].value == 42
    assert first.cells[1].value is None and first.cells[2].value is None


def test_without_a_threshold_nothing_is_hidden(summary):
    assert equity_hidden(summary, threshold=0) == frozenset()
    tables = equity_tables(summary, threshold=0, published=True)
    assert not any(t.has_hidden for t in tables["breakdowns"] + tables["trends"])
    assert {table.key for table in tables["breakdowns"]} == {f"equity_{name}" for name, _ in PREDICTORS}
