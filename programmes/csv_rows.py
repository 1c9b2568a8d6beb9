"""Reading CSV files of registrations: the co-ordinator's upload and the national legacy import.

Both channels decode and split files here, so both refuse the same things in the same words: files
that are not UTF-8 text, missing or unknown columns, rows with the wrong number of cells. The upload's
rows are then checked with ``registration_validate``, the rule the question pages and the API use.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.tenancy.models import ServiceArea
from programmes.eligibility import RegistrationFacts, funding_decision, parse_hours
from programmes.models import FundingStatus, Registration
from programmes.services import registration_create, registration_validate

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_ROWS = 1000
UPLOAD_COLUMNS = (
    "first_name",
    "last_name",
    "email",
    "swe_number",
    "qualification_date",
    "start_date",
    "contracted_hours",
    "service_area",
)
COLUMN_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "Email",
    "swe_number": "Social Work England number",
    "qualification_date": "Qualification date",
    "start_date": "Start date",
    "contracted_hours": "Contracted hours",
    "service_area": "Service area",
}
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Signatures of files people save by mistake instead of CSV: zip (xlsx, ods, docx), old Excel, PDF.
BINARY_SIGNATURES = {
    b"PK\x03\x04": "a spreadsheet or other zip-based file",
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook",
    b"%PDF": "a PDF",
}


class CsvFileError(Exception):
    """The file as a whole cannot be read: say why, in words a person can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class CsvRow:
    """One data row: its line in the file (the header is line 1) and its cells by column."""

    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _empty(what: str) -> CsvFileError:
    return CsvFileError(f"{what} is empty")


def _binary(what: str, kind: str) -> CsvFileError:
    return CsvFileError(
        f"{what} is {kind}, not a CSV file. Save it as 'CSV UTF-8 (comma delimited)' and try again"
    )


def _not_utf8_at_all(what: str) -> CsvFileError:
    return CsvFileError(
        f"{what} must be a CSV file saved as UTF-8. It looks like UTF-16 or another binary format: "
        "save it as 'CSV UTF-8 (comma delimited)' and try again"
    )


def _not_utf8_from(what: str, line: int) -> CsvFileError:
    return CsvFileError(
        f"{what} must be saved as UTF-8 (line {line} is not). Save it as 'CSV UTF-8 (comma delimited)' "
        "and try again"
    )


def decode_csv(data: bytes, *, what: str = "The selected file") -> str:
    """The text of a CSV file saved as UTF-8, with or without a byte order mark; CsvFileError otherwise."""
    if not data.strip():
        raise _empty(what)
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise _binary(what, kind)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise _not_utf8_at_all(what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8_from(what, data[: exc.start].count(b"\n") + 1) from exc


def check_csv_file(stream: BinaryIO, *, what: str = "The selected file") -> str:
    """``decode_csv``'s checks, in the same words, on an open binary file read line by line without
    holding it, which is left at its start; returns the file's SHA-256. CsvFileError if it is not CSV
    text in UTF-8. (Read the rows next with ``iter_rows(csv_text_lines(stream))``.)"""
    stream.seek(0)
    start = stream.read(4)
    stream.seek(0)
    digest = hashlib.sha256()
    blank, nul, not_utf8 = True, False, 0
    for number, raw in enumerate(stream, start=1):
        digest.update(raw)
        blank = blank and not raw.strip()
        nul = nul or b"\x00" in raw
        if not not_utf8:
            try:
                (raw[3:] if number == 1 and raw.startswith(codecs.BOM_UTF8) else raw).decode("utf-8")
            except UnicodeDecodeError:
                not_utf8 = number
    stream.seek(0)
    if blank:
        raise _empty(what)
    for signature, kind in BINARY_SIGNATURES.items():
        if start.startswith(signature):
            raise _binary(what, kind)
    if start.startswith((b"\xff\xfe", b"\xfe\xff")) or nul:
        raise _not_utf8_at_all(what)
    if not_utf8:
        raise _not_utf8_from(what, not_utf8)
    return digest.hexdigest()


@contextmanager
def csv_text_lines(stream: BinaryIO) -> Iterator[io.TextIOWrapper]:
    """The text lines of an open binary CSV file that ``check_csv_file`` accepted, read as they are
    needed, split as ``read_rows`` splits a text (any line ending); the file is left open."""
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        yield text
    finally:
        text.detach()


def read_rows(
    text: str,
    *,
    columns: Iterable[str],
    optional_columns: Iterable[str] = (),
    what: str = "The selected file",
    max_rows: int | None = None,
) -> list[CsvRow]:
    """Split a CSV text into rows keyed by column name, with the line each row starts on.

    The first row must name every one of ``columns`` (in any order, any case); ``optional_columns`` may
    be present. Blank rows are skipped. A row with too many or too few cells keeps an error."""
    rows: list[CsvRow] = []
    for row in iter_rows(
        io.StringIO(text, newline=""), columns=columns, optional_columns=optional_columns, what=what
    ):
        rows.append(row)
        if max_rows is not None and len(rows) > max_rows:
            raise CsvFileError(f"{what} has more than {max_rows:,} rows. Split it into smaller files")
    return rows


def iter_rows(
    lines: Iterable[str],
    *,
    columns: Iterable[str],
    optional_columns: Iterable[str] = (),
    what: str = "The selected file",
) -> Iterator[CsvRow]:
    """``read_rows`` one row at a time, from any iterable of text lines with their line endings (a file
    opened with ``newline=""``): memory stays flat whatever the file's length. The same checks, raised as
    CsvFileError when the rows are read (the header's when the first row is asked for)."""
    columns = tuple(columns)
    optional_columns = tuple(optional_columns)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise CsvFileError(f"{what} cannot be read as CSV: {exc}") from exc
    if not header or not any(cell.strip() for cell in header):
        raise CsvFileError(f"{what} is empty")
    names = [cell.strip().lower() for cell in header]
    missing = [name for name in columns if name not in names]
    if missing:
        raise CsvFileError(
            f"{what} is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            f"The first row must be: {','.join(columns)}"
        )
    unknown = [name for name in names if name not in columns and name not in optional_columns]
    if unknown:
        raise CsvFileError(
            f"{what} has column{'s' if len(unknown) > 1 else ''} this service does not use: "
            f"{', '.join(name or '(blank)' for name in unknown)}. The first row must be: {','.join(columns)}"
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise CsvFileError(
            f"{what} has the column{'s' if len(repeated) > 1 else ''} {', '.join(repeated)} twice"
        )
    line = reader.line_num
    found = False
    while True:
        start = line + 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise CsvFileError(f"{what} cannot be read as CSV: line {reader.line_num}: {exc}") from exc
        if cells is None:
            break
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names)}
        row = CsvRow(line=start, values=values)
        if len(cells) != len(names):
            row.errors.append(f"This row has {len(cells)} cells but the first row names {len(names)} columns")
        found = True
        yield row
    if not found:
        raise CsvFileError(f"{what} has no rows after the column names")


