"""Issue #11, finding 7: the same name and email registered twice with different Social Work England
numbers gave no warning. The check-answers page now warns when the same person (same first and last name,
whatever the case, with the same qualification date; or the same email address) is already registered
with this employer, at any status, and names that registration. Another employer's are never mentioned.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from asye.tenancy.db import tenant_context
from programmes import services
from tests.programmes.conftest import actor_for
from tests.programmes.test_views_register import CHECK, NAME, QUALIFIED, SWE, answers, walk
from tests.today import days_ago

pytestmark = pytest.mark.django_db

WARNING = "already registered with you"


@pytest.fixture
def alice(client, login, employer_a):
    login(employer_a.coordinator)
    return client


def check_page(client, **pages) -> str:
    walk(client, answers(**pages))
    response = client.get(CHECK)
    assert response.status_code == 200
    return re.sub(r'(nonce|value)="[^"]+"', "", response.content.decode())


def test_same_name_and_qualification_date_with_another_number_is_warned(alice, register, employer_a):
    earlier = register(
        employer_a,
        first_name="ADA",
        last_name="okafor",
        email="ada@old.example",
        swe_number="SW630001",
        qualification_date=QUALIFIED,
    )
    html = check_page(alice)  # Ada Okafor, SW123456, another email
    assert WARNING in html and "govuk-warning-text" in html
    assert reverse("programmes:detail", args=[earlier.pk]) in html
    assert "SW630001" in html


def test_same_email_with_another_name_and_number_is_warned(alice, register, employer_a):
    earlier = register(
        employer_a,
        first_name="Grace",
        last_name="Hopper",
        email="ada.okafor@example.org",
        swe_number="SW630006",
    )
    html = check_page(alice)
    assert WARNING in html and reverse("programmes:detail", args=[earlier.pk]) in html


def test_a_withdrawn_registration_is_warned_about_too(alice, register, employer_a):
    earlier = register(employer_a, email="ada.okafor@example.org", swe_number="SW630002")
    with tenant_context(employer_a.employer.pk):
        services.registration_withdraw(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=earlier,
            on=earlier.start_date,
            reason="Registered with the wrong number",
        )
    html = check_page(alice)
    assert WARNING in html and "Withdrawn" in html


def test_someone_else_with_the_same_name_is_not_warned_about(alice, register, employer_a):
    register(employer_a, email="another@example.org", qualification_date=days_ago(400), swe_number="SW630003")
    assert WARNING not in check_page(alice)


def test_another_employers_registration_is_never_mentioned(client, login, register, employer_a, employer_b):
    login(employer_a.coordinator)
    nobody = check_page(client, **{SWE: {"swe_number": "SW630009"}})
    register(
        employer_b,
        first_name="Ada",
        last_name="Okafor",
        email="ada.okafor@example.org",
        qualification_date=QUALIFIED,
        swe_number="SW630004",
    )
    somebody = check_page(client, **{SWE: {"swe_number": "SW630009"}})
    assert WARNING not in somebody and "SW630004" not in somebody
    assert somebody == nobody


def test_the_warning_does_not_stop_registering(alice, register, employer_a, unscoped):
    register(employer_a, email="ada.okafor@example.org", swe_number="SW630005")
    walk(
        alice,
        answers(**{NAME: {"first_name": "Ada", "last_name": "Okafor", "email": "ada.okafor@example.org"}}),
    )
    assert alice.post(CHECK).url == reverse("programmes:register_confirmation")
