"""Charts drawn on the server as SVG, without JavaScript: horizontal bars for a breakdown, columns for a
trend. Each has a ``<title>`` and ``<desc>`` (its text alternative, also shown as the figure's caption)
and is shown beside its table, so nothing is only in the picture.

A chart draws a table's first count column; a cell a publication hides is drawn as no bar, labelled
``[c]``. The SVG is small, made from a few numbers, and cached by a hash of what it draws.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from html import escape

from reporting.tables import Table

BAR = "#1d70b8"  # GOV.UK blue: 5.2:1 on white
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT = 'font-family="Arial, Helvetica, sans-serif" font-size="14"'


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    svg: str


def _points(table: Table, column: int) -> tuple[tuple[str, int | None, str], ...]:
    return tuple(
        (row.label, row.cells[column].value, row.cells[column].display)
        for row in table.rows
        if not row.is_total
    )


def _describe(table: Table, column: int) -> str:
    points = _points(table, column)
    shown = [(label, value) for label, value, _ in points if value is not None]
    parts = [f"{label}: {display}" for label, _, display in points]
    text = f"{table.columns[column]} by {table.row_header.lower()}: " + "; ".join(parts) + "."
    if shown:
        top = max(shown, key=lambda point: point[1])
        text = f"The largest is {top[0]} ({top[1]:,}). " + text
    return text


@functools.lru_cache(maxsize=256)
def _bars_svg(key: str, title: str, description: str, points: tuple) -> str:
    label_width, bar_width, row_height = 260, 300, 28
    height = row_height * len(points) + 20
    largest = max([value or 0 for _, value, _ in points] + [1])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {label_width + bar_width + 80} {height}" '
        f'class="report-chart" aria-labelledby="{key}-title {key}-desc" {FONT}>',
        f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(description)}</desc>',
    ]
    for index, (label, value, display) in enumerate(points):
        y = 10 + index * row_height
        out.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" fill="{TEXT}">'
            f"{escape(label[:38])}</text>"
        )
        width = 0 if value is None else round(bar_width * value / largest)
        if width:
            out.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{width}" '
                f'height="{row_height - 8}" fill="{BAR}"/>'
            )
        at = label_width + width + 6
        out.append(f'<text x="{at}" y="{y + 18}" fill="{TEXT}">{escape(display)}</text>')
    out.append(f'<line x1="{label_width}" y1="6" x2="{label_width}" y2="{height - 6}" stroke="{GRID}"/>')
    out.append("</svg>")
    return "".join(out)


@functools.lru_cache(maxsize=256)
def _columns_svg(key: str, title: str, description: str, points: tuple) -> str:
    column_width, chart_height, base = 64, 220, 250
    width = max(column_width * len(points) + 40, 200)
    largest = max([value or 0 for _, value, _ in points] + [1])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {base + 30}" '
        f'class="report-chart" aria-labelledby="{key}-title {key}-desc" {FONT}>',
        f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(description)}</desc>',
        f'<line x1="20" y1="{base}" x2="{width - 10}" y2="{base}" stroke="{GRID}"/>',
    ]
    for index, (label, value, display) in enumerate(points):
        x = 24 + index * column_width
        height = 0 if value is None else round(chart_height * value / largest)
        if height:
            out.append(
                f'<rect x="{x}" y="{base - height}" width="{column_width - 16}" '
                f'height="{height}" fill="{BAR}"/>'
            )
        middle = x + (column_width - 16) / 2
        out.append(
            f'<text x="{middle}" y="{base - height - 6}" text-anchor="middle" fill="{TEXT}">'
            f"{escape(display)}</text>"
        )
        out.append(
            f'<text x="{middle}" y="{base + 20}" text-anchor="middle" fill="{TEXT}">{escape(label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def bar_chart(table: Table, *, column: int = 1, title: str = "") -> Chart:
    """Horizontal bars of one column of a breakdown (by default the NQSWs)."""
    title = title or table.title
    description = _describe(table, column)
    key = f"chart-{table.key}"
    return Chart(key, title, description, _bars_svg(key, title, description, _points(table, column)))


def column_chart(table: Table, *, column: int = 0, title: str = "") -> Chart:
    """Columns over the years of a trend (by default the NQSWs registered)."""
    title = title or table.title
    description = _describe(table, column)
    key = f"chart-{table.key}"
    return Chart(key, title, description, _columns_svg(key, title, description, _points(table, column)))


def report_charts(tables: list[Table]) -> dict[str, Chart]:
    """The charts of the report's tables, by table key."""
    charts = {}
    for table in tables:
        if table.key == "trend" and table.rows:
            charts[table.key] = column_chart(table)
        elif table.key in ("by_employer_type", "by_region"):
            charts[table.key] = bar_chart(table)
        elif table.key in QUALITY_CHARTS and table.rows:
            column, title = QUALITY_CHARTS[table.key]
            charts[table.key] = bar_chart(table, column=column, title=f"{title}, {table.title}")
    return charts


# The quality tables drawn, by key: the column drawn and what the chart shows.
QUALITY_CHARTS = {
    "evaluation": (1, "National average by theme"),
    "surveys": (2, "Response rate by survey"),
    "forums": (2, "Attendances by kind of session"),
}
