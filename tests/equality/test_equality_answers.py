"""The NQSW answers the equality monitoring questions about themselves, sees and changes them."""

from __future__ import annotations

import datetime
import json

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse

from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_context
from equality.models import EqualityMonitoring
from equality.services import age_band_at, equality_monitoring_save
from programmes.models import Registration, RegistrationStatus
from tests.equality.conftest import as_person
from tests.programmes.conftest import STARTED, TODAY, actor_for

pytestmark = pytest.mark.django_db


def _born() -> datetime.date:
    """The day after 25 years before the programme's start: 24 on the start date, 25 the day after
    (8 September 2001 when written, for a start on 7 September 2026)."""
    born = STARTED - relativedelta(years=25) + datetime.timedelta(days=1)
    if (born.month, born.day) == (2, 29):  # keep a day that every year has, as the tests change the year
        born += datetime.timedelta(days=1)
    return born


BORN = _born()
# The latest date of birth for someone on the programme: 16 on the start date.
LATEST_BIRTH = STARTED - relativedelta(years=16)

ANSWERS_URL = "/equality/answers/"
MINE_URL = "/equality/"


def post_answers(client, **overrides):
    data = {
        "gender": "female",
        "age_answer": "date",
        "dob_day": str(BORN.day),
        "dob_month": str(BORN.month),
        "dob_year": str(BORN.year),
        "ethnic_group": "asian",
        "ethnicity_asian": "indian",
        "nationality": "british",
        "disability": "no",
    }
    data.update(overrides)
    return client.post(ANSWERS_URL, {k: v for k, v in data.items() if v is not None})


def stored(unscoped, registration):
    with unscoped():
        return list(EqualityMonitoring.objects.filter(registration=registration))


def test_routes_are_named():
    assert reverse("equality:mine") == MINE_URL
    assert reverse("equality:answer") == ANSWERS_URL
    assert reverse("equality:summary") == "/equality/summary/"


def test_the_page_explains_why_and_links_the_privacy_notice(client, login, employer_a, register_nqsw):
    register_nqsw(employer_a)
    login(employer_a.nqsw)
    for url in (MINE_URL, ANSWERS_URL):
        html = client.get(url).content.decode()
        assert "never used in your assessment or in any funding decision" in html
        assert "only totals for groups of NQSWs, with small numbers hidden" in html
        assert f'href="{reverse("pages:privacy")}"' in html
        assert html.count("<h1") == 1


def test_nqsw_saves_answers_and_only_the_age_band_at_the_start_date_is_kept(
    client, login, employer_a, register_nqsw, unscoped
):
    registration = register_nqsw(employer_a)  # starts on STARTED
    login(employer_a.nqsw)
    # Born on BORN: 24 on the start date (25 the day after), so "Under 25".
    response = post_answers(client)
    assert response.status_code == 302 and response["Location"] == MINE_URL
    (answers,) = stored(unscoped, registration)
    assert answers.person == employer_a.nqsw
    assert answers.employer_id == employer_a.employer.pk
    assert answers.age_band == "under_25"
    assert (answers.gender, answers.ethnic_group, answers.ethnicity_detail) == ("female", "asian", "indian")
    assert (answers.nationality, answers.disability, answers.source) == ("british", "no", "self")

    # No column can hold a date of birth, and none holds it in any form.
    date_columns = [
        f.name
        for f in EqualityMonitoring._meta.concrete_fields
        if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
    ]
    assert date_columns == []
    values = " ".join(str(getattr(answers, f.attname)) for f in EqualityMonitoring._meta.concrete_fields)
    assert str(BORN.year) not in values

    # The audit event says who saved answers and when, never what they were, and not to the employer.
    with unscoped():
        events = list(AuditEvent.objects.all())
    (event,) = [e for e in events if e.action == "equality.saved"]
    assert event.changes == {}
    assert event.employer_id is None
    assert event.actor_user == employer_a.nqsw
    everything = json.dumps(
        [[e.action, e.object_repr, e.object_type, e.object_id, e.changes] for e in events], default=str
    )
    for secret in (str(BORN.year), "female", "indian", "asian", "under_25", "british"):
        assert secret not in everything.lower()

    # The NQSW sees their answers.
    html = client.get(MINE_URL).content.decode()
    assert "Your equality monitoring answers have been saved" in html
    assert "Under 25" in html and "Asian or Asian British: Indian" in html


