"""The report's tables, in one shape for every output (HTML, CSV, PDF, XLSX), exact or as published.

``report_tables(figures, threshold=, published=)`` turns the figures of ``reporting.annual`` into
``Table``s (``reporting.cells``). Disclosure control is worked out once for the whole publication
(``reporting.disclosure.Publication``): a figure that several tables show (the total of NQSWs is the
by-employer-type total, the by-region total, a row of the service-area table and a year of the trend) is
one figure, hidden in all of them or in none, and every table's sums are protected together. National
staff's pages show the exact count and mark it; the published forms carry ``None`` there, shown as ``[c]``.
"""

from __future__ import annotations

from reporting.cells import CHANGE, COUNT, MONEY, PERCENT, SCORE, Cell, Row, Table, make_table
from reporting.disclosure import Publication
from reporting.quality_tables import quality_figures, quality_tables
from reporting.registrations import BOTH

__all__ = [
    "CHANGE",
    "COUNT",
    "MONEY",
    "PERCENT",
    "SCORE",
    "Cell",
    "Row",
    "Table",
    "report_tables",
    "table_by_key",
]

COLUMNS = ("employers", "nqsws")
_TOTAL_KEY = {"employers": "employers", "nqsws": "total"}


def _registration_figures(publication: Publication, registrations: dict) -> None:
    """Every registration count of the report, with the sums that tie them together."""
    area, year = registrations["service_area"], registrations["year"]
    for column in COLUMNS:
        total = publication.figure((column, "total"), registrations[_TOTAL_KEY[column]])
        types = [
            publication.figure((column, "type", row["code"]), row[column])
            for row in registrations["by_employer_type"]
        ]
        regions = {
            row["label"]: publication.figure((column, "region", row["code"]), row[column])
            for row in registrations["by_region"]
        }
        groups = [
            publication.figure((column, "group", group["label"]), group[column])
            for group in registrations["region_groups"]
        ]
        publication.add_sum(total, types)
        publication.add_sum(total, list(regions.values()))
        publication.add_sum(total, groups)
        for key, group in zip(groups, registrations["region_groups"], strict=True):
            publication.add_sum(key, [regions[name] for name in group["regions"]])
        areas = [
            publication.figure(area_key(column, row["code"], area), row[column])
            for row in registrations["by_service_area"]
        ]
        every_area = publication.figure(
            area_key(column, BOTH, area), registrations["all_service_areas"][column]
        )
        if column == "nqsws":  # one employer may register in both areas: employers do not add up
            publication.add_sum(every_area, areas)
        for row in registrations["trend"]:
            publication.figure(year_key(column, row["year"], year), row[column])


def area_key(column: str, code: str, chosen: str) -> tuple:
    """The chosen service area's row (or, for both, the last row) is the report's total."""
    return (column, "total") if code == chosen else (column, "area", code)


def year_key(column: str, year: str, report_year: str) -> tuple:
    """The trend's row for the report's year is the report's total."""
    return (column, "total") if year == report_year else (column, "year", year)


def _by_type_table(registrations: dict, hidden, *, published) -> Table:
    """Employers and NQSWs by employer type, with the total row (each column sums to its total)."""
    lines = [
        (row["label"], [Cell(row[c], COUNT, (c, "type", row["code"]) in hidden) for c in COLUMNS], False)
        for row in registrations["by_employer_type"]
    ]
    lines.append(_total_line(registrations, hidden))
    return make_table(
        "by_employer_type",
        f"{registrations['year']} registrations, by employer type",
        "Employer type",
        ["Number of employers", "Number of NQSWs registered"],
        lines,
        published=published,
    )


def _total_line(registrations: dict, hidden) -> tuple:
    cells = [Cell(registrations[_TOTAL_KEY[c]], COUNT, (c, "total") in hidden) for c in COLUMNS]
    return ("Total", cells, True)


