"""Payment statement exports that scale: the lines read with ``values_list().iterator()`` say what
``statement_lines`` says; the XLSX (write-only) and CSV (streamed) carry what they carried before, cell by
cell and byte by byte; the queries do not grow with the lines; and a statement over the threshold is
exported by a background job, with the same bytes as the immediate download."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from asye.jobs.models import Job
from asye.tenancy.db import system_national_context
from funding import exports
from funding.recovery_services import recovery_create
from funding.selectors import StatementLine, statement_lines
from funding.statement_services import statement_authorise, statement_build
from tests.funding.conftest import register
from tests.funding.helpers import approve, approved_claim, checker_actor, claim_of, paid_statement
from tests.programmes.conftest import TODAY

pytestmark = pytest.mark.django_db

NEXT_MONTH = (TODAY.replace(day=1) + datetime.timedelta(days=31)).replace(day=1)


# --- The exports as they were written before (openpyxl's normal mode, one StatementLine per line) --------


def _values(line: StatementLine) -> list:
    return [line.kind, line.reference, line.nqsw, line.swe_number, line.programme, line.instalment,
            line.funding_year, line.amount, line.note]  # fmt: skip


def csv_before(statement) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for label, value in exports._header(statement):
        writer.writerow([label, exports.safe_text(value)])
    writer.writerow([])
    writer.writerow(exports.COLUMNS)
    for line in statement_lines(statement):
        writer.writerow(
            [f"{v:.2f}" if isinstance(v, Decimal) else exports.safe_text(v) for v in _values(line)]
        )
    writer.writerow([])
    for label, value in exports._totals(statement):
        writer.writerow([label, "", "", "", "", "", "", f"{value:.2f}", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_before(statement) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Statement"
    bold = Font(bold=True)
    for label, value in exports._header(statement):
        sheet.append([label, exports.safe_text(value)])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])
    sheet.append(list(exports.COLUMNS))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
    for line in statement_lines(statement):
        sheet.append([v if isinstance(v, Decimal) else exports.safe_text(v) for v in _values(line)])
        sheet.cell(row=sheet.max_row, column=8).number_format = exports.MONEY_FORMAT
    sheet.append([])
    for label, value in exports._totals(statement):
        sheet.append([label] + [None] * 6 + [value])
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.cell(row=sheet.max_row, column=8).number_format = exports.MONEY_FORMAT
        sheet.cell(row=sheet.max_row, column=8).font = bold
    for index, width in enumerate(exports.WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_members(body: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def sheet_facts(body: bytes):
    """What a reader of the sheet sees: every cell's value, number format and boldness, the widths, the
    frozen panes and the sheet's name."""
    workbook = load_workbook(io.BytesIO(body))
    sheet = workbook.active
    cells = [
        [(cell.value, cell.number_format, bool(cell.font and cell.font.b)) for cell in row]
        for row in sheet.iter_rows(max_col=len(exports.COLUMNS))
    ]
    # Empty rows may be written differently; what a reader sees is the same.
    cells = [row for row in cells if any(value is not None for value, _, _ in row)]
    widths = [sheet.column_dimensions[get_column_letter(i)].width for i in range(1, len(exports.COLUMNS) + 1)]
    return workbook.sheetnames, cells, widths, sheet.freeze_panes


# --- Statements to export -----------------------------------------------------------------------------


@pytest.fixture
def four(employer_a, national):
    """Four of A's registrations approved for funding, one of them with a formula for a name."""
    names = ("Dan", "Ada", "=SUM(A1)", "Cara")
    return [approve(national, register(employer_a, first_name=name)) for name in names]


@pytest.fixture
def draft(employer_a, national, four):
    """Next month's draft: three claims and a recovery of a claim paid on this month's statement."""
    paid_statement(employer_a, national, four[:1])
    recovery_create(actor=national, claim_id=claim_of(four[0]).pk, amount="250.50", reason="Left in week 2")
    for registration in four[1:]:
        approved_claim(employer_a, national, registration)
    return statement_build(actor=national, employer_id=employer_a.employer.pk, month=NEXT_MONTH)


@pytest.fixture
def authorised(draft):
    return statement_authorise(actor=checker_actor(), statement_id=draft.pk)


@pytest.mark.parametrize("which", ["draft", "authorised"])
def test_the_rows_are_the_lines_the_pages_show(which, request):
    statement = request.getfixturevalue(which)
    with system_national_context():
        rows = list(exports.statement_rows(statement))
        lines = [tuple(_values(line)) for line in statement_lines(statement)]
    assert rows == lines
    assert [row[0] for row in rows] == ["Claim", "Claim", "Claim", "Recovery"]
    assert rows[-1][7] == Decimal("-250.50") and rows[-1][8].startswith("Recovers C")


