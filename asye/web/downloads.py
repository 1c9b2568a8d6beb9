"""Lists as spreadsheets: the one way a page offers its list (with the filters and search applied) as CSV
or XLSX, and the one rule that keeps a cell from running as a formula (#18 item 8).

A cell of text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
leading apostrophe (``safe_text``), so a name like ``=HYPERLINK(...)`` typed into the service is shown, not
run, on the machine that opens the file. Numbers, dates and money stay values. Payment statements
(``funding.exports``) use the same rule.

``list_download`` streams the CSV as it reads the rows (``StreamingHttpResponse``) and writes the XLSX in
openpyxl's write-only mode; the rows come from an iterator (``queryset.iterator()``), never a list in memory.
A streamed body is sent after the view, its transaction and its tenant settings have ended, so the CSV's
rows are read inside ``within()``: the employer's ``tenant_context`` (the query keeps its own narrowing,
such as an assessor's own NQSWs), or for a national list the system national context, entered only after
the view has checked the role inside the audited national scope.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from asye import clock
from asye.tenancy.db import system_national_context, tenant_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
KINDS = tuple(CONTENT_TYPES)
MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'
DATE_FORMAT = "d mmm yyyy"
# Rows read from the database at a time (``queryset.iterator(chunk_size=CHUNK)``).
CHUNK = 500


def safe_text(value: Any) -> str:
    """Text as a spreadsheet shows it, never as a formula."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def safe_cell(value: Any) -> Any:
    """A cell of a table written by hand: numbers as they are (a spreadsheet computes with them), anything
    else as ``safe_text``."""
    return value if isinstance(value, int | float) else safe_text(value)


@dataclass(frozen=True)
class Column:
    """One column of a list's download: its heading and how to read the value from a row."""

    heading: str
    value: Callable[[Any], Any]
    money: bool = False


def _plain(value: Any) -> Any:
    """A cell's value: numbers and dates as they are (a spreadsheet computes with them), text made safe."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float, decimal.Decimal, datetime.date)):
        return value
    return safe_text(value)


def _csv_value(value: Any) -> str:
    value = _plain(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Sequence[Column], rows: Iterable[Any]) -> Iterator[str]:
    """The CSV, a line at a time (with a byte-order mark first, so spreadsheets read it as UTF-8)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([column.heading for column in columns])
    for row in rows:
        yield writer.writerow([_csv_value(column.value(row)) for column in columns])


def xlsx_bytes(columns: Sequence[Column], rows: Iterable[Any], *, title: str) -> bytes:
    """The XLSX of the rows: one sheet, a bold heading row, money and dates formatted."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    heading = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.heading)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for row in rows:
        cells = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=_plain(column.value(row)))
            if column.money:
                cell.number_format = MONEY_FORMAT
            elif isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _streamed(columns: Sequence[Column], rows: Callable[[], Iterable[Any]], within) -> Iterator[str]:
    with within():
        yield from csv_lines(columns, rows())


def list_download(
    *,
    kind: str,
    filename: str,
    columns: Sequence[Column],
    rows: Callable[[], Iterable[Any]],
    title: str,
    within: Callable[[], AbstractContextManager],
):
    """The response for a list's download as ``kind`` (``csv``, streamed, or ``xlsx``), named
    ``filename.<kind>``; ``rows()`` gives the rows (read inside ``within()`` for the streamed CSV). An
    unknown kind is a 404."""
    if kind not in CONTENT_TYPES:
        raise Http404("No such download")
    disposition = f'attachment; filename="{filename}.{kind}"'
    if kind == "csv":
        response = StreamingHttpResponse(_streamed(columns, rows, within), content_type=CONTENT_TYPES["csv"])
    else:
        response = HttpResponse(xlsx_bytes(columns, rows(), title=title), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "no-store"
    return response


def queryset_download(
    request,
    *,
    kind: str,
    name: str,
    columns: Sequence[Column],
    queryset,
    title: str,
    national: bool = False,
):
    """``list_download`` of a list page's queryset, named ``<name>-<today>``, read ``CHUNK`` rows at a
    time inside the person's employer's tenant context; with ``national`` (a ``national_view``, which
    checked the role and audited the read), inside the system national context."""
    if national:
        within = system_national_context
    else:
        employer_id = request.actor.employer_id

        def within():
            return tenant_context(employer_id)

    return list_download(
        kind=kind,
        filename=f"{name}-{clock.today():%Y-%m-%d}",
        columns=columns,
        rows=lambda: queryset.iterator(chunk_size=CHUNK),
        title=title,
        within=within,
    )


# The employer's columns that national lists put first.
EMPLOYER_COLUMNS = (
    Column("Employer", lambda row: row.employer.name),
    Column("Employer type", lambda row: row.employer.get_employer_type_display()),
    Column("Region", lambda row: row.employer.get_region_display()),
)
