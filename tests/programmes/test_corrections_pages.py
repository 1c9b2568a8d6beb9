"""Correcting a registration through the pages: a question page, check your answers, then the correction
saved with its reason and shown on the registration's page with the old and new values.

Alice is A's co-ordinator; B's registrations are out of her reach (404, and nothing changes).
"""

from __future__ import annotations

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from asye.tenancy.db import tenant_context
from programmes import services
from programmes.models import Registration, RegistrationCorrection
from tests.programmes.conftest import QUALIFIED, STARTED, actor_for
from tests.programmes.test_views_isolation import make_registration as make_b_registration

pytestmark = pytest.mark.django_db


def url(name: str, registration) -> str:
    return reverse(f"programmes:{name}", args=[registration.pk])


def date_data(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def answers(registration, **overrides) -> dict[str, str]:
    """The question page's form data: the registration as it is, with ``overrides``."""
    data = {
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "swe_number": registration.swe_number,
        **date_data("qualification_date", registration.qualification_date),
        **date_data("start_date", registration.start_date),
        "reason": "Two digits were swapped when we registered",
        "version": str(registration.version),
    }
    data.update(overrides)
    return data


def fresh(registration, unscoped) -> Registration:
    with unscoped():
        return Registration.objects.get(pk=registration.pk)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def registration(register, employer_a):
    return register(employer_a)


@pytest.fixture
def alice(client, login, employer_a):
    login(employer_a.coordinator)
    return client


def test_correcting_a_number_through_the_pages(alice, registration, unscoped):
    page = alice.get(url("correct", registration))
    assert page.status_code == 200
    html = text(page)
    assert html.count("<h1") == 1 and "novalidate" in html
    assert 'value="SW123456"' in html and 'value="Ada"' in html and f'value="{registration.version}"' in html

    response = alice.post(url("correct", registration), answers(registration, swe_number="sw 654321"))
    assert response.status_code == 302 and response.url == url("correct_check", registration)
    assert fresh(registration, unscoped).swe_number == "SW123456"  # nothing saved before confirming

    check = text(alice.get(url("correct_check", registration)))
    for shown in ("Check the correction", "SW123456", "SW654321", "Two digits were swapped"):
        assert shown in check, shown
    assert url("correct", registration) in check  # a Change link back to the question

    done = alice.post(url("correct_check", registration), follow=True)
    assert done.status_code == 200
    assert "has been corrected" in text(done)
    after = fresh(registration, unscoped)
    assert after.swe_number == "SW654321" and after.version == registration.version + 1
    detail = text(alice.get(url("detail", registration)))
    history = detail[detail.index("Corrections") :]
    for shown in ("Social Work England number", "SW123456", "SW654321", "Two digits were swapped"):
        assert shown in history, shown
    # The answers are gone: the check page sends Alice back to the question.
    assert alice.get(url("correct_check", registration)).url == url("correct", registration)


def test_dates_are_corrected_and_shown_long(alice, registration, unscoped):
    new_start = STARTED + datetime.timedelta(days=3)
    alice.post(url("correct", registration), answers(registration, **date_data("start_date", new_start)))
    check = text(alice.get(url("correct_check", registration)))
    assert f"{STARTED.day} {STARTED:%B %Y}" in check and f"{new_start.day} {new_start:%B %Y}" in check
    assert "due dates move" in check
    alice.post(url("correct_check", registration))
    assert fresh(registration, unscoped).start_date == new_start


def test_the_check_page_says_when_funding_changes(alice, registration):
    long_ago = STARTED - relativedelta(years=4, months=2)
    alice.post(
        url("correct", registration), answers(registration, **date_data("qualification_date", long_ago))
    )
    check = text(alice.get(url("correct_check", registration)))
    assert "Not eligible for funding" in check and "more than 4 years" in check


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": ""}, "Enter the reason for the correction"),
        ({}, "You have not changed anything"),
        ({"swe_number": "12345"}, "Enter a Social Work England number in the correct format"),
        ({"first_name": ""}, "Enter the NQSW&#x27;s first name"),
        ({"qualification_date_year": "0001"}, "The qualification date must be on or after"),
        ({"start_date_month": "13"}, "The start date must be a real date"),
    ],
)
def test_problems_are_shown_on_the_question_page(alice, registration, unscoped, overrides, message):
    data = answers(registration, **overrides)
    if not overrides:
        data["reason"] = "Checking"
    response = alice.post(url("correct", registration), data)
    assert response.status_code == 200
    html = text(response)
    assert "govuk-error-summary" in html and "<title>Error: " in html and message in html, html[:3000]
    assert fresh(registration, unscoped).version == registration.version


