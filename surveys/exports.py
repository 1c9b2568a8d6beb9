"""A survey round's results for national staff, as CSV and XLSX: the figures by group (links sent,
responses, response rate) and each question's distribution; anything answered by fewer than 30 people
says so instead of giving figures. Only aggregates are exported, never a response. Text a spreadsheet
would run as a formula is written with a leading apostrophe (as the funding exports do)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from asye.accounts.actor import Actor
from asye.web.downloads import safe_cell
from surveys.models import QuestionKind, SurveyGroup, SurveyRound
from surveys.selectors import SUPPRESSED, group_results, round_figures

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def result_rows(*, actor: Actor, survey_round: SurveyRound) -> list[list]:
    """The rows both formats write."""
    rows: list[list] = [
        [f"ASYE surveys {survey_round.year}"],
        ["Group", "Links sent", "Responses", "Response rate (%)"],
    ]
    for figures in round_figures(actor=actor, survey_round=survey_round):
        if figures.reportable:
            rows.append([figures.label, figures.sent, figures.responses, figures.rate])
        else:
            rows.append([figures.label, figures.sent, SUPPRESSED, ""])
    rows.append([])
    rows.append(["Group", "Section", "Question", "Answer", "Count", "Percent", "Answered by", "Positive (%)"])
    for group, label in SurveyGroup.choices:
        _, results = group_results(actor=actor, survey_round=survey_round, group=group)
        for result in results:
            question = result.question
            base = [label, question.section, question.text]
            if question.kind == QuestionKind.TEXT:
                answered = result.answered if result.reportable else SUPPRESSED
                rows.append([*base, "(free text)", "", "", answered, ""])
            elif not result.reportable:
                rows.append([*base, SUPPRESSED, "", "", "", ""])
            else:
                for choice, count, percent in result.counts:
                    positive = "" if result.positive is None else result.positive
                    rows.append([*base, choice, count, percent, result.answered, positive])
                if result.not_applicable:
                    rows.append([*base, question.not_applicable, result.not_applicable, "", "", ""])
    return [[safe_cell(cell) for cell in row] for row in rows]


def results_csv(*, actor: Actor, survey_round: SurveyRound) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(result_rows(actor=actor, survey_round=survey_round))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def results_xlsx(*, actor: Actor, survey_round: SurveyRound) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"Surveys {survey_round.year}")
    for row in result_rows(actor=actor, survey_round=survey_round):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def filename(survey_round: SurveyRound, extension: str) -> str:
    return f"asye-surveys-{survey_round.year}.{extension}"
