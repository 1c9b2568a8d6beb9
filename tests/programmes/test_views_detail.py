"""One registration's page and the co-ordinator's actions on it, by role.

Alice is A's co-ordinator, Bob A's assessor; the line manager and the NQSW only read.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils.html import escape

from asye.accounts.models import Role
from asye.tenancy.db import tenant_context
from programmes import services
from programmes.models import AssessorAllocation, FundingStatus, Registration, RegistrationStatus
from tests.factories import person
from tests.programmes.conftest import QUALIFIED, STARTED, actor_for
from tests.programmes.test_transfers import transfer

pytestmark = pytest.mark.django_db


def day(n: int) -> datetime.date:
    """The ``n``th day of the programme, which started eleven weeks before today (on 7 September 2026,
    when these tests were written on 23 November 2026)."""
    return STARTED + datetime.timedelta(days=n)


def long_date(on: datetime.date) -> str:
    return f"{on.day} {on:%B %Y}"


DEFERRED_ON = day(24)  # 1 October 2026 when written
RESUMED_ON = day(55)  # 1 November 2026

ACTIONS = ("change", "defer", "resume", "extend", "withdraw", "transfer", "assessor", "line_manager")


def act(tenant, service, **kwargs):
    actor = actor_for(tenant.coordinator, tenant.employer)
    with tenant_context(tenant.employer.pk):
        return service(actor=actor, **kwargs)


def url(name: str, registration) -> str:
    return reverse(f"programmes:{name}", args=[registration.pk])


def fresh(registration, unscoped) -> Registration:
    with unscoped():
        return Registration.objects.get(pk=registration.pk)


def date_data(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


@pytest.fixture
def registration(register, employer_a):
    return register(employer_a)


@pytest.fixture
def alice(client, login, employer_a):
    login(employer_a.coordinator)
    return client


def text(response) -> str:
    return response.content.decode()


def followed_banner(response) -> str:
    """The success banner shown on the page a successful action redirects to."""
    assert response.status_code == 200
    html = text(response)
    assert "govuk-notification-banner--success" in html
    start = html.find("govuk-notification-banner__heading")
    return html[start : start + 300]


# --- the record ----------------------------------------------------------------------------------


def test_co_ordinator_sees_the_record_timeline_and_actions(alice, employer_a, registration):
    act(
        employer_a,
        services.registration_allocate_assessor,
        registration=registration,
        assessor_id=employer_a.assessor.pk,
    )
    response = alice.get(url("detail", registration))
    assert response.status_code == 200
    html = text(response)
    for shown in (
        "Ada Okafor",
        "SW123456",
        long_date(QUALIFIED),
        long_date(STARTED),
        "ASYE: child and family (version 1)",
        "Awaiting national approval",
        "In progress",
        escape(employer_a.assessor.full_name),  # as HTML writes it: O'Brien is O&#x27;Brien
        "3-month review",
        "Direct observation 1",
        "Internal moderation panel",
        "End of programme",
        '<details class="govuk-details"',
        "Supervision 1",
        "The programme has not been deferred.",
        f"?object_type=programmes.registration&amp;object_id={registration.pk}",
        f'href="/registrations/{registration.pk}/support/"',
    ):
        assert shown in html, shown
    for name in ("change", "defer", "extend", "withdraw", "transfer", "assessor", "line_manager"):
        assert f'href="{url(name, registration)}"' in html, name
    assert reverse("accounts:invite") in html
    assert html.count("<h1") == 1


def test_assessor_reads_their_nqsws_registration_only(client, login, employer_a, register):
    mine = register(employer_a, swe_number="SW100001")
    theirs = register(employer_a, swe_number="SW100002", first_name="Grace")
    other = person(role=Role.ASSESSOR, employer=employer_a.employer, email="other@alpha.example")
    act(
        employer_a,
        services.registration_allocate_assessor,
        registration=mine,
        assessor_id=employer_a.assessor.pk,
    )
    act(employer_a, services.registration_allocate_assessor, registration=theirs, assessor_id=other.pk)
    login(employer_a.assessor)
    response = client.get(url("detail", mine))
    assert response.status_code == 200
    html = text(response)
    assert "Ada Okafor" in html
    for name in ACTIONS:
        assert url(name, mine) not in html, name
    assert reverse("accounts:invite") not in html
    # Another assessor's NQSW is as missing as a registration that does not exist.
    assert client.get(url("detail", theirs)).status_code == 404
    assert client.get(reverse("programmes:detail", args=[10**9])).status_code == 404


@pytest.mark.parametrize("role", ["assessor", "line_manager", "nqsw"])
def test_only_co_ordinators_act(client, login, employer_a, registration, role, unscoped):
    act(
        employer_a,
        services.registration_allocate_assessor,
        registration=registration,
        assessor_id=employer_a.assessor.pk,
    )
    act(
        employer_a,
        services.registration_set_line_manager,
        registration=registration,
        line_manager_id=employer_a.line_manager.pk,
    )
    before = fresh(registration, unscoped)
    login(getattr(employer_a, role))
    for name in ACTIONS:
        assert client.get(url(name, registration)).status_code == 403, name
        response = client.post(
            url(name, registration),
            {
                "version": before.version,
                "first_name": "X",
                "last_name": "Y",
                "contracted_hours": "20",
                "confirm": "yes",
            },
        )
        assert response.status_code == 403, name
    after = fresh(registration, unscoped)
    assert (after.version, after.first_name, after.status) == (
        before.version,
        before.first_name,
        before.status,
    )
    # The line manager reads the NQSW's record without any action; an NQSW cannot open it here.
    expected = 403 if role == "nqsw" else 200
    assert client.get(url("detail", registration)).status_code == expected


# --- change details, and the stale version ------------------------------------------------------


def test_change_details(alice, registration, unscoped):
    page = text(alice.get(url("change", registration)))
    assert 'value="ada.okafor@example.org"' in page and 'value="37"' in page
    assert f'value="{registration.version}"' in page
    # The name is corrected with a reason (programmes.corrections), not changed here.
    assert 'name="first_name"' not in page and url("correct", registration) in page
    response = alice.post(
        url("change", registration),
        {"email": "Adaeze@Example.org", "contracted_hours": "22.5", "version": registration.version},
        follow=True,
    )
    assert "details have been updated" in followed_banner(response)
    after = fresh(registration, unscoped)
    assert after.first_name == "Ada" and after.email == "adaeze@example.org"
    assert after.contracted_hours == Decimal("22.5") and after.version == registration.version + 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "contracted_hours": "37"}, "Enter an email address in the correct format"),
        ({"contracted_hours": "abc"}, "Enter contracted hours a week as a number"),
        ({"contracted_hours": "60"}, "Contracted hours must be between 1 and 48 a week"),
        ({"contracted_hours": ""}, "Enter contracted hours a week"),
    ],
)
def test_change_details_errors(alice, registration, unscoped, data, message):
    response = alice.post(url("change", registration), {"version": registration.version, **data})
    assert response.status_code == 200
    html = text(response)
    assert "<title>Error: " in html and "govuk-error-summary" in html and message in html
    assert fresh(registration, unscoped).version == registration.version


def test_a_stale_change_is_refused_with_a_message(alice, employer_a, registration, unscoped):
    read_at = registration.version
    # Someone else changes the registration after Alice opened the page.
    act(
        employer_a,
        services.registration_update,
        registration=registration,
        version=read_at,
        email="adaeze@example.org",
    )
    response = alice.post(
        url("change", registration),
        {"email": "ada@example.org", "contracted_hours": "30", "version": read_at},
    )
    assert response.status_code == 409
    html = text(response)
    assert "This registration was changed by someone else. Reload it and try again." in html
    assert "Reload the page" in html and "<title>Error: " in html
    after = fresh(registration, unscoped)
    assert (after.email, after.contracted_hours, after.version) == ("adaeze@example.org", 37, read_at + 1)


def test_a_stale_deferral_is_refused_and_nothing_is_kept(alice, employer_a, registration, unscoped):
    read_at = registration.version
    act(employer_a, services.registration_extend, registration=registration, days=10, reason="Sick leave")
    response = alice.post(
        url("defer", registration),
        {**date_data("started_on", DEFERRED_ON), "reason": "Illness", "version": read_at},
    )
    assert response.status_code == 409
    after = fresh(registration, unscoped)
    assert after.status == RegistrationStatus.ACTIVE
    with unscoped():
        assert not after.deferrals.exists()


# --- defer, resume, extend ------------------------------------------------------------------------


def test_defer_and_resume(alice, registration, unscoped):
    assert alice.get(url("defer", registration)).status_code == 200
    response = alice.post(
        url("defer", registration),
        {
            **date_data("started_on", DEFERRED_ON),
            "reason": "Illness",
            "version": registration.version,
        },
        follow=True,
    )
    assert "deferred" in followed_banner(response)
    after = fresh(registration, unscoped)
    assert after.status == RegistrationStatus.DEFERRED
    html = text(response)
    assert long_date(DEFERRED_ON) in html and "Still deferred" in html and "Illness" in html
    assert url("resume", registration) in html and url("defer", registration) not in html

    response = alice.post(
        url("resume", registration),
        {**date_data("ended_on", RESUMED_ON), "version": after.version},
        follow=True,
    )
    assert "resumed" in followed_banner(response)
    assert fresh(registration, unscoped).status == RegistrationStatus.ACTIVE


@pytest.mark.parametrize(
    ("data", "message", "field_id"),
    [
        ({"reason": "Illness"}, "Enter the date the deferral starts", "id_started_on_day"),
        (
            {**date_data("started_on", DEFERRED_ON), "reason": ""},
            "Enter the reason for the deferral",
            "id_reason",
        ),
        (
            {
                "started_on_day": "1",
                "started_on_month": "13",
                "started_on_year": str(STARTED.year),
                "reason": "Illness",
            },
            "The date the deferral starts must be a real date",
            "id_started_on_day",
        ),
        (
            {**date_data("started_on", day(-6)), "reason": "Illness"},
            "The deferral must start on or after the programme&#x27;s start date",
            "id_started_on_day",
        ),
    ],
)
def test_defer_errors(alice, registration, unscoped, data, message, field_id):
    response = alice.post(url("defer", registration), {**data, "version": registration.version})
    assert response.status_code == 200
    html = text(response)
    assert f'<a href="#{field_id}">{message}' in html
    assert fresh(registration, unscoped).status == RegistrationStatus.ACTIVE


def test_resume_when_not_deferred_says_so(alice, registration, unscoped):
    response = alice.post(
        url("resume", registration),
        {**date_data("ended_on", RESUMED_ON), "version": registration.version},
    )
    assert response.status_code == 200
    assert "This registration is not deferred." in text(response)


def test_extend(alice, registration, unscoped):
    for days, message in (("0", "An extension must be between 1 and 365 days"), ("abc", "whole number")):
        response = alice.post(
            url("extend", registration),
            {"days": days, "reason": "Sick leave", "version": registration.version},
        )
        assert response.status_code == 200 and message in text(response)
    response = alice.post(
        url("extend", registration), {"days": "28", "reason": "", "version": registration.version}
    )
    assert "Enter the reason for the extension" in text(response)
    response = alice.post(
        url("extend", registration),
        {"days": "28", "reason": "Sick leave", "version": registration.version},
        follow=True,
    )
    assert "extended" in followed_banner(response)
    assert fresh(registration, unscoped).extension_days == 28
    assert "Extended by 28 days" in text(response)


# --- withdraw and transfer: a confirmation page first --------------------------------------------


def test_withdraw_asks_for_confirmation(alice, registration, unscoped):
    page = text(alice.get(url("withdraw", registration)))
    assert "govuk-warning-text" in page and "stops any completion funding" in page
    data = {
        **date_data("on", day(74)),
        "reason": "Left the council",
        "version": registration.version,
    }
    confirm = alice.post(url("withdraw", registration), data)
    assert confirm.status_code == 200
    html = text(confirm)
    assert "Are you sure you want to withdraw Ada Okafor" in html and "Left the council" in html
    assert 'name="confirm" value="yes"' in html and long_date(day(74)) in html
    assert fresh(registration, unscoped).status == RegistrationStatus.ACTIVE
    response = alice.post(url("withdraw", registration), {**data, "confirm": "yes"}, follow=True)
    assert "withdrawn" in followed_banner(response)
    after = fresh(registration, unscoped)
    assert after.status == RegistrationStatus.WITHDRAWN and after.end_reason == "Left the council"
    html = text(response)
    assert "Withdrawn" in html and url("withdraw", registration) not in html


def test_withdraw_errors_come_before_the_confirmation(alice, registration, unscoped):
    response = alice.post(url("withdraw", registration), {"reason": "", "version": registration.version})
    html = text(response)
    assert (
        "Enter the date the NQSW left the programme" in html and "Enter the reason for the withdrawal" in html
    )
    assert "Are you sure" not in html


def test_transfer_asks_another_employer(alice, employer_a, employer_b, registration, unscoped):
    page = text(alice.get(url("transfer", registration)))
    assert f'<option value="{employer_b.employer.pk}">{employer_b.employer.name}</option>' in page
    assert f'<option value="{employer_a.employer.pk}"' not in page
    data = {
        "to_employer": employer_b.employer.pk,
        **date_data("on", day(115)),
        "version": registration.version,
    }
    confirm = text(alice.post(url("transfer", registration), data))
    assert f"ask {employer_b.employer.name} to take on Ada Okafor" in confirm
    assert fresh(registration, unscoped).status == RegistrationStatus.ACTIVE
    response = alice.post(url("transfer", registration), {**data, "confirm": "yes"}, follow=True)
    assert "has been asked to take on" in followed_banner(response)
    # A request, not a move (#12.2): nothing changes until the other employer accepts.
    assert fresh(registration, unscoped).status == RegistrationStatus.ACTIVE
    with unscoped():
        assert not Registration.objects.filter(transferred_from=registration.pk).exists()
    assert f"Waiting for {employer_b.employer.name}" in text(alice.get(url("detail", registration)))


def test_transfer_needs_an_employer_and_a_date(alice, registration):
    response = alice.post(
        url("transfer", registration), {"to_employer": "999999", "version": registration.version}
    )
    html = text(response)
    assert "Select the employer the NQSW is moving to" in html and "Enter the NQSW&#x27;s last day with you" in html


def test_transferred_in_registration_is_marked_for_the_new_employer(
    client, login, employer_a, employer_b, registration, unscoped
):
    moved = transfer(employer_a, employer_b, registration, on=day(115))
    login(employer_b.coordinator)
    html = text(client.get(url("detail", moved)))
    assert "Transferred in" in html
    assert employer_a.employer.name not in html
    assert client.get(url("detail", registration)).status_code == 404


# --- assessor and line manager -------------------------------------------------------------------


def test_allocate_an_assessor(alice, employer_a, employer_b, registration, unscoped):
    page = text(alice.get(url("assessor", registration)))
    assert "learning agreement" in page and employer_a.assessor.email in page
    assert employer_b.assessor.email not in page
    # Another employer's assessor is not one of the choices.
    response = alice.post(url("assessor", registration), {"person": employer_b.assessor.pk})
    assert response.status_code == 200 and "Select an assessor" in text(response)
    assert fresh(registration, unscoped).assessor_id is None
    response = alice.post(url("assessor", registration), {}, follow=False)
    assert "Select an assessor" in text(response)
    response = alice.post(url("assessor", registration), {"person": employer_a.assessor.pk}, follow=True)
    assert "learning agreement needs to be signed again" in followed_banner(response)
    after = fresh(registration, unscoped)
    assert after.assessor_id == employer_a.assessor.pk and after.learning_agreement_needs_signing
    with unscoped():
        assert AssessorAllocation.objects.filter(registration=registration).count() == 1
    assert "Now" in text(response)


def test_set_the_line_manager(alice, employer_a, registration, unscoped):
    page = text(alice.get(url("line_manager", registration)))
    assert employer_a.line_manager.email in page
    response = alice.post(
        url("line_manager", registration), {"person": employer_a.line_manager.pk}, follow=True
    )
    assert "line manager has been changed" in followed_banner(response)
    assert fresh(registration, unscoped).line_manager_id == employer_a.line_manager.pk


def test_no_assessors_yet_offers_an_invitation(client, login, employer_b, register):
    from asye.accounts.models import Membership
    from asye.tenancy.db import tenant_context as ctx

    registration = register(employer_b)
    with ctx(employer_b.employer.pk):
        Membership.objects.filter(employer=employer_b.employer, role=Role.ASSESSOR).delete()
    login(employer_b.coordinator)
    html = text(client.get(url("assessor", registration)))
    assert "has no assessors yet" in html and reverse("accounts:invite") in html
    assert ">Save</button>" not in html


def test_unfunded_registration_shows_its_note(alice, register, employer_a):
    registration = register(
        employer_a, swe_number="SW100009", qualification_date=STARTED - relativedelta(years=6, months=8)
    )
    assert registration.funding_status == FundingStatus.UNFUNDED
    html = text(alice.get(url("detail", registration)))
    assert "Not eligible for funding" in html and "Qualified more than 4 years" in html
