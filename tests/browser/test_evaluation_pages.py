"""Every 360 evaluation page in a real browser at 1280 and 375 pixels wide, with axe-core (WCAG 2.2 AA) on
each: the co-ordinator's evaluations, opening one, the cycle page, the self-assessment, inviting, closing
and the report; the respondent's form behind a link and its thank-you page; national staff's composite.
Error pages are checked too (the GOV.UK error summary, its links, the "Error: " title)."""

from __future__ import annotations

import datetime
from importlib import import_module

import pytest
from django.apps import apps as django_apps

from tests.browser.test_programme_pages import Pages, fill_date, submit
from tests.evaluations.helpers import answers, close, invite, open_cycle, respondents, self_assess
from tests.today import TODAY

pytestmark = [pytest.mark.browser]

WIDTHS = (1280, 375)


@pytest.fixture
def statements(transactional_db):
    """The 360 statements, as their data migration loads them (a live server's database starts empty)."""
    import_module("evaluations.migrations.0002_load_statements_and_national_figures").load(django_apps, None)


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_evaluation_pages(
    transactional_db, live_server, new_context, sign_in, statements, employer_a, width
):
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, employer_a.coordinator)
    pages = Pages()
    page.goto("/evaluation/")
    pages.check(page, heading="360-degree evaluation")
    page.get_by_role("button", name="Open the evaluation for").click()
    pages.check(page, heading="When should the evaluation close?")
    submit(page, "Open the evaluation")
    pages.check(page, heading="When should the evaluation close?", error=True)
    fill_date(page, "When should the evaluation close?", TODAY + datetime.timedelta(days=30))
    submit(page, "Open the evaluation")
    pages.check(page, heading="360-degree evaluation")
    page.get_by_role("link", name="Theme 1: The NQSW experience is central to the ASYE").click()
    pages.check(page, heading="The NQSW experience is central to the ASYE")
    submit(page, "Save and continue")
    pages.check(page, heading="The NQSW experience is central to the ASYE", error=True)
    for radio in page.locator("input[type=radio][value='4']").all():
        radio.check()
    submit(page, "Save and continue")
    pages.check(
        page,
        heading="The ASYE programme is delivered in accordance with the ASYE framework and employer standards",
    )
    page.get_by_role("link", name="Back to the evaluation").click()
    pages.check(page, heading="360-degree evaluation")
    page.get_by_role("button", name="Invite people").click()
    pages.check(page, heading="Invite people to answer")
    submit(page, "Send invitations")
    pages.check(page, heading="Invite people to answer", error=True)
    page.get_by_label("Other email addresses").fill("partner@university.example")
    page.get_by_label("Others").check()
    submit(page, "Send invitations")
    pages.check(page, heading="360-degree evaluation")
    page.get_by_role("link", name="Close the evaluation now").click()
    pages.check(page, heading="Close the evaluation now?")
    submit(page, "Close the evaluation")
    pages.check(page, heading="360-degree evaluation")
    page.get_by_role("link", name="See the report").click()
    pages.check(page, heading="report")
    pages.done()


@pytest.mark.parametrize("width", WIDTHS)
def test_report_with_figures(
    transactional_db, live_server, new_context, sign_in, statements, employer_a, width
):
    cycle = open_cycle(employer_a)
    self_assess(employer_a, cycle, answers("4", s2="dont_know"))
    respondents(employer_a, cycle, "nqsw", [answers("5"), answers("3"), answers("1", s1="dont_know")])
    respondents(employer_a, cycle, "other", [answers("2")])
    close(employer_a, cycle)
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, employer_a.coordinator)
    pages = Pages()
    page.goto(f"/evaluation/{cycle.pk}/report/")
    pages.check(page, heading=f"360-degree evaluation {cycle.year_label}: report")
    pages.done()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_respondents_pages(transactional_db, live_server, new_context, statements, employer_a, width):
    cycle = open_cycle(employer_a)
    (secret,) = invite(employer_a, cycle, "nqsw", ["nqsw.browser@alphashire.example"])
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    pages = Pages()
    page.goto(f"{live_server.url}/360/{secret}/")
    heading = f"Rate the ASYE programme at {employer_a.employer.name}"
    pages.check(page, heading=heading)
    submit(page, "Send your answers")
    pages.check(page, heading=heading, error=True)
    for radio in page.locator("input[type=radio][value='3']").all():
        radio.check()
    submit(page, "Send your answers")
    pages.check(page, heading="Your answers have been sent")
    page.goto(f"{live_server.url}/360/{secret}/")
    pages.check(page, heading="These answers have already been sent")
    pages.done()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_national_composite(
    transactional_db, live_server, new_context, sign_in, statements, national_staff, employer_a, width
):
    cycle = open_cycle(employer_a)
    self_assess(employer_a, cycle, answers("4"))
    respondents(employer_a, cycle, "nqsw", [answers("5"), answers("3"), answers("2")])
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    sign_in(page, live_server, national_staff)
    pages = Pages()
    page.goto("/national/evaluation/")
    pages.check(page, heading=f"360-degree evaluation: national composite {cycle.year_label}")
    page.goto("/national/evaluation/?year=2023")
    pages.check(page, heading="360-degree evaluation: national composite 2023-24")
    pages.done()