def parse_date(raw: str, *, day_first: bool = True) -> datetime.date | None:
    """``YYYY-MM-DD``, or ``DD/MM/YYYY`` when ``day_first``; None for an empty cell; ValueError otherwise."""
    raw = raw.strip()
    if not raw:
        return None
    iso = ISO_DATE.fullmatch(raw)
    if iso:
        # The usual spelling, read without strptime's cost (a large import reads hundreds of thousands).
        try:
            return datetime.date(*(int(part) for part in iso.groups()))
        except ValueError:
            raise ValueError(raw) from None
    formats = ["%Y-%m-%d", "%d/%m/%Y"] if day_first else ["%Y-%m-%d"]
    for fmt in formats:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


# --- The co-ordinator's upload -------------------------------------------------------------------------


@dataclass
class UploadRow:
    line: int
    values: dict[str, str]
    facts: RegistrationFacts | None = None
    funding_status: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def full_name(self) -> str:
        return f"{self.values.get('first_name', '')} {self.values.get('last_name', '')}".strip()

    @property
    def funding_label(self) -> str:
        return FundingStatus(self.funding_status).label if self.funding_status else ""

    @property
    def service_area_label(self) -> str:
        area = self.facts.service_area if self.facts else ""
        return ServiceArea(area).label if area in ServiceArea.values else area


@dataclass
class UploadCheck:
    """Every row of an upload, checked; the upload may be saved only when ``bad_rows`` is empty."""

    rows: list[UploadRow]
    fingerprint: str

    @property
    def bad_rows(self) -> list[UploadRow]:
        return [row for row in self.rows if row.errors]


def _row_facts(values: dict[str, str]) -> tuple[RegistrationFacts, dict[str, list[str]]]:
    """The row's cells as facts, with the errors about cells that could not be read at all."""
    problems: dict[str, list[str]] = {}
    dates = {}
    for name, what in (("qualification_date", "qualification date"), ("start_date", "start date")):
        try:
            dates[name] = parse_date(values[name])
        except ValueError:
            dates[name] = None
            problems[name] = [f"Enter the {what} as YYYY-MM-DD or DD/MM/YYYY, like 2026-09-07 or 07/09/2026"]
    email = values["email"].strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems["email"] = ["Enter an email address in the correct format, like name@example.org"]
    facts = RegistrationFacts(
        first_name=values["first_name"],
        last_name=values["last_name"],
        email=email,
        swe_number=values["swe_number"],
        qualification_date=dates["qualification_date"],
        start_date=dates["start_date"],
        contracted_hours=parse_hours(values["contracted_hours"]) if values["contracted_hours"] else None,
        service_area=values["service_area"].strip().lower(),
    )
    if facts.contracted_hours is not None and not facts.contracted_hours.is_finite():
        facts.contracted_hours = None
    return facts, problems


