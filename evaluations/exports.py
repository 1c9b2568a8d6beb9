"""The national composite as CSV and XLSX for national staff: one row a statement (theme, number,
statement, this year's average, minimum, maximum and colour, last year's average, minimum and maximum,
employers with a score), then the counts of employers. Text a spreadsheet would run as a formula is
written with a leading apostrophe (``funding.exports.safe_text``)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from evaluations import composite as composite_figures
from evaluations.composite import Composite
from evaluations.scoring import RAG_LABELS
from funding.exports import CONTENT_TYPES, safe_text

__all__ = ["CONTENT_TYPES", "composite_csv", "composite_rows", "composite_xlsx"]


def _number(value):
    return float(value) if value is not None else None


def composite_rows(result: Composite) -> list[list]:
    """The header and one row a statement, then a blank row and the counts."""
    head = [
        "Theme",
        "Statement",
        "Text",
        f"{result.label} national average",
        f"{result.label} minimum",
        f"{result.label} maximum",
        f"{result.label} colour",
        f"{result.last_label} national average",
        f"{result.last_label} minimum",
        f"{result.last_label} maximum",
        "Employers with a score",
    ]
    rows: list[list] = [head]
    for theme_number, title, theme_rows in result.themes:
        for row in theme_rows:
            rows.append(
                [
                    safe_text(f"{theme_number}. {title}"),
                    row.number,
                    safe_text(row.text),
                    _number(row.average),
                    _number(row.minimum),
                    _number(row.maximum),
                    RAG_LABELS.get(row.rag or "", ""),
                    _number(row.last_average),
                    _number(row.last_minimum),
                    _number(row.last_maximum),
                    row.employers,
                ]
            )
    rows.append([])
    rows.append(["Employers included", result.counts[composite_figures.INCLUDED]])
    rows.append(["Employers registered without data", result.counts[composite_figures.NO_DATA]])
    rows.append(["Employers below the minimum for inclusion", result.counts[composite_figures.BELOW_MINIMUM]])
    return rows


def composite_csv(result: Composite) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in composite_rows(result):
        writer.writerow(["" if value is None else value for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def composite_xlsx(result: Composite) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Composite {result.label}"
    for index, row in enumerate(composite_rows(result)):
        sheet.append(row)
        if index == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHIJK", (40, 10, 80, 14, 10, 10, 10, 14, 10, 10, 12), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
