"""Every survey page in a real browser at 1280 and 375 pixels wide, with axe-core (WCAG 2.2 AA) on each: an
NQSW's surveys and the questionnaire (with its error summary, then answered), and national staff's rounds,
a new round, a round's figures, its dates, a group's results and a questionnaire."""

from __future__ import annotations

import pytest

from surveys.services import survey_emails_send_due
from tests.browser.test_programme_pages import Pages, submit
from tests.surveys.helpers import add_responses, open_round
from tests.today import TODAY

pytestmark = [pytest.mark.browser]

WIDTHS = (1280, 375)
UNDERSTAND = "How well do you understand the assessment arrangements for the ASYE?"


@pytest.mark.parametrize("width", WIDTHS)
def test_an_nqsw_answers_their_survey(transactional_db, live_server, new_context, sign_in, employer_a, width):
    survey_round = open_round()
    survey_emails_send_due(today=TODAY)
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, employer_a.nqsw)
    pages = Pages()
    page.goto("/surveys/")
    pages.check(page, heading="Surveys")
    page.get_by_role("link", name=f"{survey_round.year} NQSWs survey").click()
    pages.check(page, heading="NQSW survey")
    submit(page, "Send my answers")
    pages.check(page, heading="NQSW survey", error=True)
    for group in page.locator(".govuk-radios").all():
        group.locator("input[type=radio]").first.check()
    submit(page, "Send my answers")
    pages.check(page, heading="Surveys")
    page.goto(page.url)  # the answered survey's page says so
    pages.done()


@pytest.mark.parametrize("width", WIDTHS)
def test_national_survey_pages(
    transactional_db, live_server, new_context, sign_in, national_staff, employer_a, width
):
    survey_round = open_round()
    survey_emails_send_due(today=TODAY)
    add_responses(
        survey_round, "leads", [{UNDERSTAND: "Very well"}] * 20 + [{UNDERSTAND: "Fairly well"}] * 12
    )
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, national_staff)
    pages = Pages()
    page.goto("/national/surveys/")
    pages.check(page, heading="Annual surveys")
    page.get_by_role("link", name="Create a survey round").click()
    pages.check(page, heading="Create a survey round")
    page.get_by_label("Year of the surveys").fill("")
    submit(page, "Create the round")
    pages.check(page, heading="Create a survey round", error=True)
    page.goto(f"/national/surveys/{survey_round.pk}/")
    pages.check(page, heading=f"ASYE surveys {survey_round.year}")
    page.goto(f"/national/surveys/{survey_round.pk}/dates/")
    pages.check(page, heading="Change the dates")
    page.goto(f"/national/surveys/{survey_round.pk}/results/leads/")
    pages.check(page, heading="ASYE leads: results")
    page.goto("/national/surveys/")
    page.get_by_role("link", name="NQSW survey, version 1").click()
    pages.check(page, heading="NQSW survey")
    pages.done()
