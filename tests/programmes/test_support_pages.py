"""The support pages: what they show, their forms and error summaries, the NQSW's own page, and the
boundary between employers (another employer's registration is a 404 and nothing is saved)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_context
from programmes.models import (
    CaseloadRecord,
    Deferral,
    ProtectedTimeLog,
    Registration,
    SupervisionSession,
    SupportNeed,
)
from programmes.services import registration_defer
from programmes.support_need_services import support_need_create
from tests.programmes.conftest import STARTED, TODAY, actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today_is_fixed(monkeypatch):
    """Pages and services read today's date: pin it, so the programme is where the tests expect."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


SECRET = "private words about my health"


def linked(register, tenant, **overrides):
    registration = register(tenant, **overrides)
    with tenant_context(tenant.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(
            nqsw=tenant.nqsw, assessor=tenant.assessor, line_manager=tenant.line_manager
        )
        registration.refresh_from_db()
    return registration


@pytest.fixture
def registration(register, employer_a):
    return linked(register, employer_a)


@pytest.fixture
def registration_b(register, employer_b):
    return linked(register, employer_b)


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


# In the programme, before today (1 October 2026 when written).
SESSION_DAY = STARTED + datetime.timedelta(days=24)

GOOD_POSTS = {
    "support:supervision_record": {
        **date_fields("held_on", SESSION_DAY),
        "duration_minutes": "60",
        "reflective": "yes",
    },
    "support:protected_time_log": {
        **date_fields("taken_on", SESSION_DAY),
        "hours": "3.5",
        "activity": "Reading",
    },
    "support:caseload_record": {
        **date_fields("recorded_on", SESSION_DAY),
        "caseload": "19",
        "team_average": "20",
    },
}
MODELS = {
    "support:supervision_record": SupervisionSession,
    "support:protected_time_log": ProtectedTimeLog,
    "support:caseload_record": CaseloadRecord,
}


def counts(tenant) -> dict[str, int]:
    with tenant_context(tenant.employer.pk):
        return {
            "supervision": SupervisionSession.objects.count(),
            "protected": ProtectedTimeLog.objects.count(),
            "caseload": CaseloadRecord.objects.count(),
            "needs": SupportNeed.objects.count(),
            "audit": AuditEvent.objects.count(),
        }


# The support page and its forms -----------------------------------------------------------------------


def test_support_page_shows_figures_and_links(login, client, employer_a, registration):
    login(employer_a.coordinator)
    body = client.get(reverse("support:registration", args=[registration.pk])).content.decode()
    assert "Support and workload" in body and "Ada Okafor" in body
    assert "due so far" in body
    # Against the pro-rata target for the weeks worked, with the percentage and the hours short.
    assert "0% of the 40.7 hours due for 11 weeks worked (40.7 hours short)" in body
    assert "Below target" in body  # nothing logged eleven weeks in
    for name in GOOD_POSTS:
        assert reverse(name, args=[registration.pk]) in body


@pytest.mark.parametrize("name", list(GOOD_POSTS))
def test_each_form_records_and_returns_to_the_support_page(login, client, employer_a, registration, name):
    user = employer_a.nqsw if name == "support:protected_time_log" else employer_a.line_manager
    login(user)
    url = reverse(name, args=[registration.pk])
    assert client.get(url).status_code == 200
    data = dict(GOOD_POSTS[name])
    if name == "support:supervision_record":
        data["supervisor"] = str(user.pk)
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse(
        "support:registration", args=[registration.pk]
    )
    with tenant_context(employer_a.employer.pk):
        assert MODELS[name].objects.count() == 1


def test_caseload_over_the_cap_shows_and_is_audited(login, client, employer_a, registration):
    login(employer_a.line_manager)
    client.post(
        reverse("support:caseload_record", args=[registration.pk]), GOOD_POSTS["support:caseload_record"]
    )
    with tenant_context(employer_a.employer.pk):
        assert AuditEvent.objects.filter(action="caseload.over_cap").count() == 1
    body = client.get(reverse("support:registration", args=[registration.pk])).content.decode()
    assert "Over the cap" in body


@pytest.mark.parametrize(
    ("name", "data", "messages"),
    [
        (
            "support:supervision_record",
            {
                "held_on_day": "40",
                "held_on_month": "1",
                "held_on_year": str(TODAY.year),
                "duration_minutes": "five",
            },
            [
                "Date of the session must be a real date",
                "Enter how long the session lasted as a whole number of minutes",
                "Select yes if it was reflective supervision",
            ],
        ),
        (
            "support:protected_time_log",
            {**date_fields("taken_on", TODAY + datetime.timedelta(days=400)), "hours": "20"},
            ["Enter between a quarter of an hour (0.25) and 12 hours", "Enter what the time was used for"],
        ),
        (
            "support:caseload_record",
            {
                **date_fields("recorded_on", STARTED - datetime.timedelta(days=245)),
                "caseload": "12",
                "team_average": "20",
            },
            [
                "The date of the count must be on or after the programme&#x27;s start date, "
                f"{long_date(STARTED)}"
            ],
        ),
    ],
)
def test_forms_show_the_govuk_error_summary(login, client, employer_a, registration, name, data, messages):
    login(employer_a.coordinator)
    before = counts(employer_a)
    response = client.post(reverse(name, args=[registration.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in body and "<title>Error: " in body
    for message in messages:
        assert message in body
    assert counts(employer_a) == before


def test_future_date_is_refused_by_the_service_and_shown_on_the_field(
    login, client, employer_a, registration
):
    login(employer_a.nqsw)
    tomorrow = TODAY + datetime.timedelta(days=1)
    data = {**GOOD_POSTS["support:protected_time_log"], **date_fields("taken_on", tomorrow)}
    body = client.post(reverse("support:protected_time_log", args=[registration.pk]), data).content.decode()
    assert "must be today or in the past" in body
    # On the date input (its first box gets the summary's link), not only in the summary.
    assert 'href="#id_taken_on_day"' in body and 'id="taken_on-error"' in body


def test_assessor_of_another_nqsw_gets_404_and_nqsw_cannot_open_anothers(login, client, register, employer_a):
    other = register(employer_a, swe_number="SW900003", email="other@example.org")
    login(employer_a.assessor)
    url = reverse("support:supervision_record", args=[other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, GOOD_POSTS["support:supervision_record"]).status_code == 404
    login(employer_a.nqsw)
    url = reverse("support:protected_time_log", args=[other.pk])
    assert client.post(url, GOOD_POSTS["support:protected_time_log"]).status_code == 404
    assert counts(employer_a)["supervision"] == counts(employer_a)["protected"] == 0


def test_wrong_role_is_refused(login, client, employer_a, registration):
    login(employer_a.nqsw)
    assert client.get(reverse("support:caseload_record", args=[registration.pk])).status_code == 403
    assert client.get(reverse("support:needs")).status_code == 403
    login(employer_a.assessor)
    assert client.get(reverse("support:caseload_record", args=[registration.pk])).status_code == 403


# Isolation --------------------------------------------------------------------------------------------


OBJECT_PAGES = [
    "support:registration",
    "support:supervision_record",
    "support:protected_time_log",
    "support:caseload_record",
]


@pytest.mark.parametrize("name", OBJECT_PAGES)
def test_another_employers_registration_is_404_and_nothing_is_saved(
    login, client, employer_a, employer_b, registration_b, name
):
    login(employer_a.coordinator)
    before = counts(employer_b)
    url = reverse(name, args=[registration_b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, GOOD_POSTS.get(name, {})).status_code == 404
    assert client.post(url, {"confirm": "yes"}).status_code == 404
    assert client.get(reverse(name, args=[10**9])).status_code == 404
    assert counts(employer_b) == before


def test_another_employers_support_need_is_404_and_unchanged(
    login, client, employer_a, employer_b, registration_b
):
    with tenant_context(employer_b.employer.pk):
        need = support_need_create(
            actor=actor_for(employer_b.nqsw, employer_b.employer),
            registration=registration_b,
            kind="access_to_work",
            requested_on=SESSION_DAY,
            detail=SECRET,
            today=TODAY,
        )
    for user in (employer_a.coordinator, employer_a.nqsw):
        login(user)
        for name in ("support:need", "support:need_change"):
            url = reverse(name, args=[need.pk])
            response = client.get(url)
            assert response.status_code == 404
            assert SECRET not in response.content.decode()
            data = {"status": "declined", "detail": "x", "version": "1"}
            assert client.post(url, data).status_code == 404
            assert client.get(reverse(name, args=[10**9])).status_code == 404
    login(employer_a.coordinator)
    assert client.get(reverse("support:need", args=[need.pk])).status_code == 404
    assert "There are no open support needs" in client.get(reverse("support:needs")).content.decode()
    with tenant_context(employer_b.employer.pk):
        need.refresh_from_db()
    assert need.status == "requested" and need.version == 1 and need.detail == SECRET


# The NQSW's own page ----------------------------------------------------------------------------------


def test_my_programme_offers_the_registration_by_email_and_links_it_once_confirmed(
    login, client, register, employer_a
):
    # Never linked by the email address alone (#12.2): the NQSW confirms it with its SWE number.
    registration = register(employer_a, email=employer_a.nqsw.email)
    login(employer_a.nqsw)
    offered = client.get(reverse("support:my_programme")).content.decode()
    confirm = reverse("support:confirm_registration", args=[registration.pk])
    assert "Confirm it is yours" in offered and confirm in offered
    with tenant_context(employer_a.employer.pk):
        registration.refresh_from_db()
    assert registration.nqsw_id is None
    wrong = client.post(confirm, {"swe_number": "SW999999"})
    assert wrong.status_code == 200 and "This is not the Social Work England number" in wrong.content.decode()
    assert client.post(confirm, {"swe_number": registration.swe_number}).status_code == 302
    response = client.get(reverse("support:my_programme"))
    body = response.content.decode()
    assert response.status_code == 200
    with tenant_context(employer_a.employer.pk):
        registration.refresh_from_db()
        assert AuditEvent.objects.filter(action="registration.claimed_by_nqsw").count() == 1
    assert registration.nqsw_id == employer_a.nqsw.pk
    assert client.get(confirm).status_code == 404  # linked: nothing left to confirm
    assert "Due next" in body and "Your timeline" in body
    assert "Internal moderation panel" in body and "Supervision" in body
    assert "Protected development time" in body and "Below target" in body
    assert "/calendar/" in body and ".ics" in body


def test_my_programme_does_not_claim_another_employers_registration(
    login, client, register, employer_a, employer_b
):
    # Employer B registered someone with A's NQSW's email address: A's NQSW must not see or claim it.
    other = register(employer_b, email=employer_a.nqsw.email)
    login(employer_a.nqsw)
    body = client.get(reverse("support:my_programme")).content.decode()
    assert "We cannot find your registration" in body
    with tenant_context(employer_b.employer.pk):
        other.refresh_from_db()
    assert other.nqsw_id is None


def test_my_programme_shows_a_deferral(login, client, employer_a, registration):
    with tenant_context(employer_a.employer.pk):
        registration_defer(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=registration,
            started_on=SESSION_DAY + datetime.timedelta(days=31),
            reason="Leave",
        )
        assert Deferral.objects.count() == 1
    login(employer_a.nqsw)
    body = client.get(reverse("support:my_programme")).content.decode()
    paused_on = SESSION_DAY + datetime.timedelta(days=31)
    assert f"Your programme is paused since {long_date(paused_on)}" in body


def test_my_programme_calendar_link_works_without_a_session(login, client, employer_a, registration):
    login(employer_a.nqsw)
    response = client.get(reverse("support:my_programme"))
    feed = response.context["feed_url"]
    client.logout()
    calendar = client.get(feed)
    assert calendar.status_code == 200 and calendar.content.startswith(b"BEGIN:VCALENDAR\r\n")