@pytest.mark.parametrize("which", ["draft", "authorised"])
def test_the_csv_is_byte_for_byte_what_it_was(which, request):
    statement = request.getfixturevalue(which)
    with system_national_context():
        before = csv_before(statement)
        assert exports.statement_csv(statement) == before
        chunks = list(exports.statement_csv_chunks(statement))
    assert len(chunks) >= 2 and b"".join(chunks) == before
    assert before.count(b"\r\nClaim,") == 3


@pytest.mark.parametrize("which", ["draft", "authorised"])
def test_the_xlsx_reads_cell_for_cell_as_it_did(which, request):
    statement = request.getfixturevalue(which)
    with system_national_context():
        now, before = exports.statement_xlsx(statement), xlsx_before(statement)
    assert sheet_facts(now) == sheet_facts(before)
    names, cells, _, frozen = sheet_facts(now)
    assert names == ["Statement"] and frozen == f"A{len(exports._header(statement)) + 3}"
    assert ("'=SUM(A1) Okafor", "General", False) in [row[2] for row in cells]


def test_progress_is_reported_as_lines_are_written(authorised, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK", 2)
    for make in (exports.statement_xlsx, exports.statement_csv):
        seen = []
        with system_national_context():
            make(authorised, progress=seen.append)
        assert seen == [2, 4, 4], make


def test_the_queries_do_not_grow_with_the_lines(employer_a, national, four, django_assert_max_num_queries):
    small = paid_statement(employer_a, national, four[:1])
    large = paid_statement(employer_a, national, four[1:], month=NEXT_MONTH)
    for make in (exports.statement_xlsx, exports.statement_csv):
        with system_national_context(), django_assert_max_num_queries(3) as one_line:
            make(small)
        with system_national_context(), django_assert_max_num_queries(len(one_line.captured_queries)):
            make(large)


# --- Downloads: streamed, or a background job over the threshold ----------------------------------------


@pytest.fixture
def coordinator(login, employer_a):
    return login(employer_a.coordinator)


def test_the_csv_download_is_streamed_and_reads_in_the_employers_context(coordinator, authorised):
    response = coordinator.get(reverse("funding:statement_csv", args=[authorised.pk]))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == f'attachment; filename="{authorised.reference}.csv"'
    body = b"".join(response.streaming_content)
    with system_national_context():
        assert body == csv_before(authorised)


def test_national_staffs_csv_is_streamed_after_the_national_scope_has_closed(
    login, national_staff, authorised
):
    staff = login(national_staff)
    response = staff.get(reverse("national_funding:statement_csv", args=[authorised.pk]))
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.count("\r\nClaim,") == 3 and "\r\nRecovery," in body


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_statement_over_the_threshold_is_a_job_with_the_same_bytes(
    kind, coordinator, authorised, settings, time_machine, django_capture_on_commit_callbacks, unscoped
):
    # One moment for both files: the XLSX records when it was written (its properties, its zip entries).
    time_machine.move_to(datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=datetime.UTC), tick=False)
    url = reverse(f"funding:statement_{kind}", args=[authorised.pk])
    settings.ASYE_EXPORT_JOB_THRESHOLD = 4
    immediate = coordinator.get(url)
    body = immediate.content if kind == "xlsx" else b"".join(immediate.streaming_content)

    settings.ASYE_EXPORT_JOB_THRESHOLD = 3
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.get(url)
    assert response.status_code == 302
    with unscoped():
        job = Job.objects.get()
    assert response.url == reverse("jobs:progress", kwargs={"pk": job.public_id})
    assert job.employer_id == authorised.employer_id and job.status == Job.Status.DONE
    assert (job.progress_done, job.progress_total) == (4, 4)
    assert job.back_url == reverse("funding:statement", args=[authorised.pk])
    html = coordinator.get(response.url).content.decode()
    assert f"Download {authorised.reference}.{kind}" in html
    download = coordinator.get(reverse("jobs:download", kwargs={"pk": job.public_id}))
    assert download["Content-Disposition"] == f'attachment; filename="{authorised.reference}.{kind}"'
    assert download["Content-Type"] == exports.CONTENT_TYPES[kind]
    made = b"".join(download.streaming_content)
    if kind == "csv":
        assert made == body
    else:
        # Member for member, byte for byte. (openpyxl's write-only sheet goes through a temporary file,
        # whose modification time, which no frozen clock moves, dates that one zip entry's header.)
        assert zip_members(made) == zip_members(body)


def test_national_staffs_large_export_is_a_national_job_only_they_see(
    login,
    client,
    national_staff,
    employer_a,
    authorised,
    settings,
    django_capture_on_commit_callbacks,
    unscoped,
):
    settings.ASYE_EXPORT_JOB_THRESHOLD = 1
    staff = login(national_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.get(reverse("national_funding:statement_xlsx", args=[authorised.pk]))
    with unscoped():
        job = Job.objects.get()
    assert job.employer_id is None and job.status == Job.Status.DONE
    sheet = load_workbook(io.BytesIO(job.result.open("rb").read())).active
    assert [row[0].value for row in sheet.iter_rows()].count("Claim") == 3
    login(employer_a.coordinator)
    assert client.get(response.url).status_code == 404
