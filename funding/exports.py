"""A payment statement for finance, as XLSX (openpyxl) and CSV: one row per line (claims positive,
recoveries negative) and the totals, which equal the sum of the lines to the penny.

Both read the lines with ``values_list().iterator()`` (``statement_rows``), never a model instance per
line, and write as they read: the XLSX in openpyxl's write-only mode (rows counted as they are written, not
by asking the sheet, which made every row cost as much as all before it), the CSV as chunks a response can
stream. A statement of more than ``settings.ASYE_EXPORT_JOB_THRESHOLD`` lines is exported by a background
job (``funding/jobs.py``, ``funding/statement_downloads.py``), with the same bytes.

Text that a spreadsheet would run as a formula (a name starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is written with a leading apostrophe (``asye.web.downloads.safe_text``, the rule every
list download shares), so an export cannot carry formula injection to finance's machines.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from asye.web.downloads import safe_text
from funding.models import Claim, Instalment, PaymentStatement, PaymentStatementLine, Recovery

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
AMOUNT = COLUMNS.index("Amount (£)")
WIDTHS = (12, 12, 28, 16, 40, 14, 12, 14, 50)
MONEY_FORMAT = '"£"#,##0.00;-"£"#,##0.00'
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
# Lines fetched from the database at a time, and written between two progress reports / stream chunks.
CHUNK = 1000

KIND_LABELS = dict(PaymentStatementLine.Kind.choices)
INSTALMENT_LABELS = dict(Instalment.choices)

Progress = Callable[[int], None]


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


def _totals(statement: PaymentStatement) -> list[tuple[str, Decimal]]:
    return [
        ("Claims", statement.total_claims),
        ("Recoveries", -statement.total_recoveries),
        ("Total to pay" if statement.total >= 0 else "Total due from the employer", statement.total),
    ]


# --- The lines, as rows of values --------------------------------------------------------------------


def statement_line_count(statement: PaymentStatement) -> int:
    """How many lines the statement has (to decide whether its export is a background job)."""
    if statement.status == PaymentStatement.Status.DRAFT:
        claims = Claim.objects.filter(statement=statement).count()
        return claims + Recovery.objects.filter(statement=statement).count()
    return PaymentStatementLine.objects.filter(employer_id=statement.employer_id, statement=statement).count()


def statement_rows(statement: PaymentStatement) -> Iterator[tuple]:
    """The statement's lines in the order and with the values of ``funding.selectors.statement_lines``
    (its frozen lines once authorised; a draft's claims by name, then its recoveries), one tuple per line in
    ``COLUMNS`` order, read with ``values_list().iterator()``. ``tests/funding/test_funding_exports.py``
    holds the two equal."""
    label = INSTALMENT_LABELS.get
    if statement.status != PaymentStatement.Status.DRAFT:
        frozen = PaymentStatementLine.objects.filter(employer_id=statement.employer_id, statement=statement)
        rows = (
            frozen.order_by("position")
            .values_list(
                "kind",
                "reference",
                "nqsw_name",
                "swe_number",
                "programme",
                "instalment",
                "funding_year",
                "amount",
                "note",
            )
            .iterator(CHUNK)
        )
        for kind, reference, nqsw, swe, programme, instalment, year, amount, note in rows:
            yield (
                KIND_LABELS.get(kind, kind),
                reference,
                nqsw,
                swe,
                programme,
                label(instalment, instalment),
                year,
                amount,
                note,
            )
        return
    claims = Claim.objects.filter(statement=statement).order_by(
        "registration__last_name", "registration__first_name", "pk"
    )
    rows = claims.values_list(
        "pk",
        "registration__first_name",
        "registration__last_name",
        "registration__swe_number",
        "registration__framework_version__framework__name",
        "instalment",
        "funding_year__label",
        "amount",
    ).iterator(CHUNK)
    for pk, first, last, swe, programme, instalment, year, amount in rows:
        # Claim.reference and Registration.full_name, without the instances.
        yield (
            "Claim",
            f"C{pk:06d}",
            f"{first} {last}",
            swe,
            programme,
            label(instalment, instalment),
            year,
            amount,
            "",
        )
    recoveries = Recovery.objects.filter(statement=statement).order_by("pk")
    rows = recoveries.values_list(
        "pk",
        "reason",
        "claim_id",
        "claim__registration__first_name",
        "claim__registration__last_name",
        "claim__registration__swe_number",
        "claim__registration__framework_version__framework__name",
        "claim__instalment",
        "claim__funding_year__label",
        "amount",
    ).iterator(CHUNK)
    for pk, reason, claim_id, first, last, swe, programme, instalment, year, amount in rows:
        yield (
            "Recovery",
            f"R{pk:06d}",
            f"{first} {last}",
            swe,
            programme,
            label(instalment, instalment),
            year,
            -amount,
            f"Recovers C{claim_id:06d}: {reason}",
        )


# --- CSV ---------------------------------------------------------------------------------------------


def statement_csv_chunks(statement: PaymentStatement, *, progress: Progress | None = None) -> Iterator[bytes]:
    """The CSV in pieces, for a streamed response: UTF-8 with a byte order mark (so Excel reads the pound
    sign), CRLF line ends. ``progress(lines_written)`` is called after each chunk of lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> bytes:
        data = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return data.encode("utf-8")

    buffer.write("\ufeff")
    for label, value in _header(statement):
        writer.writerow([label, safe_text(value)])
    writer.writerow([])
    writer.writerow(COLUMNS)
    yield take()
    written = 0
    for values in statement_rows(statement):
        writer.writerow([f"{v:.2f}" if isinstance(v, Decimal) else safe_text(v) for v in values])
        written += 1
        if written % CHUNK == 0:
            yield take()
            if progress is not None:
                progress(written)
    writer.writerow([])
    for label, value in _totals(statement):
        writer.writerow([label, "", "", "", "", "", "", f"{value:.2f}", ""])
    yield take()
    if progress is not None:
        progress(written)


def statement_csv(statement: PaymentStatement, *, progress: Progress | None = None) -> bytes:
    """The whole CSV (``statement_csv_chunks`` joined)."""
    return b"".join(statement_csv_chunks(statement, progress=progress))


# --- XLSX --------------------------------------------------------------------------------------------


def statement_xlsx(statement: PaymentStatement, *, progress: Progress | None = None) -> bytes:
    """One sheet: the statement's details, its lines and its totals, amounts as numbers in pounds. Written
    in write-only mode, so the time grows with the number of lines, not with its square."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Statement")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header = _header(statement)
    header_row = len(header) + 2  # the details, a blank row, then the column headings
    sheet.freeze_panes = f"A{header_row + 1}"
    bold = Font(bold=True)

    def cell(value, *, font: Font | None = None, number_format: str | None = None) -> WriteOnlyCell:
        written = WriteOnlyCell(sheet, value=value)
        if font is not None:
            written.font = font
        if number_format is not None:
            written.number_format = number_format
        return written

    for label, value in header:
        sheet.append([cell(label, font=bold), safe_text(value)])
    sheet.append([])
    sheet.append([cell(heading, font=bold) for heading in COLUMNS])
    written = 0
    for values in statement_rows(statement):
        row = [v if isinstance(v, Decimal) else safe_text(v) for v in values]
        row[AMOUNT] = cell(row[AMOUNT], number_format=MONEY_FORMAT)
        sheet.append(row)
        written += 1
        if progress is not None and written % CHUNK == 0:
            progress(written)
    sheet.append([])
    for label, value in _totals(statement):
        sheet.append(
            [cell(label, font=bold)]
            + [None] * (AMOUNT - 1)
            + [cell(value, font=bold, number_format=MONEY_FORMAT)]
        )
    out = io.BytesIO()
    workbook.save(out)
    if progress is not None:
        progress(written)
    return out.getvalue()
