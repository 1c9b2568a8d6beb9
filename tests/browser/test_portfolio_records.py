"""The portfolio's records in a real browser, with axe-core (WCAG 2.2 AA) on every page: a feedback link
answered by people without an account (adult and child versions, with JavaScript and without), the
learning agreement signed by all three, and a PDP objective with its SMART prompts. Also the
self-assessment and observation pages.

Error states are checked with the GOV.UK error summary and the "Error: " title (``Pages`` from the
programme pages' tests).
"""

from __future__ import annotations

import datetime
import re
from importlib import import_module

import pytest
from dateutil.relativedelta import relativedelta
from django.apps import apps as django_apps
from playwright.sync_api import Page, expect

from asye.tenancy.db import tenant_context
from portfolios import feedback_requests
from portfolios import observations as services
from portfolios.models import FeedbackRequest, LearningAgreement, PdpObjective
from tests.browser.test_programme_pages import Pages, fill_date, submit
from tests.portfolios.conftest import linked_registration
from tests.programmes.conftest import TODAY, actor_for
from tests.today import days_ago

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data", "capability_frameworks")]


@pytest.fixture
def capability_frameworks(transactional_db):
    """The capability frameworks, as their data migration loads them (a live-server test's database is
    emptied after each test, reference data included)."""
    import_module("portfolios.migrations.0002_load_capability_frameworks").load(django_apps, None)


def link_on(page: Page) -> str:
    return page.get_by_label("The link").input_value()


# --- Feedback: asked for by the NQSW, answered by people without an account ---------------------------


def test_a_feedback_link_is_answered_without_an_account(live_server, page, new_context, sign_in, employer_a):
    registration = linked_registration(employer_a)
    pages = Pages()
    sign_in(page, live_server, employer_a.nqsw)
    page.goto(f"/portfolio/{registration.pk}/feedback/")
    pages.check(page, heading=re.compile("^Feedback from people you work with"))
    page.get_by_role("button", name="Ask for feedback").click()
    pages.check(page, heading="Ask for feedback")
    submit(page, "Create the link")
    expect(page.get_by_role("link", name="Select who you are asking for feedback")).to_be_visible()
    pages.check(page, heading="Ask for feedback", error=True)
    page.get_by_label("A person who draws on care and support").check()
    page.get_by_label("Their first name").fill("Maria")
    page.get_by_label("What would you like feedback about?").fill("The meetings about your care plan")
    submit(page, "Create the link")
    pages.check(page, heading="Feedback link created")
    link = link_on(page)
    assert re.fullmatch(rf"{re.escape(live_server.url)}/feedback/[A-Za-z0-9_-]{{43,}}/", link)

    # Someone with no account, in a browser of their own.
    person = new_context().new_page()
    person.goto(link)
    pages.check(person, heading="Give feedback to Ada Okafor")
    expect(person.get_by_role("link", name="Sign out")).to_have_count(0)
    submit(person, "Send feedback")
    expect(person.get_by_role("link", name="Select whether you felt listened to")).to_be_visible()
    pages.check(person, heading="Give feedback to Ada Okafor", error=True)
    person.get_by_label("What went well?").fill("She explained the plan and listened to me")
    person.get_by_label("Some of the time").check()
    submit(person, "Send feedback")
    pages.check(person, heading="Feedback sent")
    # The link works once.
    person.goto(link)
    pages.check(person, heading="This feedback has already been sent")

    # The NQSW sees the answer.
    page.goto(f"/portfolio/{registration.pk}/feedback/")
    expect(page.get_by_role("table")).to_contain_text("Answered")
    page.get_by_role("link", name="Maria").click()
    expect(page.locator("main")).to_contain_text("She explained the plan and listened to me")
    pages.check(page, heading="Feedback from Maria")
    pages.done()


def test_the_childrens_form_is_simpler_and_works_without_javascript(live_server, new_context, employer_a):
    registration = linked_registration(employer_a)
    with tenant_context(employer_a.employer.pk):
        issued = feedback_requests.feedback_request_create(
            actor=actor_for(employer_a.nqsw, employer_a.employer),
            registration=registration,
            kind="child",
            recipient_name="Jay",
            context="When Ada visits you at school",
        )
    link = f"{live_server.url}/feedback/{issued.secret}/"
    pages = Pages()
    child = new_context().new_page()
    child.goto(link)
    pages.check(child, heading="Tell us what you think")
    for words in ("Yes, a lot", "A bit", "No", "I'm not sure"):
        expect(child.get_by_label(words, exact=True)).to_be_visible()
    child.get_by_role("button", name="Send my answers").click()
    expect(child.get_by_role("link", name="Choose an answer to “did Ada listen to you?”")).to_be_visible()
    pages.check(child, heading="Tell us what you think", error=True)

    # The same link, answered with JavaScript off.
    without_js = new_context(java_script_enabled=False).new_page()
    without_js.goto(link)
    expect(without_js.get_by_role("heading", name="Tell us what you think", level=1)).to_be_visible()
    without_js.get_by_label("A bit", exact=True).check()
    without_js.get_by_label(re.compile("^What was good about seeing Ada")).fill("We played a game")
    without_js.get_by_role("button", name="Send my answers").click()
    expect(without_js.get_by_role("heading", name="Thank you!", level=1)).to_be_visible()
    with tenant_context(employer_a.employer.pk):
        answered = FeedbackRequest.objects.get(pk=issued.feedback_request.pk)
    assert answered.status == "answered" and answered.felt_listened_to == "sometimes"

    # Now used: the first browser's second try is refused, and changes nothing.
    child.get_by_label("Yes, a lot", exact=True).check()
    child.get_by_role("button", name="Send my answers").click()
    pages.check(child, heading="This feedback has already been sent")
    with tenant_context(employer_a.employer.pk):
        assert FeedbackRequest.objects.get(pk=issued.feedback_request.pk).felt_listened_to == "sometimes"
    pages.done()


