"""Attendance and poll results for organisers, as CSV and XLSX. Small (a forum has hundreds of places a
year), so written in the request. Text a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) is written with a leading apostrophe: no export carries formula
injection. Poll exports hold counts, percentages, averages and, for organisers, free text with nothing that
links it to a person."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from openpyxl import Workbook

from asye.web.downloads import safe_cell
from forums.national_selectors import PollResults

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
ATTENDANCE_COLUMNS = (
    "Forum",
    "Topic",
    "Date",
    "Start (UK time)",
    "Hours",
    "Name",
    "Email",
    "Employer",
    "Attended",
)


def attendance_table(rows) -> list[list]:
    table = []
    for forum, topic, starts_at, minutes, name, email, employer, attended in rows:
        local = timezone.localtime(starts_at)
        recorded = {True: "Yes", False: "No", None: "Not recorded"}[attended]
        table.append(
            [
                forum,
                topic,
                local.date().isoformat(),
                f"{local:%H:%M}",
                round(minutes / 60, 2),
                name,
                email,
                employer or "",
                recorded,
            ]
        )
    return table


def poll_table(results: PollResults) -> list[list]:
    table = [["Question", "Answer", "Count", "Percentage", "Average"]]
    for result in results.questions:
        text = result.question.text
        for label, count, percent in result.counts:
            table.append([text, label, count, percent, ""])
        if result.average is not None:
            table.append([text, "Average (1 to 5)", result.answered, "", result.average])
        for answer in result.texts:
            table.append([text, answer, "", "", ""])
    table.append(["Responses", "", results.responses, "", ""])
    return table


def as_csv(header, table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow([safe_cell(h) for h in header])
    for row in table:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(title: str, header, table) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    if header:
        sheet.append([safe_cell(h) for h in header])
    for row in table:
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
