"""National moderation in a real browser, with axe-core (WCAG 2.2 AA) on every page: national staff draw a
sample and assign moderators; the moderator reads the portfolio and records findings; the employer's
co-ordinator reads them, submits a portfolio voluntarily, applies for good-practice endorsement and reads
the exemplars; national staff decide the application and keep the library. The moderator's journey runs
once more with JavaScript off.

Error states are checked too: the GOV.UK error summary, and the page title prefixed "Error: ".
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from asye.accounts.models import Role
from asye.tenancy.db import system_national_context
from reviews.models import GoodPracticeApplication, ModerationCase
from reviews.moderation_services.exemplars import exemplar_create, exemplar_set_published
from tests.browser.support import format_violations, run_axe, submit
from tests.factories import person
from tests.reviews.test_moderation_support import actor_for, assigned_case, portfolio

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


class Pages:
    """Check pages as a test goes; fail at the end listing the problems of every page."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def check(self, page: Page, *, heading: str | re.Pattern | None = None, error: bool = False) -> None:
        where = page.url
        expect(page.locator("main")).to_have_count(1)
        expect(page.locator("h1")).to_have_count(1)
        if heading is not None:
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        if error:
            expect(
                page.locator(".govuk-error-summary").get_by_role("heading", name="There is a problem")
            ).to_be_visible()
            if not page.title().startswith("Error: "):
                self.problems.append(f"{where}: the title {page.title()!r} does not start with 'Error: '")
        elif page.title().startswith("Error: "):
            self.problems.append(f"{where}: the title {page.title()!r} starts with 'Error: ' without errors")
        violations = run_axe(page)
        if violations:
            self.problems.append(format_violations(where, violations))

    def done(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


def moderator_user(email: str = "moderator@nqap.example"):
    return person(role=Role.NQAP_MODERATOR, email=email, full_name="Adebayo Bello")


# --- National staff draw a sample and assign ----------------------------------------------------------------


def test_national_staff_draw_a_sample_and_assign(
    transactional_db, live_server, page, sign_in, employer_a, employer_b, national_staff
):
    for _ in range(2):
        portfolio(employer_a)
        portfolio(employer_b, service_area="adults")
    moderator = moderator_user()
    pages = Pages()
    sign_in(page, live_server, national_staff)

    page.goto("/national/moderation/")
    pages.check(page, heading="National moderation")
    page.get_by_role("button", name="Draw a new sample").click()
    pages.check(page, heading="Draw a sample for national moderation")

    # Mistakes first: no name, a percentage chosen but not given.
    page.get_by_label("A percentage of each group").check()
    submit(page, "Preview the sample")
    pages.check(page, heading="Draw a sample for national moderation", error=True)
    expect(page.get_by_role("link", name="Enter a name for the round")).to_be_visible()

    page.get_by_label("Name of the round").fill("Spring 2027 moderation")
    page.get_by_label("Employer type").check()
    page.get_by_label("A number from each group").check()
    page.get_by_label("Number from each group", exact=True).fill("1")
    submit(page, "Preview the sample")
    pages.check(page, heading="Check the sample")
    groups = page.get_by_role("table", name="Portfolios available and drawn in each group")
    expect(groups).to_contain_text("Fostering")
    expect(groups).to_contain_text("Local authority")
    submit(page, "Create the round")
    expect(page.get_by_role("heading", name="Spring 2027 moderation", level=1)).to_be_visible()
    pages.check(page, heading="Spring 2027 moderation")

    # Assign every waiting case to the moderator at once.
    page.get_by_label(re.compile("Adebayo Bello")).check()
    submit(page, "Assign the waiting cases")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 cases assigned")
    pages.check(page, heading="Spring 2027 moderation")

    # One case: its moderator, and the form to reassign offering only eligible moderators.
    page.get_by_role("table", name="Cases in this round").get_by_role("link").first.click()
    pages.check(page, heading="Moderation case")
    expect(page.get_by_role("group", name="Moderator")).to_contain_text("Adebayo Bello")
    submit(page, "Reassign")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Moderator assigned")

    with system_national_context():
        assert set(ModerationCase.objects.values_list("moderator_id", flat=True)) == {moderator.pk}
    pages.done()


# --- The moderator records findings; the co-ordinator reads them ---------------------------------------------


def test_the_moderator_records_findings_and_the_coordinator_reads_them(
    transactional_db, live_server, new_context, sign_in, employer_a, employer_b, national_staff
):
    moderator = moderator_user()
    case = assigned_case(employer_a, national_staff, moderator, evidence=True, first_name="Ada")
    pages = Pages()
    page = new_context().new_page()
    sign_in(page, live_server, moderator)

    page.goto("/national/moderation/my-cases/")
    pages.check(page, heading="My moderation cases")
    page.get_by_role("link", name="Ada Okafor").click()
    pages.check(page, heading="Portfolio of Ada Okafor")
    expect(page.get_by_text("Chairing a child protection conference")).to_be_visible()
    page.get_by_role("link", name="Record your findings").click()
    pages.check(page, heading="Your findings")

    # Sending with nothing written is refused, with the errors linked to the fields.
    submit(page, "Send findings to the employer")
    pages.check(page, heading="Your findings", error=True)
    expect(page.get_by_role("link", name="Enter the strengths of the portfolio")).to_be_visible()

    page.get_by_label("Strengths", exact=True).fill("Observations are mapped to the PCF.")
    submit(page, "Save draft")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Findings saved")
    pages.check(page, heading="Your findings")

    # No final recommendation on this portfolio: the question is about the capabilities.
    expect(page.locator("main")).not_to_contain_text("support the assessor's recommendation")
    page.get_by_label("The evidence shows the NQSW meeting the capabilities at the expected level").check()
    page.get_by_label("Areas for development").fill("Name the PQS statement each piece supports.")
    page.get_by_label("Advice to the employer (optional)").fill("Write SMART objectives.")
    submit(page, "Send findings to the employer")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Findings sent to the employer")
    pages.check(page, heading="Portfolio of Ada Okafor")

    # The co-ordinator reads them.
    coordinator = new_context().new_page()
    sign_in(coordinator, live_server, employer_a.coordinator)
    coordinator.goto("/reviews/moderation/")
    pages.check(coordinator, heading="National moderation")
    coordinator.get_by_role("link", name="Ada Okafor").click()
    pages.check(coordinator, heading="Ada Okafor's portfolio")
    expect(coordinator.locator("main")).to_contain_text("Observations are mapped to the PCF.")
    expect(coordinator.locator("main")).to_contain_text("Write SMART objectives.")
    expect(coordinator.locator("main")).not_to_contain_text("Adebayo")

    # Another employer's co-ordinator does not.
    other = new_context().new_page()
    sign_in(other, live_server, employer_b.coordinator)
    response = other.goto(f"/reviews/moderation/{case.pk}/")
    assert response.status == 404
    pages.done()


def test_the_moderator_records_findings_without_javascript(
    transactional_db, live_server, new_context, sign_in, employer_a, national_staff
):
    moderator = moderator_user()
    case = assigned_case(employer_a, national_staff, moderator, evidence=True, first_name="Ada")
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, live_server, moderator)
    page.goto("/national/moderation/my-cases/")
    page.get_by_role("link", name="Ada Okafor").click()
    page.get_by_role("link", name="Record your findings").click()
    submit(page, "Send findings to the employer")
    expect(page).to_have_title(re.compile("^Error: "))
    page.get_by_label("The evidence shows some of the capabilities at the expected level").check()
    page.get_by_label("Strengths", exact=True).fill("Clear reflections.")
    page.get_by_label("Areas for development").fill("Map evidence to the PQS.")
    submit(page, "Send findings to the employer")
    expect(page.get_by_role("heading", name="Portfolio of Ada Okafor", level=1)).to_be_visible()
    with system_national_context():
        sent = ModerationCase.objects.get(pk=case.pk)
    assert sent.status == ModerationCase.Status.FINDINGS_SENT and sent.agreement == "partly_meets"


