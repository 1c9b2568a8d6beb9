"""The report's tables, in one shape for every output (HTML, CSV, PDF, XLSX), exact or as published.

``report_tables(figures, threshold=, published=)`` turns the figures of ``reporting.annual`` into
``Table``s. Each cell knows whether a publication hides it (``reporting.disclosure``): national staff's
pages show the exact count and mark it; the published forms carry ``None`` there, shown as ``[c]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from asye.web.formats import money
from reporting.disclosure import SUPPRESSED, Sum, suppress

COUNT, PERCENT, CHANGE, MONEY = "count", "percent", "change", "money"


@dataclass(frozen=True)
class Cell:
    value: int | float | Decimal | None
    kind: str = COUNT
    hidden: bool = False  # a publication hides it (on a published table, ``value`` is then None)

    @property
    def display(self) -> str:
        if self.value is None:
            return SUPPRESSED if self.hidden else ""
        if self.kind == PERCENT:
            return f"{self.value}%"
        if self.kind == CHANGE:
            return f"{self.value:+,}"
        if self.kind == MONEY:
            return money(self.value)  # GOV.UK style, one helper for every page (asye.web.formats)
        return f"{self.value:,}"

    @property
    def plain(self) -> str:
        """For CSV and the workbook: no thousands separators or symbols."""
        if self.value is None:
            return SUPPRESSED if self.hidden else ""
        return str(self.value)


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]
    is_total: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    published: bool
    note: str = ""
    hidden_cells: list[dict] = field(default_factory=list)

    @property
    def has_hidden(self) -> bool:
        return bool(self.hidden_cells)


def _column_hidden(counts: Sequence[int], sums: Sequence[Sum], threshold: int | None) -> frozenset[int]:
    return suppress(counts, sums, threshold=threshold) if threshold else frozenset()


def _table(key, title, row_header, columns, rows, *, published, note="") -> Table:
    """``rows`` are ``(label, [Cell], is_total)``; hidden cells lose their value when ``published``."""
    built, hidden_cells = [], []
    for label, cells, is_total in rows:
        out = []
        for column, cell in zip(columns, cells, strict=True):
            if cell.hidden:
                hidden_cells.append({"row": label, "column": column})
            out.append(Cell(None, cell.kind, True) if cell.hidden and published else cell)
        built.append(Row(label, out, is_total))
    return Table(key, title, row_header, columns, built, published, note, hidden_cells)


def _counted_table(key, title, row_header, rows: list[dict], total: dict, *, threshold, published) -> Table:
    """Employers and NQSWs by a grouping, with the total row (each column sums to its total)."""
    columns = ["Number of employers", "Number of NQSWs registered"]
    members = tuple(range(len(rows)))
    hidden = {}
    for column in ("employers", "nqsws"):
        counts = [row[column] for row in rows] + [total[column]]
        hidden[column] = _column_hidden(counts, [Sum(len(rows), members)], threshold)
    lines = [
        (row["label"], [Cell(row[c], COUNT, i in hidden[c]) for c in ("employers", "nqsws")], False)
        for i, row in enumerate(rows)
    ]
    lines.append(
        ("Total", [Cell(total[c], COUNT, len(rows) in hidden[c]) for c in ("employers", "nqsws")], True)
    )
    return _table(key, title, row_header, columns, lines, published=published)


def _region_tables(registrations: dict, *, threshold, published) -> list[Table]:
    """By region, and the North, Midlands and South groups, whose shares are published too: the groups
    are sums of their regions and the total the sum of the groups, so all are suppressed together."""
    regions, groups = registrations["by_region"], registrations["region_groups"]
    label_index = {row["label"]: i for i, row in enumerate(regions)}
    total_at = len(regions)
    group_at = [total_at + 1 + g for g in range(len(groups))]
    sums = [Sum(total_at, tuple(range(len(regions)))), Sum(total_at, tuple(group_at))]
    sums += [
        Sum(group_at[g], tuple(label_index[name] for name in group["regions"]))
        for g, group in enumerate(groups)
    ]
    hidden = {}
    for column in ("employers", "nqsws"):
        counts = [row[column] for row in regions] + [registrations[_TOTAL_KEY[column]]]
        counts += [group[column] for group in groups]
        hidden[column] = _column_hidden(counts, sums, threshold)
    lines = [
        (row["label"], [Cell(row[c], COUNT, i in hidden[c]) for c in ("employers", "nqsws")], False)
        for i, row in enumerate(regions)
    ]
    lines.append(
        (
            "Total",
            [
                Cell(registrations[_TOTAL_KEY[c]], COUNT, total_at in hidden[c])
                for c in ("employers", "nqsws")
            ],
            True,
        )
    )
    year = registrations["year"]
    by_region = _table(
        "by_region",
        f"{year} registrations, by region",
        "Region",
        ["Number of employers", "Number of NQSWs registered"],
        lines,
        published=published,
    )
    group_lines = []
    for g, group in enumerate(groups):
        cells = []
        for column in ("employers", "nqsws"):
            gone = group_at[g] in hidden[column] or total_at in hidden[column]
            cells += [Cell(group[column], COUNT, gone), Cell(group[f"{column}_share"], PERCENT, gone)]
        group_lines.append((f"{group['label']} ({', '.join(group['regions'])})", cells, False))
    shares = _table(
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


_TOTAL_KEY = {"employers": "employers", "nqsws": "total"}


def _service_area_table(registrations: dict, *, threshold, published) -> Table:
    areas, total = registrations["by_service_area"], registrations["all_service_areas"]
    # NQSWs add up across areas; employers do not (one employer may register in both), so that column
    # has no sum to protect, only small counts.
    nqsws_hidden = _column_hidden(
        [row["nqsws"] for row in areas] + [total["nqsws"]],
        [Sum(len(areas), tuple(range(len(areas))))],
        threshold,
    )
    employers_hidden = _column_hidden(
        [row["employers"] for row in areas] + [total["employers"]], [], threshold
    )
    lines = [
        (
            row["label"],
            [
                Cell(row["employers"], COUNT, i in employers_hidden),
                Cell(row["nqsws"], COUNT, i in nqsws_hidden),
            ],
            False,
        )
        for i, row in enumerate(areas)
    ]
    at = len(areas)
    lines.append(
        (
            "Both service areas",
            [
                Cell(total["employers"], COUNT, at in employers_hidden),
                Cell(total["nqsws"], COUNT, at in nqsws_hidden),
            ],
            True,
        )
    )
    return _table(
        "by_service_area",
        f"{registrations['year']} registrations, by service area",
        "Service area",
        ["Number of employers", "Number of NQSWs registered"],
        lines,
        published=published,
        note="An employer that registered NQSWs in both service areas is counted once in the last row.",
    )


def _trend_table(registrations: dict, *, threshold, published) -> Table:
    trend = registrations["trend"]
    nqsws_hidden = _column_hidden([row["nqsws"] for row in trend], [], threshold)
    employers_hidden = _column_hidden([row["employers"] for row in trend], [], threshold)
    lines = []
    for i, row in enumerate(trend):
        change_hidden = row["change"] is not None and (i in nqsws_hidden or i - 1 in nqsws_hidden)
        lines.append(
            (
                row["year"],
                [
                    Cell(row["nqsws"], COUNT, i in nqsws_hidden),
                    Cell(row["change"], CHANGE, change_hidden),
                    Cell(row["change_percent"], PERCENT, change_hidden),
                    Cell(row["employers"], COUNT, i in employers_hidden),
                ],
                False,
            )
        )
    return _table(
        "trend",
        f"NQSW registrations by year, to {registrations['year']}",
        "Funding year",
        ["NQSWs registered", "Change on previous year", "Change (%)", "Employers registering"],
        lines,
        published=published,
    )


def _moderation_table(year: str, findings: dict, *, threshold, published) -> Table:
    rows = findings["by_answer"]
    counts = [row["cases"] for row in rows] + [findings["findings_sent"]]
    hidden = _column_hidden(counts, [Sum(len(rows), tuple(range(len(rows))))], threshold)
    lines = [(row["label"], [Cell(row["cases"], COUNT, i in hidden)], False) for i, row in enumerate(rows)]
    lines.append(("Findings sent", [Cell(findings["findings_sent"], COUNT, len(rows) in hidden)], True))
    return _table(
        "moderation",
        f"{year} national moderation findings",
        "Moderator's finding",
        ["Cases"],
        lines,
        published=published,
        note=f"Cases still with a moderator or waiting for one: {findings['open']}." if not published else "",
    )


def _funding_table(funding: list[dict], *, published) -> Table:
    lines = [
        (
            row["year"],
            [Cell(row[c], MONEY) for c in ("claimed", "paid", "outstanding", "recovered")],
            False,
        )
        for row in funding
    ]
    return _table(
        "funding",
        "Funding claimed and paid, by funding year",
        "Funding year",
        ["Claimed", "Paid", "Outstanding", "Recovered"],
        lines,
        published=published,
    )


def report_tables(figures: dict, *, threshold: int, published: bool) -> list[Table]:
    """Every table of the annual report, in the report's order (with the quality tables if ``figures``
    has them)."""
    registrations = figures["registrations"]
    year = registrations["year"]
    return [
        _trend_table(registrations, threshold=threshold, published=published),
        _counted_table(
            "by_employer_type",
            f"{year} registrations, by employer type",
            "Employer type",
            registrations["by_employer_type"],
            {"employers": registrations["employers"], "nqsws": registrations["total"]},
            threshold=threshold,
            published=published,
        ),
        *_region_tables(registrations, threshold=threshold, published=published),
        _service_area_table(registrations, threshold=threshold, published=published),
        *(
            [
                _moderation_table(year, quality["moderation"], threshold=threshold, published=published),
                _funding_table(quality["funding"], published=published),
            ]
            if (quality := figures.get("quality"))
            else []
        ),
    ]


def table_by_key(tables: list[Table], key: str) -> Table | None:
    return next((table for table in tables if table.key == key), None)
