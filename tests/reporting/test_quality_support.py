"""The quality section's support-programme figures: the 360 evaluation's national composite, the annual
surveys' response rates and forum attendance, in every output, suppressed with the rest of the report."""

from __future__ import annotations

import datetime
import io
import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command

from asye import clock
from asye.accounts.models import Role
from asye.tenancy.db import system_national_context
from forums.models import ForumKind, SessionSignup, SignupStatus
from reporting.annual import annual_figures
from reporting.disclosure import SUPPRESSED
from reporting.documents import annual_report_html, annual_report_xlsx
from reporting.quality_support import evaluation_figures, forum_figures, survey_figures
from reporting.tables import report_tables, table_by_key
from surveys.models import SurveyInvitation
from tests.factories import person
from tests.forums.helpers import forum, session
from tests.reporting.helpers import load_picture
from tests.surveys.helpers import add_responses, open_round

pytestmark = pytest.mark.django_db
YEAR = "2024-25"


def _at(day: datetime.date) -> float:
    """Days from now to noon on ``day`` (the forum helper dates sessions from now)."""
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    return (noon - clock.now()).total_seconds() / 86400


def _forums(employer):
    nqsw_forum = forum(ForumKind.NQSW_FORUM)
    drop_in = forum(ForumKind.DROP_IN)
    held = session(nqsw_forum, days=_at(datetime.date(2024, 6, 12)))
    later = session(nqsw_forum, days=_at(datetime.date(2025, 2, 3)))
    small = session(drop_in, days=_at(datetime.date(2024, 10, 1)))
    cancelled = session(nqsw_forum, days=_at(datetime.date(2024, 7, 1)), cancelled_at=clock.now())
    outside = session(nqsw_forum, days=_at(datetime.date(2025, 4, 2)))  # the next funding year
    people = [person(role=Role.NQSW, employer=employer) for _ in range(12)]
    signups = []
    for place, who in enumerate(people):
        signups.append((held, who, place < 9))  # 12 booked, 9 attended
        if place < 8:
            signups.append((later, who, place < 6))  # 8 booked, 6 attended
        if place < 2:
            signups.append((small, who, True))  # 2 booked, 2 attended: small counts
        signups.append((cancelled, who, None))
        signups.append((outside, who, True))
    with system_national_context():
        SessionSignup.objects.bulk_create(
            SessionSignup(
                session=at,
                person=who,
                employer=employer,
                status=SignupStatus.BOOKED,
                signed_up_at=clock.now(),
                attended=attended,
            )
            for at, who, attended in signups
        )
        waiting = person(role=Role.NQSW, employer=employer)
        SessionSignup.objects.create(
            session=held,
            person=waiting,
            employer=employer,
            status=SignupStatus.WAITING,
            signed_up_at=clock.now(),
        )


def _surveys(employer):
    survey_round = open_round(year=2025)  # February 2025: the surveys of 2024-25
    with system_national_context():
        invited = [
            SurveyInvitation(
                employer=employer,
                round=survey_round,
                group=group,
                person=person(role=Role.NQSW, employer=employer),
                invited_at=clock.now(),
            )
            for group, count in (("nqsws", 40), ("assessors", 35), ("leads", 3))
            for _ in range(count)
        ]
        SurveyInvitation.objects.bulk_create(invited)
    add_responses(survey_round, "nqsws", [{} for _ in range(34)])
    add_responses(survey_round, "assessors", [{} for _ in range(31)])
    add_responses(survey_round, "leads", [{} for _ in range(2)])


def test_forum_attendance_by_kind_in_the_funding_year(employer_a, unscoped):
    _forums(employer_a.employer)
    with unscoped():
        figures = forum_figures(year=YEAR)
    kinds = {row["kind"]: row for row in figures["by_kind"]}
    assert kinds["nqsw_forum"] | {"label": ""} == {
        "kind": "nqsw_forum",
        "label": "",
        "sessions": 2,
        "booked": 20,
        "attended": 15,
    }
    assert (kinds["drop_in"]["booked"], kinds["drop_in"]["attended"]) == (2, 2)
    assert (figures["sessions"], figures["booked"], figures["attended"]) == (3, 22, 17)
    assert kinds["gems"]["booked"] == 0


