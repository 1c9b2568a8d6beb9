"""The correction pages (question page, its errors, check your answers, the stale-save page and the
registration's history) and the check-answers warning of registering the same person again, in a real
browser with axe-core (WCAG 2.2 AA) on each. One live-server test: each pays for flushing the database."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from asye.tenancy.db import tenant_context
from programmes.corrections import registration_correct
from programmes.models import Registration
from tests.browser.test_programme_pages import Pages, fill_date, register, submit
from tests.programmes.conftest import actor_for
from tests.today import TODAY

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def test_correction_pages(transactional_db, live_server, page, sign_in, employer_a):
    ada = register(employer_a)
    pages = Pages()
    sign_in(page, live_server, employer_a.coordinator)
    detail = f"/registrations/{ada.pk}/"

    # From the registration's summary list to the question page.
    page.goto(detail)
    page.get_by_role("link", name="Change Social Work England number").click()
    pages.check(page, heading="Correct the registration")

    # No reason, and a number in the wrong format: the error summary.
    page.get_by_label("Social Work England number").fill("12345")
    submit(page, "Continue")
    pages.check(page, heading="Correct the registration", error=True)
    expect(page.get_by_role("link", name="Enter the reason for the correction")).to_be_visible()

    # A good correction: check your answers, then saved and shown in the history.
    page.get_by_label("Social Work England number").fill("SW654321")
    fill_date(page, "Start date", ada.start_date)
    page.get_by_label("Why are you correcting the registration?").fill("Two digits swapped")
    submit(page, "Continue")
    pages.check(page, heading="Check the correction before you save it")
    expect(page.get_by_role("cell", name="SW654321")).to_be_visible()
    submit(page, "Save the correction")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been corrected")
    pages.check(page, heading="Ada Okafor")
    expect(page.get_by_role("heading", name="Corrections")).to_be_visible()
    expect(page.get_by_role("cell", name="Two digits swapped")).to_be_visible()

    # Someone else corrects it between Alice's check and her save: the stale-save page.
    page.goto(f"{detail}correct/")
    page.get_by_label("First name").fill("Adaeze")
    page.get_by_label("Why are you correcting the registration?").fill("Spelling")
    submit(page, "Continue")
    with tenant_context(employer_a.employer.pk):
        current = Registration.objects.get(pk=ada.pk)
        registration_correct(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=current,
            version=current.version,
            reason="From the certificate",
            last_name="Okafor-Smith",
        )
    submit(page, "Save the correction")
    pages.check(page, heading="Check the correction before you save it", error=True)

    # Registering the same person again: the warning on check your answers.
    page.goto("/registrations/new/")
    page.get_by_label("Adults").check()
    submit(page, "Continue")
    page.get_by_label("First name").fill("Adaeze")
    page.get_by_label("Last name").fill("Okafor-Smith")
    page.get_by_label("Email address (optional)").fill("ada.okafor@example.org")
    submit(page, "Continue")
    page.get_by_label("What is the NQSW's Social Work England number?").fill("SW777001")
    submit(page, "Continue")
    fill_date(page, "When did the NQSW qualify?", ada.qualification_date)
    submit(page, "Continue")
    fill_date(page, "When does the NQSW start the programme?", TODAY)  # open for registration any day
    submit(page, "Continue")
    page.get_by_label("How many hours a week is the NQSW contracted to work?").fill("37")
    submit(page, "Continue")
    pages.check(page, heading="Check your answers before registering the NQSW")
    expect(page.locator(".govuk-warning-text")).to_contain_text("already registered with you")

    pages.done()
