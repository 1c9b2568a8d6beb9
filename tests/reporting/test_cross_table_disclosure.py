"""Disclosure control across the tables of one publication: the same figure is suppressed wherever it
appears, and no suppressed cell can be worked out from the published tables taken together. The attack
here reads only the published output (the tables' cells, with ``[c]`` where suppressed) and what any
reader knows of their structure (each table's rows add up to its total; the totals of the employer-type
and region tables, the chosen service area's row and the trend's last year are the same figure; the
North, Midlands and South groups add up their regions), and tries to pin each suppressed cell down."""

from __future__ import annotations

import math

import pytest
from scipy.optimize import linprog

from reporting.disclosure import SUPPRESSED, Publication, Sum, recoverable, suppress
from reporting.registrations import registrations_report
from reporting.tables import report_tables
from tests.reporting.helpers import load_picture


def test_sums_that_each_protect_their_cells_can_still_give_one_away_together():
    # x + y, y + z and x + z are all published. Each sum has two hidden members adding up to more than
    # two, so rule 2 is satisfied one sum at a time, yet x = (S1 + S3 - S2) / 2.
    counts = [2, 10, 12, 12, 22, 14]
    sums = [Sum(3, (0, 1)), Sum(4, (1, 2)), Sum(5, (0, 2))]
    assert recoverable(counts, sums, {0, 1, 2}) == {0, 1, 2}
    hidden = suppress(counts, sums, threshold=5)
    assert {0, 1, 2} <= hidden and 3 in hidden  # the first sum is hidden too
    assert recoverable(counts, sums, hidden) == set()


def test_a_figure_registered_twice_must_have_one_value():
    publication = Publication()
    publication.figure(("nqsws", "total"), 43)
    publication.figure(("nqsws", "total"), 43)
    with pytest.raises(ValueError, match="in one table"):
        publication.figure(("nqsws", "total"), 42)


def _number(display: str) -> int:
    return int(display.replace(",", ""))


def _attack(published: list, *, year: str) -> dict:
    """From the published tables alone: every suppressed NQSW or employer count's least and most possible
    value, given every equation a reader can write down. Returns {(table, row, column): (low, high)}."""
    unknowns: dict = {}
    equations: list[tuple[dict, float]] = []

    def term(table_key, row, column):
        cell = row.cells[column]
        if cell.display == SUPPRESSED:
            key = (table_key, row.label, column)
            unknowns.setdefault(key, len(unknowns))
            return key, 0
        return None, _number(cell.display)

    def equation(left, right_terms):
        """left - sum(right) = 0, each a (table, row, column) cell."""
        coefficients: dict = {}
        constant = 0.0
        for sign, (table_key, row, column) in [(1, left)] + [(-1, t) for t in right_terms]:
            key, value = term(table_key, row, column)
            if key is None:
                constant -= sign * value
            else:
                coefficients[key] = coefficients.get(key, 0) + sign
        equations.append((coefficients, constant))

    tables = {table.key: table for table in published}
    for column in (0, 1):  # employers, NQSWs
        for key in ("by_employer_type", "by_region"):
            rows = tables[key].rows
            equation((key, rows[-1], column), [(key, row, column) for row in rows[:-1]])
        # The two tables' totals are the same figure.
        equation(
            ("by_employer_type", tables["by_employer_type"].rows[-1], column),
            [("by_region", tables["by_region"].rows[-1], column)],
        )
        # Groups: each is its regions' sum; together they are the total.
        regions = {row.label: row for row in tables["by_region"].rows}
        group_column = 0 if column == 0 else 2
        for group in tables["region_groups"].rows:
            names = group.label.split(" (")[1].rstrip(")").split(", ")
            equation(
                ("region_groups", group, group_column),
                [("by_region", regions[name], column) for name in names],
            )
        equation(
            ("by_region", tables["by_region"].rows[-1], column),
            [("region_groups", group, group_column) for group in tables["region_groups"].rows],
        )
        # The trend's row for the year is the total (NQSWs column 0, employers column 3).
        trend_row = next(row for row in tables["trend"].rows if row.label == year)
        equation(
            ("trend", trend_row, 0 if column == 1 else 3),
            [("by_region", tables["by_region"].rows[-1], column)],
        )
    # Both service areas: the NQSWs of the areas add up to the last row, which here is the total.
    areas = tables["by_service_area"].rows
    equation(("by_service_area", areas[-1], 1), [("by_service_area", row, 1) for row in areas[:-1]])
    equation(("by_service_area", areas[-1], 1), [("by_region", tables["by_region"].rows[-1], 1)])
    equation(("by_service_area", areas[-1], 0), [("by_region", tables["by_region"].rows[-1], 0)])

    size = len(unknowns)
    matrix = [[0.0] * size for _ in equations]
    right = []
    for i, (coefficients, constant) in enumerate(equations):
        for key, value in coefficients.items():
            matrix[i][unknowns[key]] = value
        right.append(constant)
    ranges = {}
    for key, i in unknowns.items():
        objective = [0.0] * size
        objective[i] = 1
        low = linprog(objective, A_eq=matrix, b_eq=right, bounds=[(0, None)] * size, method="highs")
        objective[i] = -1
        high = linprog(objective, A_eq=matrix, b_eq=right, bounds=[(0, None)] * size, method="highs")
        assert low.status == 0  # the published tables are consistent
        ranges[key] = (low.fun, math.inf if high.status == 3 else -high.fun)
    return ranges


@pytest.mark.django_db
@pytest.mark.parametrize("threshold", [3, 5, 10, 20])
def test_no_suppressed_cell_can_be_worked_out_from_all_the_published_tables(unscoped, threshold):
    load_picture()
    with unscoped():
        figures = {"registrations": registrations_report(year="2024-25")}
    published = report_tables(figures, threshold=threshold, published=True)
    exact = {table.key: table for table in report_tables(figures, threshold=threshold, published=False)}
    ranges = _attack(published, year="2024-25")
    assert ranges  # there is something to attack at every threshold here
    for (table_key, label, column), (low, high) in ranges.items():
        assert high - low >= 1 - 1e-6, f"{table_key} {label} column {column} is pinned at {low}"
        true = next(row for row in exact[table_key].rows if row.label == label).cells[column].value
        assert low - 1e-6 <= true <= high + 1e-6


@pytest.mark.django_db
def test_the_same_figure_is_suppressed_in_every_table_that_shows_it(unscoped):
    """Child and family at a threshold of 10: the adults' 9 NQSWs are suppressed in the service-area
    table. Per table, the child and family row (34) went with them, while the employer-type and region
    tables published their total, 34: 43 - 34 gave the 9 away. Now the figure is one: hidden in all."""
    load_picture()
    with unscoped():
        figures = {"registrations": registrations_report(year="2024-25", service_area="child_and_family")}
    tables = {table.key: table for table in report_tables(figures, threshold=10, published=True)}
    areas = {row.label: row.cells[1].display for row in tables["by_service_area"].rows}
    assert areas["Adults"] == SUPPRESSED
    total_shown = {key: tables[key].rows[-1].cells[1].display for key in ("by_employer_type", "by_region")}
    trend = next(row for row in tables["trend"].rows if row.label == "2024-25").cells[0].display
    # Whatever is hidden, the total is hidden everywhere or nowhere, and it never meets a shown
    # "both service areas" that would give the adults' figure by subtraction.
    assert (
        len({total_shown["by_employer_type"], total_shown["by_region"], areas["Child and family"], trend})
        == 1
    )
    assert SUPPRESSED in (areas["Child and family"], areas["Both service areas"])