# --- The learning agreement, signed by all three -------------------------------------------------------


def test_the_learning_agreement_is_signed_by_all_three(live_server, page, new_context, sign_in, employer_a):
    registration = linked_registration(employer_a)
    pages = Pages()
    sign_in(page, live_server, employer_a.nqsw)
    page.goto(f"/portfolio/{registration.pk}/agreement/")
    pages.check(page, heading="Learning agreement")
    page.get_by_role("button", name="Draft the learning agreement").click()
    pages.check(page, heading="Draft the learning agreement")
    submit(page, "Save the agreement")
    expect(page.get_by_role("link", name="Enter when the reviews will be held")).to_be_visible()
    pages.check(page, heading="Draft the learning agreement", error=True)
    three_months = registration.start_date + relativedelta(months=3)
    page.get_by_label("When will the reviews be held?").fill(f"3 months: {three_months:%-d %B %Y}")
    page.get_by_label("Supervision plan").fill("Weekly for 6 weeks, then fortnightly")
    page.get_by_label("Workload arrangements").fill("A protected caseload of 12")
    page.get_by_label("Protected development time").fill("Wednesday afternoons")
    submit(page, "Save the agreement")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Revision 1")
    pages.check(page, heading="Learning agreement")

    signers = ((employer_a.nqsw, page),)
    for user in (employer_a.assessor, employer_a.line_manager):
        other = new_context().new_page()
        sign_in(other, live_server, user)
        signers += ((user, other),)
    for _, signer in signers:
        signer.goto(f"/portfolio/{registration.pk}/agreement/")
        signer.get_by_role("button", name="Sign the agreement").click()
        pages.check(signer, heading="Sign the learning agreement")
        submit(signer, "Accept and sign")
        expect(signer.locator(".govuk-notification-banner--success")).to_contain_text("Agreement signed")
    last = signers[-1][1]
    expect(last.locator("main")).to_contain_text("Signed by all three on")
    pages.check(last, heading="Learning agreement")
    with tenant_context(employer_a.employer.pk):
        assert LearningAgreement.objects.get().completed_at is not None
    pages.done()


# --- A PDP objective, with the SMART prompts -----------------------------------------------------------


def test_a_pdp_objective_prompts_for_each_smart_part(live_server, page, sign_in, employer_a):
    registration = linked_registration(employer_a)
    pages = Pages()
    sign_in(page, live_server, employer_a.nqsw)
    page.goto(f"/portfolio/{registration.pk}/pdp/")
    pages.check(page, heading="Professional development plan")
    page.get_by_role("button", name="Add an objective").click()
    page.get_by_label("What is your objective?").fill("Write chronologies that show impact on the child")
    fill_date(page, "When will you achieve it by?", (1, 1, 2020))
    submit(page, "Add the objective")
    for message in (
        "Enter how you will measure this objective",
        "Enter the actions you will take and the support you need",
        "Enter why this objective matters to your practice",
        "The date you will achieve this objective by must be in the future",
    ):
        expect(page.get_by_role("link", name=message)).to_be_visible()
    pages.check(page, heading="Add an objective", error=True)
    page.get_by_label("How will you measure it?").fill("Three chronologies judged good")
    page.get_by_label("What actions will you take, and what support do you need?").fill("Training in January")
    page.get_by_label("Why does it matter to your practice?").fill("Feedback from supervision")
    fill_date(page, "When will you achieve it by?", TODAY + datetime.timedelta(days=90))
    page.get_by_label("Which capability does it develop? (optional)").select_option(
        label="PCF 6: Critical reflection and analysis"
    )
    submit(page, "Add the objective")
    pages.check(page, heading="Development plan objective")
    page.get_by_label("Progress notes").fill("Booked the training")
    submit(page, "Save progress")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Progress updated")
    page.get_by_role("link", name="Back to the development plan").click()
    pages.check(page, heading="Professional development plan")
    with tenant_context(employer_a.employer.pk):
        assert PdpObjective.objects.get().progress == "Booked the training"
    pages.done()


# --- The self-assessment and observations --------------------------------------------------------------


