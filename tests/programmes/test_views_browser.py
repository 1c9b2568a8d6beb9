"""The registration pages in a real browser: registering an NQSW with JavaScript off, and axe-core
(WCAG 2.2 AA) on every page, with and without errors. Marked ``browser``."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from asye.tenancy.db import system_national_context
from programmes.models import Registration
from tests.browser.support import axe_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]

# The browser fixtures of tests/browser, used here too. (They are session fixtures: while another module
# aliases them as well, only the first module to start a browser gets one. Moving browser, new_context
# and page into tests/conftest.py, and dropping these aliases, lets every module share one browser.)


def fill_date(page, legend: str, day: datetime.date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def continue_(page) -> None:
    page.get_by_role("button", name="Continue").click()


def answer_every_question(page, *, check=None) -> None:
    """Answer the question pages in order; ``check(page)`` runs on each before and after an error."""
    today = timezone.localdate()
    check = check or (lambda _page: None)
    page.goto("/registrations/")
    page.get_by_role("button", name="Register an NQSW").click()

    expect(page.get_by_role("heading", name="Which service area will the NQSW work in?")).to_be_visible()
    check(page)
    continue_(page)
    expect(page.get_by_role("link", name="Select child and family or adults")).to_be_visible()
    assert page.title().startswith("Error: ")
    check(page)
    page.get_by_label("Adults").check()
    continue_(page)

    expect(page.get_by_role("heading", name="What is the NQSW's name?")).to_be_visible()
    check(page)
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Email address (optional)").fill("ada@example.org")
    continue_(page)

    page.get_by_label("What is the NQSW's Social Work England number?").fill("sw123456")
    check(page)
    continue_(page)

    group = page.get_by_role("group", name="When did the NQSW qualify?")
    group.get_by_label("Day").fill("1")
    continue_(page)
    # The error summary links to the first box with the problem.
    page.get_by_role("link", name="The date the NQSW qualified must include a month and year").click()
    expect(page.get_by_role("group", name="When did the NQSW qualify?").get_by_label("Month")).to_be_focused()
    check(page)
    fill_date(page, "When did the NQSW qualify?", today - datetime.timedelta(days=120))
    continue_(page)

    check(page)
    fill_date(page, "When does the NQSW start the programme?", today)
    continue_(page)

    page.get_by_label("How many hours a week is the NQSW contracted to work?").fill("37")
    check(page)
    continue_(page)
    expect(page.get_by_role("heading", name="Check your answers before registering the NQSW")).to_be_visible()


def test_co_ordinator_registers_an_nqsw_without_javascript(
    transactional_db, live_server, new_context, employer_a
):
    without_javascript = new_context(java_script_enabled=False).new_page()
    sign_in(without_javascript, live_server, employer_a.coordinator)
    answer_every_question(without_javascript)
    without_javascript.get_by_role("link", name="Change contracted hours a week").click()
    without_javascript.get_by_label("How many hours a week is the NQSW contracted to work?").fill("18.5")
    continue_(without_javascript)
    expect(without_javascript.get_by_text("18.5 hours")).to_be_visible()
    without_javascript.get_by_role("button", name="Register the NQSW").click()
    expect(without_javascript.get_by_role("heading", name="NQSW registered")).to_be_visible()
    with system_national_context():
        registration = Registration.objects.get()
    assert registration.swe_number == "SW123456" and registration.contracted_hours == 18.5


def test_registration_pages_are_accessible(
    transactional_db, live_server, page, new_context, employer_a, employer_b, register, national_staff
):
    register(employer_a, swe_number="SW900001", first_name="Grace")
    sign_in(page, live_server, employer_a.coordinator)
    answer_every_question(page, check=axe_check)
    axe_check(page)
    page.get_by_role("button", name="Register the NQSW").click()
    expect(page.get_by_role("heading", name="NQSW registered")).to_be_visible()
    axe_check(page)

    page.goto("/registrations/")
    axe_check(page)
    page.get_by_role("link", name="Ada Okafor").click()
    expect(page.get_by_role("heading", name="Ada Okafor", level=1)).to_be_visible()
    axe_check(page)
    detail = page.url
    for action in (
        "Correct the name, number or dates",
        "Change the email address or hours",
        "Defer the programme",
        "Extend the programme",
        "Allocate an assessor",
        "Set the line manager",
        "Transfer to another employer",
        "Withdraw from the programme",
    ):
        page.goto(detail)
        page.get_by_role("complementary").get_by_role("link", name=action).click()
        expect(page.get_by_role("link", name="Back")).to_be_visible()  # the action's page has loaded
        axe_check(page)
        button = page.locator("main form button[type=submit]")
        if action not in ("Change the email address or hours", "Correct the name, number or dates"):
            button.click()  # empty: the page with its errors
            assert page.title().startswith("Error: "), action
            axe_check(page)
    # The withdrawal's confirmation page.
    fill_date(page, "When did the NQSW leave the programme?", timezone.localdate())
    page.get_by_label("Why did the NQSW leave the programme?").fill("Moved away")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Are you sure you want to withdraw Ada Okafor")).to_be_visible()
    axe_check(page)

    # National staff: the queue and a registration that needs review (B registered Grace too).
    register(employer_b, swe_number="SW900001", first_name="Grace")
    national = new_context().new_page()
    sign_in(national, live_server, national_staff)
    national.goto("/national/registrations/")
    axe_check(national)
    national.get_by_role("link", name="Grace Okafor").last.click()
    axe_check(national)
    national.get_by_role("button", name="Save decision").click()
    assert national.title().startswith("Error: ")
    axe_check(national)