def test_age_band_is_counted_at_the_programme_start():
    start = datetime.date(2026, 9, 7)
    assert age_band_at(datetime.date(2001, 9, 7), start) == "25_34"
    assert age_band_at(datetime.date(2001, 9, 8), start) == "under_25"
    assert age_band_at(datetime.date(1991, 9, 8), start) == "25_34"
    assert age_band_at(datetime.date(1991, 9, 7), start) == "35_44"
    assert age_band_at(datetime.date(1971, 9, 7), start) == "55_plus"


def test_nqsw_views_and_changes_answers(client, login, employer_a, register_nqsw, unscoped):
    registration = register_nqsw(employer_a)
    login(employer_a.nqsw)
    post_answers(client, dob_year=str(BORN.year - 11))  # 35 on the start date
    html = client.get(ANSWERS_URL).content.decode()
    assert "Change your answers" in html
    assert "Keep my answer: 35 to 44" in html
    assert 'value="keep" checked' in html and 'value="indian" checked' in html

    # Change the gender, keep the age band without giving the date again.
    response = post_answers(client, gender="other", age_answer="keep", dob_day="", dob_month="", dob_year="")
    assert response.status_code == 302
    (answers,) = stored(unscoped, registration)
    assert (answers.gender, answers.age_band, answers.ethnicity_detail) == ("other", "35_44", "indian")

    # A new date of birth replaces the band.
    post_answers(client, dob_year=str(BORN.year - 31))  # 55
    (answers,) = stored(unscoped, registration)
    assert answers.age_band == "55_plus"

    with unscoped():
        assert AuditEvent.objects.filter(action="equality.saved").count() == 3


def test_prefer_not_to_say_is_an_answer_to_every_question(client, login, employer_a, register_nqsw, unscoped):
    registration = register_nqsw(employer_a)
    login(employer_a.nqsw)
    html = client.get(ANSWERS_URL).content.decode()
    # Five questions and the five detailed ethnicity questions.
    assert html.count('value="prefer_not_to_say"') == 10
    response = post_answers(
        client,
        gender="prefer_not_to_say",
        age_answer="prefer_not_to_say",
        ethnic_group="prefer_not_to_say",
        nationality="prefer_not_to_say",
        disability="prefer_not_to_say",
    )
    assert response.status_code == 302
    (answers,) = stored(unscoped, registration)
    assert {
        answers.gender,
        answers.age_band,
        answers.ethnic_group,
        answers.nationality,
        answers.disability,
    } == {"prefer_not_to_say"}
    assert answers.ethnicity_detail == ""  # the detail given under a group not chosen is not read

    # Within a group, the background can be 'prefer not to say' too.
    post_answers(client, ethnic_group="black", ethnicity_black="prefer_not_to_say")
    (answers,) = stored(unscoped, registration)
    assert (answers.ethnic_group, answers.ethnicity_detail) == ("black", "prefer_not_to_say")
    assert "Black, Black British, Caribbean or African" in client.get(MINE_URL).content.decode()