# --- The co-ordinator's other pages; national staff's register and library ------------------------------------


def test_coordinator_and_national_pages_for_submissions_good_practice_and_exemplars(
    transactional_db, live_server, new_context, sign_in, employer_a, national_staff
):
    portfolio(employer_a, first_name="Ada")
    exemplar = exemplar_create(
        actor=actor_for(national_staff),
        title="Reflecting on a home visit",
        extract="I changed my plan when the child was at home.",
        annotation="Strong critical reflection (PCF 6).",
        service_area="child_and_family",
    )
    exemplar_set_published(actor=actor_for(national_staff), exemplar=exemplar, published=True, version=1)
    pages = Pages()
    page = new_context().new_page()
    sign_in(page, live_server, employer_a.coordinator)

    page.goto("/reviews/moderation/")
    page.get_by_role("button", name="Submit a portfolio for national moderation").click()
    pages.check(page, heading="Which portfolio do you want to submit for national moderation?")
    submit(page, "Submit for national moderation")
    pages.check(page, error=True)
    page.get_by_label(re.compile("Ada Okafor")).check()
    submit(page, "Submit for national moderation")
    pages.check(page, heading="Ada Okafor's portfolio")
    page.get_by_role("link", name="Withdraw it from national moderation").click()
    pages.check(page, heading="Withdraw the portfolio from national moderation")

    page.goto("/reviews/good-practice/")
    pages.check(page, heading="Good-practice endorsement")
    page.get_by_role("button", name="Apply for endorsement").click()
    submit(page, "Send the application")
    pages.check(page, heading="Apply for good-practice endorsement", error=True)
    page.get_by_label("Title of the practice").fill("Peer reflection circles")
    page.get_by_label("Describe the practice").fill("Monthly circles led by experienced staff.")
    submit(page, "Send the application")
    pages.check(page, heading="Peer reflection circles")

    page.goto("/reviews/exemplars/")
    pages.check(page, heading="Exemplars of practice evidence")
    page.get_by_role("link", name="Reflecting on a home visit").click()
    pages.check(page, heading="Reflecting on a home visit")

    # National staff: the register, a decision, and the library.
    staff = new_context().new_page()
    sign_in(staff, live_server, national_staff)
    staff.goto("/national/moderation/good-practice/")
    pages.check(staff, heading="Good-practice register")
    staff.get_by_role("link", name="Peer reflection circles").click()
    staff.get_by_label("No, do not endorse it").check()
    submit(staff, "Record the decision")
    pages.check(staff, heading="Peer reflection circles", error=True)
    staff.get_by_label("Yes, endorse it").check()
    submit(staff, "Record the decision")
    pages.check(staff, heading="Good-practice register")
    with system_national_context():
        assert GoodPracticeApplication.objects.get().status == GoodPracticeApplication.Status.ENDORSED

    staff.goto("/national/moderation/exemplars/")
    pages.check(staff, heading="Exemplars library")
    staff.get_by_role("button", name="Add an exemplar").click()
    submit(staff, "Save as a draft")
    pages.check(staff, heading="Add an exemplar", error=True)
    staff.get_by_label("Title", exact=True).fill("Weighing competing accounts")
    staff.get_by_label("Anonymised extract").fill("[The adult] said they were happy.")
    staff.get_by_label("Annotation", exact=True).fill("Analysis, not description.")
    submit(staff, "Save as a draft")
    pages.check(staff, heading="Weighing competing accounts")
    submit(staff, "Publish to employers")
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("Exemplar published")
    staff.get_by_role("link", name="Change the exemplar").click()
    pages.check(staff, heading="Change the exemplar")

    staff.goto("/national/moderation/")
    pages.check(staff, heading="National moderation")
    pages.done()
