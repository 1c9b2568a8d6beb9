"""A payment statement for finance, as XLSX (openpyxl) and CSV: one row per line (claims positive,
recoveries negative) and the totals, which equal the sum of the lines to the penny.

Text that a spreadsheet would run as a formula (a name starting with ``=``, ``+``, ``-`` or ``@``) is
written with a leading apostrophe, so an export cannot carry formula injection to finance's machines.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from funding.models import PaymentStatement
from funding.selectors import StatementLine, statement_lines

COLUMNS = (
    "Line",
    "Reference",
    "NQSW",
    "Social Work England number",
    "Programme",
    "Instalment",
    "Funding year",
    "Amount (£)",
    "Note",
)
MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text as a spreadsheet shows it, never as a formula."""
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def filename(statement: PaymentStatement, extension: str) -> str:
    return f"{statement.reference}.{extension}"


def _header(statement: PaymentStatement) -> list[tuple[str, str]]:
    rows = [
        ("Payment statement", statement.reference),
        ("Employer", statement.employer.name),
        ("Month", f"{statement.month:%B %Y}"),
        ("Status", statement.get_status_display()),
    ]
    if statement.authorised_at:
        rows.append(("Authorised", f"{statement.authorised_at:%-d %B %Y}"))
    if statement.paid_on:
        rows.append(("Paid on", f"{statement.paid_on:%-d %B %Y}"))
    if statement.payment_reference:
        rows.append(("Payment reference", statement.payment_reference))
    return rows


def _line_values(line: StatementLine) -> list:
    return [
        line.kind,
        line.reference,
        line.nqsw,
        line.swe_number,
        line.programme,
        line.instalment,
        line.funding_year,
        line.amount,
        line.note,
    ]


def _totals(statement: PaymentStatement) -> list[tuple[str, Decimal]]:
    return [
        ("Claims", statement.total_claims),
        ("Recoveries", -statement.total_recoveries),
        ("Total to pay" if statement.total >= 0 else "Total due from the employer", statement.total),
    ]


def statement_csv(statement: PaymentStatement) -> bytes:
    """UTF-8 with a byte order mark (so Excel reads the pound sign), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out)
    for label, value in _header(statement):
        writer.writerow([label, safe_text(value)])
    writer.writerow([])
    writer.writerow(COLUMNS)
    for line in statement_lines(statement):
        values = _line_values(line)
        writer.writerow([f"{v:.2f}" if isinstance(v, Decimal) else safe_text(v) for v in values])
    writer.writerow([])
    for label, value in _totals(statement):
        writer.writerow([label, "", "", "", "", "", "", f"{value:.2f}", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def statement_xlsx(statement: PaymentStatement) -> bytes:
    """One sheet: the statement's details, its lines and its totals, amounts as numbers in pounds."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Statement"
    bold = Font(bold=True)
    for label, value in _header(statement):
        sheet.append([label, safe_text(value)])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])
    sheet.append(list(COLUMNS))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
    amount_column = COLUMNS.index("Amount (£)") + 1
    for line in statement_lines(statement):
        sheet.append([v if isinstance(v, Decimal) else safe_text(v) for v in _line_values(line)])
        sheet.cell(row=sheet.max_row, column=amount_column).number_format = MONEY_FORMAT
    sheet.append([])
    for label, value in _totals(statement):
        row = [label] + [None] * (amount_column - 2) + [value]
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=1).font = bold
        total_cell = sheet.cell(row=sheet.max_row, column=amount_column)
        total_cell.number_format = MONEY_FORMAT
        total_cell.font = bold
    widths = (12, 12, 28, 16, 40, 14, 12, 14, 50)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
