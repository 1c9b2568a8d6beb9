"""Registering an NQSW through the question pages: one question a page, check your answers, confirm.

Alice is A's co-ordinator. Nothing is saved until she confirms on the check page, every page applies the
registration rules, and a registration that needs national review never tells B about A.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from asye.accounts.models import Role
from asye.tenancy.middleware import ACTIVE_EMPLOYER_SESSION_KEY
from programmes.models import FundingStatus, Registration
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
QUALIFIED = TODAY - datetime.timedelta(days=120)

START = reverse("programmes:register")
SERVICE_AREA = reverse("programmes:register_service_area")
NAME = reverse("programmes:register_name")
SWE = reverse("programmes:register_swe_number")
QUALIFICATION = reverse("programmes:register_qualification_date")
START_DATE = reverse("programmes:register_start_date")
HOURS = reverse("programmes:register_hours")
CHECK = reverse("programmes:register_check")
CONFIRMATION = reverse("programmes:register_confirmation")
PAGES = [SERVICE_AREA, NAME, SWE, QUALIFICATION, START_DATE, HOURS, CHECK]


def date_data(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def answers(**overrides) -> dict[str, dict[str, str]]:
    """The form data of each page, in order."""
    pages = {
        SERVICE_AREA: {"service_area": "adults"},
        NAME: {"first_name": "Ada", "last_name": "Okafor", "email": "Ada.Okafor@Example.org"},
        SWE: {"swe_number": "sw 123 456"},
        QUALIFICATION: date_data("qualification_date", QUALIFIED),
        START_DATE: date_data("start_date", TODAY),
        HOURS: {"contracted_hours": "37"},
    }
    for url, data in overrides.items():
        pages[url] = data
    return pages


def walk(client, pages: dict[str, dict[str, str]] | None = None):
    """Answer every question page; return the last response (a redirect to the check page)."""
    client.get(START)
    response = None
    for url, data in (pages or answers()).items():
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:3000])
    return response


def registrations(unscoped, **filters) -> list[Registration]:
    with unscoped():
        return list(Registration.objects.filter(**filters))


@pytest.fixture
def alice(client, login, employer_a):
    login(employer_a.coordinator)
    return client


def page_text(response) -> str:
    return response.content.decode()


# --- the whole journey ---------------------------------------------------------------------------


def test_the_whole_journey_registers_the_nqsw(alice, employer_a, unscoped):
    response = alice.get(START)
    assert response.status_code == 302 and response.url == SERVICE_AREA
    expected_next = [NAME, SWE, QUALIFICATION, START_DATE, HOURS, CHECK]
    for (url, data), following in zip(answers().items(), expected_next, strict=True):
        page = alice.get(url)
        assert page.status_code == 200
        html = page_text(page)
        assert html.count("<h1") == 1 and "novalidate" in html and "Register an NQSW" in html
        response = alice.post(url, data)
        assert response.status_code == 302 and response.url == following, url
    assert registrations(unscoped) == []  # nothing saved before confirming

    check = alice.get(CHECK)
    assert check.status_code == 200
    html = page_text(check)
    for shown in (
        "Check your answers before registering the NQSW",
        "Adults",
        "Ada Okafor",
        "ada.okafor@example.org",
        "SW123456",
        f"{QUALIFIED:%-d %B %Y}",
        f"{TODAY:%-d %B %Y}",
        "37 hours",
        "ASYE: adults (version 1)",
        "Eligible, to be approved",
    ):
        assert shown in html, shown

    done = alice.post(CHECK)
    assert done.status_code == 302 and done.url == CONFIRMATION
    [registration] = registrations(unscoped)
    assert registration.employer_id == employer_a.employer.pk
    assert (registration.first_name, registration.last_name) == ("Ada", "Okafor")
    assert registration.email == "ada.okafor@example.org"
    assert registration.swe_number == "SW123456"
    assert registration.qualification_date == QUALIFIED and registration.start_date == TODAY
    assert registration.funding_status == FundingStatus.AWAITING_APPROVAL

    confirmation = alice.get(CONFIRMATION)
    html = page_text(confirmation)
    assert "govuk-panel--confirmation" in html and "NQSW registered" in html
    assert "Awaiting national approval" in html and "Ada Okafor" in html
    # The answers are gone: the journey starts again, and a second confirm registers nothing more.
    assert alice.get(CHECK).url == SERVICE_AREA
    assert alice.post(CHECK).status_code == 302
    assert len(registrations(unscoped)) == 1


def test_the_child_and_family_programme_is_named_on_the_check_page(alice):
    walk(alice, answers(**{SERVICE_AREA: {"service_area": "child_and_family"}}))
    html = page_text(alice.get(CHECK))
    assert "Child and family" in html and "ASYE: child and family" in html


def test_check_page_shows_when_the_nqsw_is_not_eligible_for_funding(alice, unscoped):
    long_ago = TODAY - datetime.timedelta(days=5 * 366)
    walk(alice, answers(**{QUALIFICATION: date_data("qualification_date", long_ago)}))
    html = page_text(alice.get(CHECK))
    assert "Not eligible for funding: qualified more than 4 years before the start" in html
    alice.post(CHECK)
    [registration] = registrations(unscoped)
    assert registration.funding_status == FundingStatus.UNFUNDED
    confirmation = page_text(alice.get(CONFIRMATION))
    assert "Not eligible for funding" in confirmation


# --- every validation error path -----------------------------------------------------------------

FUTURE = TODAY + datetime.timedelta(days=10)
FAR_FUTURE = TODAY + datetime.timedelta(days=800)

ERROR_CASES = [
    (SERVICE_AREA, {}, "Select child and family or adults", "id_service_area"),
    (SERVICE_AREA, {"service_area": "prisons"}, "Select child and family or adults", "id_service_area"),
    (NAME, {"first_name": "", "last_name": "Okafor"}, "Enter the NQSW&#x27;s first name", "id_first_name"),
    (NAME, {"first_name": "Ada", "last_name": " "}, "Enter the NQSW&#x27;s last name", "id_last_name"),
    (
        NAME,
        {"first_name": "A" * 101, "last_name": "Okafor"},
        "First name must be 100 characters or fewer",
        "id_first_name",
    ),
    (
        NAME,
        {"first_name": "Ada", "last_name": "Okafor", "email": "not-an-email"},
        "Enter an email address in the correct format, like name@example.org",
        "id_email",
    ),
    (SWE, {"swe_number": ""}, "Enter the NQSW&#x27;s Social Work England number", "id_swe_number"),
    (
        SWE,
        {"swe_number": "123456"},
        "Enter a Social Work England number in the correct format, like SW123456",
        "id_swe_number",
    ),
    (
        SWE,
        {"swe_number": "SW12A456"},
        "Enter a Social Work England number in the correct format, like SW123456",
        "id_swe_number",
    ),
    (QUALIFICATION, {}, "Enter the date the NQSW qualified", "id_qualification_date_day"),
    (
        QUALIFICATION,
        {"qualification_date_day": "1", "qualification_date_year": "2026"},
        "The date the NQSW qualified must include a month",
        "id_qualification_date_month",
    ),
    (
        QUALIFICATION,
        {"qualification_date_month": "7"},
        "The date the NQSW qualified must include a day and year",
        "id_qualification_date_day",
    ),
    (
        QUALIFICATION,
        {
            "qualification_date_day": "1",
            "qualification_date_month": "July",
            "qualification_date_year": "2026",
        },
        "The date the NQSW qualified must be a real date",
        "id_qualification_date_month",
    ),
    (
        QUALIFICATION,
        {"qualification_date_day": "1", "qualification_date_month": "7", "qualification_date_year": "26"},
        "Year must include 4 numbers",
        "id_qualification_date_year",
    ),
    (
        QUALIFICATION,
        {"qualification_date_day": "31", "qualification_date_month": "2", "qualification_date_year": "2026"},
        "The date the NQSW qualified must be a real date",
        "id_qualification_date_day",
    ),
    (
        QUALIFICATION,
        date_data("qualification_date", FUTURE),
        "The qualification date must be today or in the past",
        "id_qualification_date_day",
    ),
    (START_DATE, {}, "Enter the date the NQSW starts the programme", "id_start_date_day"),
    (
        START_DATE,
        date_data("start_date", QUALIFIED - datetime.timedelta(days=1)),
        "The start date must be on or after the qualification date",
        "id_start_date_day",
    ),
    (
        START_DATE,
        date_data("start_date", FAR_FUTURE),
        "The start date must be in the funding year open for registration",
        "id_start_date_day",
    ),
    (
        HOURS,
        {"contracted_hours": ""},
        "Enter contracted hours a week as a number, like 37 or 22.5",
        "id_contracted_hours",
    ),
    (
        HOURS,
        {"contracted_hours": "lots"},
        "Enter contracted hours a week as a number, like 37 or 22.5",
        "id_contracted_hours",
    ),
    (
        HOURS,
        {"contracted_hours": "NaN"},
        "Enter contracted hours a week as a number, like 37 or 22.5",
        "id_contracted_hours",
    ),
    (
        HOURS,
        {"contracted_hours": "0.5"},
        "Contracted hours must be between 1 and 48 a week",
        "id_contracted_hours",
    ),
    (
        HOURS,
        {"contracted_hours": "49"},
        "Contracted hours must be between 1 and 48 a week",
        "id_contracted_hours",
    ),
    (
        HOURS,
        {"contracted_hours": "22.555"},
        "Contracted hours can have up to 2 decimal places",
        "id_contracted_hours",
    ),
]


@pytest.mark.parametrize(("url", "data", "message", "field_id"), ERROR_CASES)
def test_each_page_shows_its_errors(alice, unscoped, url, data, message, field_id):
    # Earlier answers first, so that rules comparing answers (start after qualification) apply.
    alice.get(START)
    for earlier, earlier_data in answers().items():
        if earlier == url:
            break
        alice.post(earlier, earlier_data)
    response = alice.post(url, data)
    assert response.status_code == 200
    html = page_text(response)
    assert "<title>Error: " in html
    assert 'class="govuk-error-summary"' in html
    assert f'<a href="#{field_id}">{message}' in html, html[html.find("govuk-error-summary") :][:800]
    assert 'class="govuk-error-message"' in html
    assert f'id="{field_id}"' in html
    # The page's answers were not kept: the check page still sends the co-ordinator back here.
    assert alice.get(CHECK).url == url
    assert registrations(unscoped) == []


def test_date_errors_mark_only_the_boxes_with_the_problem(alice):
    alice.get(START)
    html = page_text(
        alice.post(QUALIFICATION, {"qualification_date_day": "1", "qualification_date_year": "2026"})
    )
    month = html[html.find('id="id_qualification_date_month"') - 200 :][:400]
    day = html[html.find('id="id_qualification_date_day"') - 200 :][:400]
    assert "govuk-input--error" in month
    assert "govuk-input--error" not in day
    # The typed values are shown again.
    assert 'value="2026"' in html


def test_social_work_england_numbers_are_stored_upper_case_without_spaces(alice, unscoped):
    walk(alice, answers(**{SWE: {"swe_number": " sw 98 76 54 "}}))
    alice.post(CHECK)
    [registration] = registrations(unscoped)
    assert registration.swe_number == "SW987654"


# --- check your answers and change links ---------------------------------------------------------


def test_change_links_return_to_the_check_page(alice, unscoped):
    walk(alice)
    html = page_text(alice.get(CHECK))
    for url in (SERVICE_AREA, NAME, SWE, QUALIFICATION, START_DATE, HOURS):
        assert f'href="{url}?change=1"' in html, url
    # The page shows the answer already given, and its back link goes to the check page.
    page = page_text(alice.get(f"{HOURS}?change=1"))
    assert 'value="37"' in page and f'href="{CHECK}" class="govuk-back-link"' in page
    response = alice.post(f"{HOURS}?change=1", {"contracted_hours": "18.5"})
    assert response.status_code == 302 and response.url == CHECK
    assert "18.5 hours" in page_text(alice.get(CHECK))
    response = alice.post(f"{NAME}?change=1", {"first_name": "Adaeze", "last_name": "Okafor", "email": ""})
    assert response.url == CHECK
    html = page_text(alice.get(CHECK))
    assert "Adaeze Okafor" in html and "Not given" in html
    alice.post(CHECK)
    [registration] = registrations(unscoped)
    assert registration.first_name == "Adaeze" and registration.contracted_hours == 18.5
    assert registration.email == ""


def test_answers_no_longer_valid_at_the_check_page_send_the_co_ordinator_back(alice, unscoped):
    walk(alice)
    # However the kept answers became invalid (a rule changed, another tab), the check page checks
    # them all again and sends the co-ordinator to the first page with a problem, which shows it.
    session = alice.session
    key = next(k for k in session.keys() if k.startswith("programmes.register_nqsw.") and "created" not in k)
    journey = session[key]
    journey["answers"]["start_date"] = (QUALIFIED - datetime.timedelta(days=1)).isoformat()
    session[key] = journey
    session.save()
    response = alice.get(CHECK)
    assert response.status_code == 302 and response.url == f"{START_DATE}?change=1"
    html = page_text(alice.get(response.url))
    assert "<title>Error: " in html
    assert "The start date must be on or after the qualification date" in html
    assert alice.post(CHECK).url == f"{START_DATE}?change=1"
    assert registrations(unscoped) == []
    # Putting it right returns to the check page, and the error is gone.
    assert alice.post(f"{START_DATE}?change=1", date_data("start_date", TODAY)).url == CHECK
    assert alice.get(CHECK).status_code == 200
    assert "There is a problem" not in page_text(alice.get(f"{START_DATE}?change=1"))


def test_an_nqsw_already_registered_here_is_caught_on_the_check_page(alice, register, employer_a, unscoped):
    register(employer_a, swe_number="SW123456")
    walk(alice)
    response = alice.get(CHECK)
    assert response.status_code == 302 and response.url == f"{SWE}?change=1"
    html = page_text(alice.get(response.url))
    assert "This NQSW is already registered with you" in html and "<title>Error: " in html
    # A different number clears the error and the journey carries on to the check page.
    assert alice.post(f"{SWE}?change=1", {"swe_number": "SW555555"}).url == CHECK
    assert alice.post(CHECK).url == CONFIRMATION
    assert len(registrations(unscoped)) == 2


def test_the_check_page_sends_unfinished_journeys_to_the_first_unanswered_question(alice):
    alice.get(START)
    assert alice.get(CHECK).url == SERVICE_AREA
    alice.post(SERVICE_AREA, {"service_area": "adults"})
    alice.post(NAME, {"first_name": "Ada", "last_name": "Okafor"})
    assert alice.get(CHECK).url == SWE
    assert alice.post(CHECK).url == SWE


def test_an_abandoned_journey_saves_nothing_and_starting_again_forgets_it(alice, unscoped):
    alice.get(START)
    for url, data in list(answers().items())[:4]:
        alice.post(url, data)
    assert registrations(unscoped) == []
    alice.get(START)
    html = page_text(alice.get(SERVICE_AREA))
    assert "checked" not in html
    assert alice.get(CHECK).url == SERVICE_AREA
    assert registrations(unscoped) == []


def test_answers_belong_to_the_employer_they_were_given_for(client, login, employer_a, employer_b, unscoped):
    both = employer_a.coordinator
    MembershipFactory(user=both, employer=employer_b.employer, role=Role.COORDINATOR)
    login(both, employer_a.employer)
    walk(client)
    session = client.session
    session[ACTIVE_EMPLOYER_SESSION_KEY] = employer_b.employer.pk
    session.save()
    # Acting for B, A's answers are not there: nothing can be registered at B with them.
    assert client.get(CHECK).url == SERVICE_AREA
    assert client.post(CHECK).url == SERVICE_AREA
    assert registrations(unscoped) == []


@pytest.mark.parametrize("role", ["assessor", "line_manager", "nqsw"])
def test_only_co_ordinators_register(client, login, employer_a, role, unscoped):
    login(getattr(employer_a, role))
    for url in [START, *PAGES, CONFIRMATION]:
        assert client.get(url).status_code == 403, url
    assert client.post(SERVICE_AREA, {"service_area": "adults"}).status_code == 403
    assert client.post(CHECK).status_code == 403
    assert registrations(unscoped) == []


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(SERVICE_AREA)
    assert response.status_code == 302 and "login" in response.url


# --- a registration needing national review tells B nothing about A -------------------------------


def test_needing_national_review_never_names_the_other_employer(
    client, login, employer_a, employer_b, register, unscoped
):
    register(employer_a, swe_number="SW123456")
    login(employer_b.coordinator)
    walk(client)
    check = page_text(client.get(CHECK))
    assert client.post(CHECK).url == CONFIRMATION
    [registration] = registrations(unscoped, employer=employer_b.employer)
    # B is told what anyone is told (issue #12, finding 8): national staff alone see the review.
    assert registration.funding_status == FundingStatus.AWAITING_APPROVAL
    confirmation = page_text(client.get(CONFIRMATION))
    assert "Awaiting national approval" in confirmation
    assert "national review" not in confirmation.lower()
    pages = [check, confirmation]
    for url in (
        reverse("programmes:list"),
        reverse("programmes:detail", args=[registration.pk]),
        reverse("programmes:change", args=[registration.pk]),
        reverse("programmes:defer", args=[registration.pk]),
        reverse("programmes:extend", args=[registration.pk]),
        reverse("programmes:withdraw", args=[registration.pk]),
        reverse("programmes:assessor", args=[registration.pk]),
        reverse("programmes:line_manager", args=[registration.pk]),
        # (The transfer page lists every employer by name, as all employers' names are public.)
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(page_text(response))
    for html in pages:
        for leaked in (employer_a.employer.name, "Alphashire", employer_a.coordinator.email):
            assert leaked not in html
