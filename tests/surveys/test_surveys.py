"""The annual surveys: rounds and their dates, invitations and two reminders sent once each through the
notifications, anonymous answers, and the figures with fewer than 30 responses left out."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from asye.audit.models import AuditEvent
from asye.notifications.models import Notification, OutboxEmail
from asye.tenancy.db import system_national_context
from surveys import selectors, services
from surveys.models import SurveyAnswer, SurveyInvitation, SurveyResponse
from tests.surveys.helpers import add_responses, national_actor, open_round
from tests.today import TODAY

pytestmark = pytest.mark.django_db

UNDERSTAND = "How well do you understand the assessment arrangements for the ASYE?"


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def invitations(unscoped, **filters):
    with unscoped():
        return list(SurveyInvitation.objects.filter(**filters).order_by("group", "person_id"))


def test_default_dates_follow_the_seeds_pattern():
    assert services.default_dates(2027) == {
        "invite_on": datetime.date(2027, 2, 7),
        "reminder_1_on": datetime.date(2027, 2, 21),
        "reminder_2_on": datetime.date(2027, 3, 6),
        "closes_on": datetime.date(2027, 3, 15),
    }


def test_a_round_asks_each_group_the_latest_questionnaire_and_refuses_dates_out_of_order(employer_a):
    survey_round = open_round()
    with system_national_context():
        assert sorted(survey_round.surveys.values_list("group", flat=True)) == ["assessors", "leads", "nqsws"]
        with pytest.raises(ValidationError) as error:
            services.survey_round_create(
                actor=national_actor(),
                year=survey_round.year + 1,
                invite_on=day(10),
                reminder_1_on=day(5),
                reminder_2_on=day(20),
                closes_on=day(30),
            )
    assert "reminder_1_on" in error.value.message_dict


def test_employer_staff_cannot_create_a_round(employer_a):
    from tests.programmes.conftest import actor_for

    with pytest.raises(Exception) as error:
        services.survey_round_create(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            year=2030,
            **services.default_dates(2030),
        )
    assert error.typename == "PermissionDenied"


def test_invitations_go_once_to_everyone_registered_in_each_group(employer_a, employer_b, unscoped):
    survey_round = open_round()
    sent = services.survey_emails_send_due(today=TODAY)
    # Two employers: a co-ordinator, an assessor and an NQSW each (line managers are not surveyed).
    assert sent == {"invitations": 6, "reminders": 0}
    rows = invitations(unscoped, round=survey_round)
    assert {(row.group, row.person_id) for row in rows} == {
        ("leads", employer_a.coordinator.pk),
        ("leads", employer_b.coordinator.pk),
        ("assessors", employer_a.assessor.pk),
        ("assessors", employer_b.assessor.pk),
        ("nqsws", employer_a.nqsw.pk),
        ("nqsws", employer_b.nqsw.pk),
    }
    with unscoped():
        notes = Notification.objects.filter(kind="survey.invitation")
        assert notes.count() == 6
        assert OutboxEmail.objects.filter(kind="notification.survey.invitation").count() == 6
        link = notes.get(person=employer_a.nqsw).link
    assert link == f"/surveys/{invitations(unscoped, person=employer_a.nqsw)[0].pk}/"
    # Run again (a retried task, or the next morning): nothing more.
    assert services.survey_emails_send_due(today=TODAY) == {"invitations": 0, "reminders": 0}
    assert services.survey_emails_send_due(today=day(1)) == {"invitations": 0, "reminders": 0}


def test_reminders_go_only_to_those_who_have_not_answered_on_their_days(
    client, login, employer_a, employer_b, unscoped
):
    open_round()
    services.survey_emails_send_due(today=TODAY)
    invitation = invitations(unscoped, person=employer_a.nqsw)[0]
    login(employer_a.nqsw)
    questions = selectors.questions_for(invitation=invitation)
    data = {f"q{q.pk}": (q.choices[0] if q.kind != "text" else "") for q in questions}
    assert client.post(f"/surveys/{invitation.pk}/", data).status_code == 302

    assert services.survey_emails_send_due(today=day(6))["reminders"] == 0
    assert services.survey_emails_send_due(today=day(7)) == {"invitations": 0, "reminders": 5}
    assert services.survey_emails_send_due(today=day(8))["reminders"] == 0
    assert services.survey_emails_send_due(today=day(14)) == {"invitations": 0, "reminders": 5}
    assert services.survey_emails_send_due(today=day(15))["reminders"] == 0
    with unscoped():
        reminded = set(
            Notification.objects.filter(kind="survey.reminder").values_list("person_id", flat=True)
        )
    assert employer_a.nqsw.pk not in reminded and len(reminded) == 5
    # After the close nothing is sent.
    assert services.survey_emails_send_due(today=day(22)) == {"invitations": 0, "reminders": 0}


def test_an_answer_is_stored_without_the_person_and_only_once(client, login, employer_a, unscoped):
    survey_round = open_round()
    services.survey_emails_send_due(today=TODAY)
    invitation = invitations(unscoped, person=employer_a.assessor)[0]
    login(employer_a.assessor)
    page = client.get(f"/surveys/{invitation.pk}/")
    assert page.status_code == 200 and "ASYE assessors survey" in page.content.decode()
    questions = selectors.questions_for(invitation=invitation)
    # Nothing chosen: the error summary, nothing stored.
    empty = client.post(f"/surveys/{invitation.pk}/", {})
    assert empty.status_code == 200 and "There is a problem" in empty.content.decode()
    data = {f"q{q.pk}": (q.choices[1] if q.kind != "text" else "More time to assess") for q in questions}
    assert client.post(f"/surveys/{invitation.pk}/", data).status_code == 302
    with unscoped():
        response = SurveyResponse.objects.get(round=survey_round)
        field_names = {f.name for f in SurveyResponse._meta.get_fields()} | {
            f.name for f in SurveyAnswer._meta.get_fields()
        }
        assert not {"person", "employer", "created_at", "submitted_at"} & field_names
        assert response.group == "assessors" and response.answers.count() == len(questions)
        assert SurveyInvitation.objects.get(pk=invitation.pk).answered
        # The audit trail says a survey was answered, with no employer: not in the employer's trail.
        event = AuditEvent.objects.get(action="survey.answered")
        assert event.employer_id is None and str(response.pk) not in str(event.changes)
    # A second go is refused, and the page says it was answered.
    again = client.get(f"/surveys/{invitation.pk}/")
    assert "You have answered this survey" in again.content.decode()
    client.post(f"/surveys/{invitation.pk}/", data)
    with unscoped():
        assert SurveyResponse.objects.filter(round=survey_round).count() == 1


def test_a_person_sees_only_their_own_invitations(client, login, employer_a, employer_b, unscoped):
    open_round()
    services.survey_emails_send_due(today=TODAY)
    others = invitations(unscoped, person=employer_a.coordinator)[0]
    login(employer_a.assessor)
    assert client.get(f"/surveys/{others.pk}/").status_code == 404
    page = client.get("/surveys/").content.decode()
    assert "ASYE assessors survey" in page and "ASYE leads survey" not in page


def test_figures_and_distributions_leave_out_fewer_than_30(employer_a, unscoped):
    survey_round = open_round()
    services.survey_emails_send_due(today=TODAY)
    # 40 leads answered the understanding question: 20 very well, 14 fairly well, 6 not very well.
    answers = (
        [{UNDERSTAND: "Very well"}] * 20
        + [{UNDERSTAND: "Fairly well"}] * 14
        + [{UNDERSTAND: "Not very well"}] * 6
    )
    add_responses(survey_round, "leads", answers)
    # 29 NQSWs: not reported.
    add_responses(survey_round, "nqsws", [{"Which services do you work in?": "Adult services"}] * 29)
    actor = national_actor()
    with system_national_context():
        figures = {row.group: row for row in selectors.round_figures(actor=actor, survey_round=survey_round)}
        assert (figures["leads"].sent, figures["leads"].responses, figures["leads"].rate) == (1, 40, 4000)
        assert not figures["nqsws"].reportable and figures["nqsws"].rate is None
        _, results = selectors.group_results(actor=actor, survey_round=survey_round, group="leads")
        understand = next(r for r in results if r.question.text == UNDERSTAND)
        assert understand.answered == 40
        assert understand.counts == [
            ("Very well", 20, 50),
            ("Fairly well", 14, 35),
            ("Not very well", 6, 15),
            ("Not at all well", 0, 0),
        ]
        assert understand.positive == 85  # (20 + 14) / 40
        others = [r for r in results if r.question.text != UNDERSTAND]
        assert all(not r.reportable and r.counts == [] for r in others)
        _, nqsw_results = selectors.group_results(actor=actor, survey_round=survey_round, group="nqsws")
        assert all(not r.reportable for r in nqsw_results)


def test_not_applicable_answers_are_left_out_of_the_percentages(employer_a):
    survey_round = open_round()
    question = "How useful have you found: ASYE co-ordinator drop-ins?"
    add_responses(
        survey_round,
        "leads",
        [{question: "Very useful"}] * 24
        + [{question: "Not very useful"}] * 6
        + [{question: "I have not used this"}] * 10,
    )
    with system_national_context():
        _, results = selectors.group_results(actor=national_actor(), survey_round=survey_round, group="leads")
    result = next(r for r in results if r.question.text == question)
    assert (result.answered, result.not_applicable, result.positive) == (30, 10, 80)


def test_national_pages_and_exports(client, login, national_staff, employer_a, unscoped):
    survey_round = open_round()
    services.survey_emails_send_due(today=TODAY)
    add_responses(
        survey_round, "leads", [{UNDERSTAND: "=HYPERLINK(1)"}] * 0 + [{UNDERSTAND: "Very well"}] * 30
    )
    login(national_staff)
    assert client.get("/national/surveys/").status_code == 200
    page = client.get(f"/national/surveys/{survey_round.pk}/").content.decode()
    assert "fewer than 30" in page
    results = client.get(f"/national/surveys/{survey_round.pk}/results/leads/").content.decode()
    assert "100%" in results and "Fewer than 30 responses" in results
    assert client.get(f"/national/surveys/{survey_round.pk}/results/nobody/").status_code == 404
    csv_body = client.get(f"/national/surveys/{survey_round.pk}/results.csv").content.decode("utf-8-sig")
    assert "ASYE leads,1,30,3000" in csv_body and "fewer than 30 responses" in csv_body
    xlsx = client.get(f"/national/surveys/{survey_round.pk}/results.xlsx")
    assert xlsx.content[:2] == b"PK"
    with unscoped():
        questionnaire_id = survey_round.surveys.get(group="nqsws").questionnaire_id
    page = client.get(f"/national/surveys/questionnaires/{questionnaire_id}/").content.decode()
    assert "NQSW survey" in page and "What one change would most improve your ASYE?" in page


def test_export_cells_never_start_a_formula():
    from asye.web.downloads import safe_cell

    assert safe_cell("=SUM(A1)") == "'=SUM(A1)" and safe_cell("@x") == "'@x" and safe_cell(5) == 5


def test_national_staff_create_a_round_and_change_its_dates_through_the_pages(client, login, national_staff):
    from tests.surveys.helpers import load_questionnaires

    load_questionnaires()
    login(national_staff)
    assert client.get("/national/surveys/new/").status_code == 200
    year = TODAY.year + 3
    dates = services.default_dates(year)
    data = {"year": str(year)}
    for name, value in dates.items():
        data.update({f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year})
    bad = client.post("/national/surveys/new/", {**data, "closes_on_day": "1", "closes_on_month": "1"})
    assert bad.status_code == 200 and "The close must be after the second reminder" in bad.content.decode()
    done = client.post("/national/surveys/new/", data)
    assert done.status_code == 302
    with system_national_context():
        from surveys.models import SurveyRound

        survey_round = SurveyRound.objects.get(year=year)
    moved = {**data, "version": "1", "closes_on_day": "20"}
    moved.pop("year")
    assert client.post(f"/national/surveys/{survey_round.pk}/dates/", moved).status_code == 302
    stale = client.post(f"/national/surveys/{survey_round.pk}/dates/", {**moved, "closes_on_day": "21"})
    assert stale.status_code == 409


def test_employer_staff_cannot_open_national_survey_pages(client, login, employer_a):
    survey_round = open_round()
    login(employer_a.coordinator)
    for url in (
        "/national/surveys/",
        f"/national/surveys/{survey_round.pk}/",
        f"/national/surveys/{survey_round.pk}/results.csv",
    ):
        assert client.get(url).status_code == 403, url