def upload_check(
    *,
    actor: Actor,
    text: str,
    today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> UploadCheck:
    """Check every row of an upload with the registration rules, and against the file's other rows.

    Raises CsvFileError when the file as a whole cannot be read. Saves nothing. A background job
    (``programmes.jobs``, a large file) passes ``progress(done, total)``: rows checked."""
    raw_rows = read_rows(text, columns=UPLOAD_COLUMNS, max_rows=MAX_UPLOAD_ROWS)
    rows: list[UploadRow] = []
    lines_by_swe: dict[str, list[int]] = {}
    for done, raw in enumerate(raw_rows):
        if progress is not None:
            progress(done, len(raw_rows))
        row = UploadRow(line=raw.line, values=raw.values, errors=list(raw.errors))
        rows.append(row)
        if row.errors:
            continue
        facts, problems = _row_facts(raw.values)
        errors, version = registration_validate(actor=actor, facts=facts, today=today)
        for name in problems:
            errors[name] = problems[name]  # "could not read" says more than "enter a value"
        for name in UPLOAD_COLUMNS:
            row.errors.extend(errors.get(name, []))
        for name, messages in errors.items():
            if name not in UPLOAD_COLUMNS:
                row.errors.extend(messages)
        row.facts = facts
        if facts.swe_number:
            lines_by_swe.setdefault(facts.swe_number, []).append(row.line)
        if not row.errors and version is not None:
            row.funding_status, _ = funding_decision(
                qualification_date=facts.qualification_date, start_date=facts.start_date, version=version
            )
    for row in rows:
        swe = row.facts.swe_number if row.facts else ""
        others = [line for line in lines_by_swe.get(swe, []) if line != row.line]
        if others:
            row.errors.append(
                f"The Social Work England number {swe} is also on line{'s' if len(others) > 1 else ''} "
                f"{', '.join(str(line) for line in others)}: register each NQSW once"
            )
    return UploadCheck(rows=rows, fingerprint=fingerprint(text))


def upload_rows_checked(*, text: str, unfunded_lines: Iterable[int]) -> UploadCheck:
    """The rows of a file that a background job has checked (``programmes.jobs``), for the page where the
    co-ordinator confirms: read again without a query, each with the funding the job worked out. The
    confirmation checks every row again before anything is saved."""
    unfunded = set(unfunded_lines)
    rows = []
    for raw in read_rows(text, columns=UPLOAD_COLUMNS, max_rows=MAX_UPLOAD_ROWS):
        facts, _ = _row_facts(raw.values)
        status = FundingStatus.UNFUNDED if raw.line in unfunded else FundingStatus.AWAITING_APPROVAL
        rows.append(UploadRow(line=raw.line, values=raw.values, facts=facts, funding_status=status))
    return UploadCheck(rows=rows, fingerprint=fingerprint(text))


@dataclass(frozen=True)
class UploadResult:
    """What the co-ordinator is told. No count of national reviews: that would tell them how many of the
    file's NQSWs were registered elsewhere (issue #12, finding 8)."""

    registered: int
    unfunded: int


@transaction.atomic
def upload_register(
    *,
    actor: Actor,
    text: str,
    today: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> UploadResult:
    """Register every NQSW in a checked upload, all or none: any row that is no longer valid (someone
    registered the NQSW meanwhile) raises ValidationError with the line and nothing is saved. A background
    job (``programmes.jobs``) passes ``progress(done, total)``: rows checked, then rows registered."""
    actor.require(Role.COORDINATOR)
    check = upload_check(actor=actor, text=text, today=today)
    if check.bad_rows:
        raise ValidationError(
            [f"Line {row.line}: {message}" for row in check.bad_rows for message in row.errors]
        )
    created: list[Registration] = []
    total = len(check.rows)
    for done, row in enumerate(check.rows):
        if progress is not None:
            progress(done, total)
        try:
            created.append(registration_create(actor=actor, facts=row.facts, today=today))
        except ValidationError as exc:
            raise ValidationError([f"Line {row.line}: {message}" for message in exc.messages]) from exc
    result = UploadResult(
        registered=len(created),
        unfunded=sum(1 for r in created if r.funding_status == FundingStatus.UNFUNDED),
    )
    audit_record(
        actor=actor,
        action="registration.csv_uploaded",
        changes={
            "registered": result.registered,
            "file_sha256": check.fingerprint,
        },
    )
    return result


def template_csv() -> str:
    return ",".join(UPLOAD_COLUMNS) + "\r\n"