def test_a_complete_observation_is_amended_with_a_reason_and_reflected_on_later(
    live_server, page, new_context, sign_in, employer_a
):
    registration = linked_registration(employer_a)
    assessor_actor = actor_for(employer_a.assessor, employer_a.employer)
    nqsw_actor = actor_for(employer_a.nqsw, employer_a.employer)
    with tenant_context(employer_a.employer.pk):
        observation = services.observation_create(
            actor=nqsw_actor,
            registration=registration,
            observed_on=days_ago(21),
            setting="Home visit",
            observer_id=employer_a.assessor.pk,
        )
        for actor, changes in (
            (assessor_actor, {"observer_assessment": "Warm and clear"}),
            (nqsw_actor, {"nqsw_reflection": "I rushed the end"}),
        ):
            observation = services.observation_update(
                actor=actor, observation=observation, version=observation.version, **changes
            )
    pages = Pages()
    # Assessed: the NQSW's change page offers only their own words, and says why.
    sign_in(page, live_server, employer_a.nqsw)
    page.goto(f"/portfolio/observations/{observation.pk}/change/")
    pages.check(page, heading="Change observation 1")
    expect(page.get_by_text("Now the assessment has been written")).to_be_visible()
    expect(page.get_by_role("group", name="When is or was the observation?")).to_have_count(0)
    with tenant_context(employer_a.employer.pk):
        services.observation_complete(
            actor=assessor_actor, observation=observation, version=observation.version, today=TODAY
        )

    assessor = new_context().new_page()
    sign_in(assessor, live_server, employer_a.assessor)
    assessor.goto(f"/portfolio/observations/{observation.pk}/")
    assessor.get_by_role("button", name="Amend the observation").click()
    pages.check(assessor, heading="Amend observation 1")
    assessor.get_by_label("Feedback from the person the NQSW worked with (optional)").fill("Mum felt heard")
    submit(assessor, "Save the amendment")
    pages.check(assessor, heading="Amend observation 1", error=True)
    assessor.get_by_label("Why are you amending the observation?").fill("Her words were left out.")
    submit(assessor, "Save the amendment")
    expect(assessor.get_by_text("Amendment saved")).to_be_visible()
    expect(assessor.locator("table")).to_contain_text("Her words were left out.")
    pages.check(assessor, heading="Observation 1")

    page.goto(f"/portfolio/observations/{observation.pk}/")
    expect(page.get_by_role("button", name="Amend the observation")).to_have_count(0)
    page.get_by_role("button", name="Add a later reflection").click()
    pages.check(page, heading="Add a later reflection")
    page.get_by_label("Your later reflection").fill("Now I leave time to agree the plan.")
    submit(page, "Add the reflection")
    expect(page.locator("table")).to_contain_text("Now I leave time to agree the plan.")
    pages.check(page, heading="Observation 1")
    pages.done()


def test_the_self_assessment_and_observation_pages(live_server, page, new_context, sign_in, employer_a):
    registration = linked_registration(employer_a)
    pages = Pages()
    sign_in(page, live_server, employer_a.nqsw)
    page.goto(f"/portfolio/{registration.pk}/self-assessment/")
    pages.check(page, heading="Self-assessment against the post-qualifying standards")
    page.get_by_role("link", name="Start of the programme").click()
    pages.check(page, heading="Self-assessment: start of the programme")
    submit(page, "Save the self-assessment")
    pages.check(page, heading="Self-assessment: start of the programme", error=True)
    for group in page.locator("main form fieldset").all():
        group.get_by_label("Developing", exact=True).check()
    submit(page, "Save the self-assessment")
    expect(page.get_by_role("table")).to_contain_text("Developing")
    pages.check(page, heading="Self-assessment against the post-qualifying standards")

    page.goto(f"/portfolio/{registration.pk}/observations/")
    pages.check(page, heading="Direct observations")
    page.get_by_role("button", name="Record an observation").click()
    submit(page, "Save the observation")
    pages.check(page, heading="Record a direct observation", error=True)
    # Three weeks ago, after the start eleven weeks ago (written as 2 November 2026).
    fill_date(page, "When is or was the observation?", days_ago(21))
    page.get_by_label("Where is it, and what is the work observed?").fill("Home visit")
    page.get_by_label("Who is observing?").select_option(str(employer_a.assessor.pk))
    page.get_by_label("PCF 7: Intervention and skills").check()
    submit(page, "Save the observation")
    pages.check(page, heading="Observation 1")

    assessor = new_context().new_page()
    sign_in(assessor, live_server, employer_a.assessor)
    assessor.goto(f"/portfolio/{registration.pk}/observations/")
    assessor.get_by_role("link", name="Observation 1").click()
    assessor.get_by_role("button", name="Change the observation").click()
    pages.check(assessor, heading="Change observation 1")
    assessor.get_by_label(re.compile("^The observer's assessment")).fill("Warm and clear")
    submit(assessor, "Save changes")
    submit(assessor, "Mark as complete")
    expect(
        assessor.get_by_role("link", name=re.compile("reflection before the observation is complete"))
    ).to_be_visible()
    pages.check(assessor, heading="Observation 1", error=True)
    pages.done()
