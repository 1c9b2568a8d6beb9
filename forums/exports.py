"""The tables of attendance and poll results for organisers, written as CSV and XLSX by
``asye.web.table_files`` (small: a forum has hundreds of places a year, so written in the request; text a
spreadsheet would run as a formula is written with a leading apostrophe). Poll exports hold counts,
percentages, averages and, for organisers, free text with nothing that links it to a person."""

from __future__ import annotations

from django.utils import timezone

from forums.national_selectors import PollResults

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
