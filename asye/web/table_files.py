"""Small tables written whole in the request as a CSV or XLSX file (a forum's attendance, a poll's results,
a survey round's figures): every cell through ``safe_cell``, so text a spreadsheet would run as a formula
is shown, not run; the CSV with a byte-order mark, so a spreadsheet reads it as UTF-8. A list of any length
is ``asye.web.downloads.list_download`` instead, which streams it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpResponse
from openpyxl import Workbook

from asye.web.downloads import CONTENT_TYPES, safe_cell

Row = Sequence[Any]


def _safe_rows(header: Row | None, table: Iterable[Row]) -> Iterable[list]:
    if header:
        yield [safe_cell(cell) for cell in header]
    for row in table:
        yield [safe_cell(cell) for cell in row]


def table_csv(header: Row | None, table: Iterable[Row]) -> bytes:
    """The table (under its header row, if any) as CSV."""
    out = io.StringIO()
    csv.writer(out).writerows(_safe_rows(header, table))
    return out.getvalue().encode("utf-8-sig")


def table_xlsx(title: str, header: Row | None, table: Iterable[Row]) -> bytes:
    """The table (under its header row, if any) as a workbook of one sheet named ``title`` (cut to the 31
    characters a sheet's name may have)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for row in _safe_rows(header, table):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_download(
    kind: str, *, filename: str, title: str, table: Iterable[Row], header: Row | None = None
) -> HttpResponse:
    """The table as an attachment ``<filename>.<kind>``, ``kind`` "csv" or "xlsx" (any other is a 404);
    ``title`` names the workbook's sheet."""
    if kind not in CONTENT_TYPES:
        raise Http404("Unknown format")
    content = table_csv(header, table) if kind == "csv" else table_xlsx(title, header, table)
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    response["Cache-Control"] = "private, no-store"
    return response
