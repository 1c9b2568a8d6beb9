"""The equality pages in a real browser: axe-core (WCAG 2.2 AA) on each, and the whole form answered
with JavaScript and without it. Marked ``browser`` (``pytest -m "not browser"`` leaves them out)."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect

from asye.tenancy.db import system_national_context, tenant_context
from equality.models import EqualityMonitoring
from equality.snapshots import equality_snapshots_take
from tests.browser.support import axe_check, sign_in
from tests.equality.conftest import moment
from tests.programmes.conftest import STARTED
from tests.today import TODAY

# 35 on the programme's start date, 36 the day after (8 September 1990 when written, for a start on
# 7 September 2026): "35 to 44".
BORN = STARTED - relativedelta(years=36) + datetime.timedelta(days=1)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def fill_answers(page) -> None:
    page.get_by_role("group", name="How would you describe your gender?").get_by_label("Female").check()
    date_of_birth = page.get_by_role("group", name="Date of birth")
    page.get_by_label("Enter my date of birth").check()
    date_of_birth.get_by_label("Day").fill(str(BORN.day))
    date_of_birth.get_by_label("Month").fill(str(BORN.month))
    date_of_birth.get_by_label("Year").fill(str(BORN.year))
    detail = page.get_by_role(
        "group", name="Which of the following best describes your Asian or Asian British"
    )
    page.get_by_label("Asian or Asian British", exact=True).check()
    detail.get_by_label("Indian").check()
    page.get_by_role("group", name="What is your nationality?").get_by_label("British").check()
    page.get_by_role("group", name="Do you consider yourself").get_by_label("No", exact=True).check()


def test_nqsw_answers_with_javascript(transactional_db, live_server, page, employer_a, register_nqsw):
    registration = register_nqsw(employer_a)
    sign_in(page, live_server, employer_a.nqsw)
    page.goto("/equality/")
    axe_check(page)
    page.get_by_role("button", name="Answer the questions").click()
    axe_check(page)
    page.get_by_role("button", name="Save answers").click()
    assert page.title().startswith("Error: ")
    axe_check(page)
    fill_answers(page)
    page.get_by_role("button", name="Save answers").click()
    expect(page.get_by_text("Your equality monitoring answers have been saved")).to_be_visible()
    expect(page.get_by_text("Asian or Asian British: Indian")).to_be_visible()
    axe_check(page)
    with system_national_context():
        answers = EqualityMonitoring.objects.get(registration=registration)
    assert answers.age_band == "35_44"


def test_nqsw_answers_without_javascript(
    transactional_db,
    live_server,
    new_context,
    employer_a,
    register_nqsw,
):
    register_nqsw(employer_a)
    without_javascript = new_context(java_script_enabled=False).new_page()
    sign_in(without_javascript, live_server, employer_a.nqsw)
    without_javascript.goto("/equality/answers/")
    fill_answers(without_javascript)
    without_javascript.get_by_role("button", name="Save answers").click()
    expect(without_javascript.get_by_text("Your equality monitoring answers have been saved")).to_be_visible()


def test_coordinator_summary_is_accessible(
    transactional_db,
    live_server,
    page,
    employer_a,
    register_nqsw,
    stored_answers,
):
    # Fourteen answered: ten White, two Asian and two Black, so the page shows rounded counts, hidden
    # counts and withheld tables, from a snapshot taken last night.
    groups = ["white"] * 10 + ["asian"] * 2 + ["black"] * 2
    details = {"white": "irish", "asian": "chinese", "black": "african"}
    for index, group in enumerate(groups):
        registration = register_nqsw(
            employer_a, link=False, email=f"n{index}@example.org", swe_number=f"SW5{index:02d}"
        )
        stored_answers(
            registration,
            ethnic_group=group,
            ethnicity_detail=details[group],
            disability="yes" if index == 0 else "no",
        )
    with tenant_context(employer_a.employer.pk):
        equality_snapshots_take(
            employer_id=employer_a.employer.pk, now=moment(TODAY - datetime.timedelta(days=1), 23, 30)
        )
    sign_in(page, live_server, employer_a.coordinator)
    page.goto("/equality/summary/")
    expect(page.get_by_role("heading", name="Equality monitoring", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Ethnic group")).to_be_visible()
    expect(page.get_by_text("This table is not shown").first).to_be_visible()
    axe_check(page)