def test_missing_answers_are_shown_with_the_error_summary(client, login, employer_a, register_nqsw, unscoped):
    registration = register_nqsw(employer_a)
    login(employer_a.nqsw)
    response = client.post(ANSWERS_URL, {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Equality monitoring questions" in html
    assert "There is a problem" in html
    for anchor, message in (
        ("id_gender", "Select how you would describe your gender, or select prefer not to say"),
        ("id_age_answer", "Enter your date of birth, or select prefer not to say"),
        ("id_ethnic_group", "Select your ethnic group, or select prefer not to say"),
        ("id_nationality", "Select your nationality, or select prefer not to say"),
        ("id_disability", "Select yes if you consider yourself to have a disability"),
    ):
        assert f'<a href="#{anchor}">{message}' in html
        assert f'id="{anchor}"' in html  # the link reaches the first radio
    assert html.index("#id_gender") < html.index("#id_age_answer") < html.index("#id_disability")
    assert stored(unscoped, registration) == []


@pytest.mark.parametrize(
    ("overrides", "anchor", "message"),
    [
        ({"dob_day": "", "dob_month": "", "dob_year": ""}, "id_dob_day", "Enter your date of birth"),
        ({"dob_month": ""}, "id_dob_month", "Date of birth must include a month"),
        ({"dob_day": "", "dob_year": ""}, "id_dob_day", "Date of birth must include a day and year"),
        ({"dob_month": "13"}, "id_dob_day", "Date of birth must be a real date"),
        ({"dob_month": "x"}, "id_dob_month", "Date of birth must be a real date"),
        ({"dob_year": "01"}, "id_dob_year", "Year must include 4 numbers"),
        ({"dob_year": str(TODAY.year + 1)}, "id_dob_day", "Date of birth must be in the past"),
        (
            {"dob_year": str(LATEST_BIRTH.year + 5)},
            "id_dob_day",
            f"Date of birth must be on or before {LATEST_BIRTH:%-d %B %Y}",
        ),
        ({"dob_year": "1850"}, "id_dob_year", "Date of birth must be after 31 December 1899"),
        ({"ethnicity_asian": ""}, "id_ethnicity_asian", "Select your Asian or Asian British background"),
        (
            {"ethnicity_asian": "african"},
            "id_ethnicity_asian",
            "Select your Asian or Asian British background",
        ),
        ({"gender": "robot"}, "id_gender", "Select how you would describe your gender"),
    ],
)
def test_bad_answers_are_shown_against_their_question(
    client, login, employer_a, register_nqsw, unscoped, overrides, anchor, message
):
    registration = register_nqsw(employer_a)
    login(employer_a.nqsw)
    response = post_answers(client, **overrides)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert f'<a href="#{anchor}">{message}' in html
    assert f'id="{anchor}"' in html
    assert stored(unscoped, registration) == []


def test_a_nested_answer_implies_the_choice_above_it(client, login, employer_a, register_nqsw, unscoped):
    registration = register_nqsw(employer_a)
    login(employer_a.nqsw)
    # A date typed without choosing 'Enter my date of birth'; a background chosen without its group.
    response = post_answers(
        client, age_answer=None, ethnic_group=None, ethnicity_asian=None, ethnicity_mixed="white_and_asian"
    )
    assert response.status_code == 302
    (answers,) = stored(unscoped, registration)
    assert (answers.age_band, answers.ethnic_group, answers.ethnicity_detail) == (
        "under_25",
        "mixed",
        "white_and_asian",
    )
    # Backgrounds in two groups and no group chosen: which one is meant is asked.
    html = post_answers(client, ethnic_group=None, ethnicity_black="african").content.decode()
    assert '<a href="#id_ethnic_group">Select your ethnic group' in html
    # A group chosen explicitly wins over a background under another group.
    html = post_answers(client, ethnic_group="white", ethnicity_asian="indian").content.decode()
    assert '<a href="#id_ethnicity_white">Select your White background' in html


def test_date_errors_mark_the_inputs(client, login, employer_a, register_nqsw):
    register_nqsw(employer_a)
    login(employer_a.nqsw)
    html = post_answers(client, dob_month="").content.decode()
    assert html.count("govuk-input--error") == 1
    assert f'value="{BORN.day}"' in html and f'value="{BORN.year}"' in html  # what was typed is kept
    html = post_answers(client, dob_year=str(TODAY.year + 1)).content.decode()
    assert html.count("govuk-input--error") == 3


def test_a_registration_naming_only_the_nqsws_email_is_theirs_once_they_confirm_it(
    client, login, employer_a, register_nqsw, unscoped
):
    # An email address typed by a co-ordinator proves nothing (#12.2): no answers go on the registration
    # until the NQSW confirms it is theirs on their programme page.
    registration = register_nqsw(employer_a, link=False)
    assert registration.nqsw_id is None and registration.email == employer_a.nqsw.email
    login(employer_a.nqsw)
    assert "You cannot answer the equality monitoring questions yet" in post_answers(client).content.decode()
    assert stored(unscoped, registration) == []
    confirm = reverse("support:confirm_registration", args=[registration.pk])
    assert client.post(confirm, {"swe_number": registration.swe_number}).status_code == 302
    assert post_answers(client).status_code == 302
    (answers,) = stored(unscoped, registration)
    assert answers.person == employer_a.nqsw


def test_without_an_open_registration_nothing_can_be_answered(
    client, login, employer_a, register_nqsw, unscoped
):
    login(employer_a.nqsw)
    assert "once your ASYE co-ordinator has registered you" in client.get(MINE_URL).content.decode()
    assert (
        "You cannot answer the equality monitoring questions yet" in client.get(ANSWERS_URL).content.decode()
    )
    # Someone else's registration (another email, nobody named) is not theirs.
    other = register_nqsw(employer_a, link=False, email="someone.else@example.org")
    response = post_answers(client)
    assert "You cannot answer the equality monitoring questions yet" in response.content.decode()
    # A withdrawn registration is closed.
    registration = register_nqsw(employer_a, swe_number="SW999999")
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.WITHDRAWN)
    post_answers(client)
    with unscoped():
        assert not EqualityMonitoring.objects.filter(registration__in=[other, registration]).exists()


@pytest.mark.parametrize("role", ["coordinator", "assessor", "line_manager"])
def test_only_nqsws_answer(client, login, employer_a, register_nqsw, role):
    register_nqsw(employer_a)
    login(getattr(employer_a, role))
    assert client.get(MINE_URL).status_code == 403
    assert client.get(ANSWERS_URL).status_code == 403
    assert post_answers(client).status_code == 403


def test_an_nqsw_never_sees_another_nqsws_answers(client, login, employer_a, nqsw_at, register_nqsw):
    register_nqsw(employer_a)
    other_user, _ = nqsw_at(employer_a)
    login(other_user)
    post_answers(client, gender="male", dob_year=str(BORN.year - 21))  # 45
    client.logout()
    login(employer_a.nqsw)
    html = client.get(MINE_URL).content.decode()
    assert "You have not answered the questions yet" in html
    assert "Male" not in html and "45 to 54" not in html
    assert "checked" not in client.get(ANSWERS_URL).content.decode()


def test_the_service_refuses_someone_elses_registration(employer_a, employer_b, register_nqsw, nqsw_at):
    registration = register_nqsw(employer_a)
    other_user, _ = nqsw_at(employer_a)
    b_registration = register_nqsw(employer_b)
    answers = {
        "gender": "female",
        "age_band": "prefer_not_to_say",
        "ethnic_group": "white",
        "nationality": "irish",
        "disability": "no",
    }
    actor = actor_for(other_user, employer_a.employer)
    with as_person(other_user, employer_a.employer), pytest.raises(ValidationError):
        equality_monitoring_save(actor=actor, registration=registration, **answers)
    actor = actor_for(employer_a.nqsw, employer_a.employer)
    with as_person(employer_a.nqsw, employer_a.employer), pytest.raises(PermissionDenied):
        equality_monitoring_save(actor=actor, registration=b_registration, **answers)
    # A co-ordinator cannot answer for an NQSW.
    actor = actor_for(employer_a.coordinator, employer_a.employer)
    with as_person(employer_a.coordinator, employer_a.employer), pytest.raises(PermissionDenied):
        equality_monitoring_save(actor=actor, registration=registration, **answers)


def test_the_service_checks_answers(employer_a, register_nqsw):
    registration = register_nqsw(employer_a)
    actor = actor_for(employer_a.nqsw, employer_a.employer)
    base = {
        "gender": "female",
        "ethnic_group": "white",
        "nationality": "irish",
        "disability": "no",
    }
    with as_person(employer_a.nqsw, employer_a.employer):
        with pytest.raises(ValidationError) as both:
            equality_monitoring_save(
                actor=actor,
                registration=registration,
                date_of_birth=datetime.date(1990, 1, 1),
                age_band="25_34",
                **base,
            )
        assert "age_band" in both.value.message_dict
        with pytest.raises(ValidationError) as detail:
            equality_monitoring_save(
                actor=actor,
                registration=registration,
                age_band="25_34",
                **{**base, "ethnic_group": "asian", "ethnicity_detail": "roma"},
            )
        assert "ethnicity_detail" in detail.value.message_dict
        with pytest.raises(ValidationError) as unknown:
            equality_monitoring_save(
                actor=actor, registration=registration, age_band="17_19", **{**base, "gender": "x"}
            )
        assert set(unknown.value.message_dict) == {"age_band", "gender"}
    with tenant_context(employer_a.employer.pk):
        assert not EqualityMonitoring.objects.exists()


def test_answers_imported_for_the_registration_become_the_nqsws(
    client, login, employer_a, register_nqsw, stored_answers, unscoped
):
    registration = register_nqsw(employer_a)
    stored_answers(registration, person=None, gender="male")
    login(employer_a.nqsw)
    assert post_answers(client, gender="female").status_code == 302
    (answers,) = stored(unscoped, registration)
    assert (answers.person, answers.gender, answers.source) == (employer_a.nqsw, "female", "self")


def test_imported_answers_naming_the_nqsw_are_shown_for_checking(
    client, login, employer_a, register_nqsw, stored_answers
):
    registration = register_nqsw(employer_a)
    stored_answers(registration, person=employer_a.nqsw, source="legacy_import", age_band="45_54")
    login(employer_a.nqsw)
    html = client.get(MINE_URL).content.decode()
    assert "These answers came from the national ASYE portal" in html
    assert "45 to 54" in html and "White: Irish" in html
    assert "Keep my answer: 45 to 54" in client.get(ANSWERS_URL).content.decode()