def test_a_stale_correction_gets_the_stale_save_page(alice, employer_a, registration, unscoped):
    alice.post(url("correct", registration), answers(registration, swe_number="SW654321"))
    # Someone else corrects the name after Alice checked her answers.
    with tenant_context(employer_a.employer.pk):
        from programmes.corrections import registration_correct

        registration_correct(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=registration,
            version=registration.version,
            reason="Spelling",
            first_name="Adaeze",
        )
    response = alice.post(url("correct_check", registration))
    assert response.status_code == 409
    html = text(response)
    assert "This registration was changed by someone else" in html and "govuk-error-summary" in html
    after = fresh(registration, unscoped)
    assert (after.first_name, after.swe_number) == ("Adaeze", "SW123456")
    with unscoped():
        assert RegistrationCorrection.objects.filter(field="swe_number").count() == 0


@pytest.mark.parametrize("role", ["assessor", "line_manager", "nqsw"])
def test_only_the_coordinator_corrects(role, client, login, employer_a, registration, unscoped):
    login(getattr(employer_a, role))
    for name in ("correct", "correct_check"):
        assert client.get(url(name, registration)).status_code == 403
        response = client.post(url(name, registration), answers(registration, swe_number="SW654321"))
        assert response.status_code == 403
    assert fresh(registration, unscoped).swe_number == "SW123456"


def test_another_employers_registration_is_404_and_unchanged(client, login, employer_a, employer_b, unscoped):
    theirs = make_b_registration(employer_b, unscoped)
    before = fresh(theirs, unscoped)
    login(employer_a.coordinator)
    for name in ("correct", "correct_check"):
        assert client.get(url(name, theirs)).status_code == 404
        assert client.post(url(name, theirs), answers(theirs, swe_number="SW654321")).status_code == 404
    # Answers for B's id planted in A's session change nothing either.
    session = client.session
    session[f"programmes.correct.{employer_a.employer.pk}.{theirs.pk}"] = {
        "answers": {"swe_number": "SW654321"},
        "reason": "x",
        "version": theirs.version,
    }
    session.save()
    assert client.post(url("correct_check", theirs)).status_code == 404
    after = fresh(theirs, unscoped)
    assert (after.swe_number, after.version) == (before.swe_number, before.version)
    with unscoped():
        assert not RegistrationCorrection.objects.exists()
    missing = reverse("programmes:correct", args=[10**9])
    assert client.get(missing).status_code == 404


def test_the_registration_page_links_each_detail_to_its_correction(alice, registration):
    html = text(alice.get(url("detail", registration)))
    correct = re.escape(url("correct", registration))
    for hidden in ("name", "Social Work England number", "qualification date", "start date"):
        assert re.search(
            rf'href="{correct}[^"]*">Change<span class="govuk-visually-hidden"> {hidden}</span>', html
        ), hidden


def test_names_are_corrected_with_a_reason_not_changed_without_one(alice, registration, unscoped):
    html = text(alice.get(url("change", registration)))
    assert 'name="first_name"' not in html and 'name="email"' in html
    alice.post(
        url("change", registration),
        {"first_name": "Mallory", "email": "", "contracted_hours": "37", "version": registration.version},
    )
    assert fresh(registration, unscoped).first_name == "Ada"


def test_the_history_is_shown_to_the_assessor_too(client, login, employer_a, registration, unscoped):
    with tenant_context(employer_a.employer.pk):
        from programmes.corrections import registration_correct

        actor = actor_for(employer_a.coordinator, employer_a.employer)
        registration = services.registration_allocate_assessor(
            actor=actor, registration=registration, assessor_id=employer_a.assessor.pk
        )
        registration_correct(
            actor=actor,
            registration=registration,
            version=registration.version,
            reason="Qualification certificate checked",
            qualification_date=QUALIFIED - datetime.timedelta(days=1),
        )
    login(employer_a.assessor)
    html = text(client.get(url("detail", registration)))
    assert "Qualification certificate checked" in html
    assert re.search(r"Qualification date", html)