def test_survey_response_rates_with_the_surveys_own_minimum(employer_a, unscoped):
    _surveys(employer_a.employer)
    with unscoped():
        figures = survey_figures(year=YEAR)
        assert survey_figures(year="2019-20")["round"] is None
    groups = {row["group"]: row for row in figures["groups"]}
    assert figures["round"] == 2025
    assert (groups["nqsws"]["sent"], groups["nqsws"]["responses"], groups["nqsws"]["rate"]) == (40, 34, 85)
    # Two answers are too few for a rate (the surveys' minimum is 30).
    assert (groups["leads"]["sent"], groups["leads"]["responses"], groups["leads"]["rate"]) == (3, 2, None)


def test_the_360_composite_of_a_year_the_platform_did_not_hold_is_the_published_one(unscoped):
    with unscoped():
        published = evaluation_figures(year="2023-24")
        nothing = evaluation_figures(year="2031-32")
    assert published["source"] == "published" and published["publishable"]
    assert len(published["themes"]) == 4 and sum(theme["statements"] for theme in published["themes"]) == 33
    for theme in published["themes"]:
        assert 1 <= theme["lowest"] <= theme["average"] <= theme["highest"] <= 5
    assert nothing["source"] == "" and nothing["themes"] == [] and not nothing["publishable"]


def test_the_quality_tables_are_suppressed_with_the_rest_and_reach_every_output(employer_a, unscoped):
    load_picture()
    _forums(employer_a.employer)
    _surveys(employer_a.employer)
    with unscoped():
        figures = annual_figures(year=YEAR, with_equity=False)
    published = report_tables(figures, threshold=5, published=True)
    forums = {row.label: [c.display for c in row.cells] for row in table_by_key(published, "forums").rows}
    # The drop-in's 2 places and 2 attendances are small; under the shown totals a second cell goes
    # with each (nothing else is booked, so the zeros of the other kinds are all that is left, and then
    # the total).
    assert forums["Co-ordinator drop-in"][1:3] == [SUPPRESSED, SUPPRESSED]
    assert forums["Co-ordinator drop-in"][0] == "1"  # sessions are not people: never suppressed
    surveys = {row.label: [c.display for c in row.cells] for row in table_by_key(published, "surveys").rows}
    # The leads' 3 and 2 are small; the assessors' (the next smallest) go with them under the totals.
    assert surveys["ASYE leads"][:2] == [SUPPRESSED, SUPPRESSED]
    assert surveys["ASYE assessors"] == [SUPPRESSED, SUPPRESSED, SUPPRESSED]
    assert surveys["NQSWs"] == ["40", "34", "85%"] and surveys["All surveys"] == ["78", "67", "86%"]
    exact = report_tables(figures, threshold=5, published=False)
    assert table_by_key(exact, "surveys").rows[0].cells[0].value == 3

    html = annual_report_html(figures, threshold=5)
    for title in ("360-degree evaluation", "annual surveys: response rates", "attendance"):
        assert title in html
    assert 'id="chart-forums-title"' in html and 'id="chart-surveys-desc"' in html
    workbook = openpyxl.load_workbook(io.BytesIO(annual_report_xlsx(figures, threshold=5)), read_only=True)
    assert {"360 evaluation", "Survey response rates", "Forum attendance"} <= set(workbook.sheetnames)
    sheet = workbook["Survey response rates"]
    leads = [row[:3] for row in sheet.iter_rows(values_only=True) if row and row[0] == "ASYE leads"]
    assert leads == [("ASYE leads", SUPPRESSED, SUPPRESSED)]

    out = StringIO()
    call_command("national_report", "--year", YEAR, "--format", "json", stdout=out)
    quality = json.loads(out.getvalue())["quality"]
    assert quality["forums"]["attended"] == 17 and quality["surveys"]["round"] == 2025
    assert quality["evaluation"]["year"] == YEAR
    hidden = json.loads(out.getvalue())["disclosure"]["would_suppress"]
    assert {"table": "surveys", "row": "ASYE leads", "column": "Responses"} in hidden


def test_national_staff_see_the_quality_figures_with_charts(
    client, login, national_staff, employer_a, unscoped
):
    load_picture()
    _forums(employer_a.employer)
    login(national_staff)
    page = client.get(f"/national/reports/quality/?year={YEAR}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "forums, drop-ins, courses and action learning: attendance" in html and "<svg" in html
    csv = client.get(f"/national/reports/tables/forums.csv?year={YEAR}&version=published")
    assert csv.status_code == 200 and SUPPRESSED in csv.content.decode()