def _region_tables(registrations: dict, hidden, *, published) -> list[Table]:
    """By region, and the North, Midlands and South groups, whose shares are published too (a share is
    hidden with its group or with the total)."""
    year = registrations["year"]
    lines = [
        (row["label"], [Cell(row[c], COUNT, (c, "region", row["code"]) in hidden) for c in COLUMNS], False)
        for row in registrations["by_region"]
    ]
    lines.append(_total_line(registrations, hidden))
    by_region = make_table(
        "by_region",
        f"{year} registrations, by region",
        "Region",
        ["Number of employers", "Number of NQSWs registered"],
        lines,
        published=published,
    )
    group_lines = []
    for group in registrations["region_groups"]:
        cells = []
        for column in COLUMNS:
            gone = (column, "group", group["label"]) in hidden or (column, "total") in hidden
            cells += [Cell(group[column], COUNT, gone), Cell(group[f"{column}_share"], PERCENT, gone)]
        group_lines.append((f"{group['label']} ({', '.join(group['regions'])})", cells, False))
    shares = make_table(
        "region_groups",
        f"{year} registrations, North, Midlands and South",
        "Part of England",
        ["Employers", "Share of employers", "NQSWs registered", "Share of NQSWs"],
        group_lines,
        published=published,
        note="Shares are of the total, to the nearest whole per cent. East of England is counted with the "
        "Midlands, as in the annual report.",
    )
    return [by_region, shares]


def _service_area_table(registrations: dict, hidden, *, published) -> Table:
    area = registrations["service_area"]
    lines = [
        (
            row["label"],
            [Cell(row[c], COUNT, area_key(c, row["code"], area) in hidden) for c in COLUMNS],
            False,
        )
        for row in registrations["by_service_area"]
    ]
    every = registrations["all_service_areas"]
    lines.append(
        (
            "Both service areas",
            [Cell(every[c], COUNT, area_key(c, BOTH, area) in hidden) for c in COLUMNS],
            True,
        )
    )
    return make_table(
        "by_service_area",
        f"{registrations['year']} registrations, by service area",
        "Service area",
        ["Number of employers", "Number of NQSWs registered"],
        lines,
        published=published,
        note="An employer that registered NQSWs in both service areas is counted once in the last row.",
    )


def _trend_table(registrations: dict, hidden, *, published) -> Table:
    """A change is worked out from two years' counts, so it is hidden with either of them."""
    year = registrations["year"]
    lines = []
    previous_hidden = False
    for row in registrations["trend"]:
        nqsws_gone = year_key("nqsws", row["year"], year) in hidden
        change_gone = row["change"] is not None and (nqsws_gone or previous_hidden)
        lines.append(
            (
                row["year"],
                [
                    Cell(row["nqsws"], COUNT, nqsws_gone),
                    Cell(row["change"], CHANGE, change_gone),
                    Cell(row["change_percent"], PERCENT, change_gone),
                    Cell(row["employers"], COUNT, year_key("employers", row["year"], year) in hidden),
                ],
                False,
            )
        )
        previous_hidden = nqsws_gone
    return make_table(
        "trend",
        f"NQSW registrations by year, to {year}",
        "Funding year",
        ["NQSWs registered", "Change on previous year", "Change (%)", "Employers registering"],
        lines,
        published=published,
    )


def report_tables(figures: dict, *, threshold: int, published: bool) -> list[Table]:
    """Every table of the annual report, in the report's order (with the quality tables if ``figures``
    has them), suppressed together as one publication."""
    registrations = figures["registrations"]
    quality = figures.get("quality")
    publication = Publication()
    _registration_figures(publication, registrations)
    if quality:
        quality_figures(publication, quality)
    hidden = publication.hidden(threshold)
    tables = [
        _trend_table(registrations, hidden, published=published),
        _by_type_table(registrations, hidden, published=published),
        *_region_tables(registrations, hidden, published=published),
        _service_area_table(registrations, hidden, published=published),
    ]
    if quality:
        tables += quality_tables(registrations["year"], quality, hidden, published=published)
    return tables


def table_by_key(tables: list[Table], key: str) -> Table | None:
    return next((table for table in tables if table.key == key), None)
