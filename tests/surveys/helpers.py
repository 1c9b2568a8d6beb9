"""Helpers of the survey tests, the isolation table and the browser tests."""

from __future__ import annotations

import datetime
import itertools

from asye.accounts.actor import build_actor
from asye.accounts.models import Role
from asye.tenancy.db import system_national_context, tenant_settings
from surveys.models import Question, Questionnaire, SurveyAnswer, SurveyResponse, SurveyRound
from surveys.questionnaire_data import load_first_version
from surveys.services import survey_round_create
from tests.factories import person
from tests.today import TODAY

_people = itertools.count(1)


def load_questionnaires() -> None:
    """The questionnaires the data migration loads (a transactional test's database has been emptied)."""
    with system_national_context():
        load_first_version(Questionnaire, Question)


def national_actor(user=None):
    user = user or person(
        role=Role.NATIONAL_STAFF, email=f"surveys.national{next(_people)}@skillsforcare.example"
    )
    with tenant_settings(user_id=user.pk):
        return build_actor(user, employer_id=None)


def open_round(actor=None, *, year: int | None = None) -> SurveyRound:
    """A round whose invitations go today, reminders in one and two weeks, closing in three."""
    load_questionnaires()
    actor = actor or national_actor()
    with system_national_context():
        return survey_round_create(
            actor=actor,
            year=year or TODAY.year + 5,
            invite_on=TODAY,
            reminder_1_on=TODAY + datetime.timedelta(days=7),
            reminder_2_on=TODAY + datetime.timedelta(days=14),
            closes_on=TODAY + datetime.timedelta(days=21),
        )


def add_responses(survey_round: SurveyRound, group: str, answers: list[dict[str, str]]) -> None:
    """Anonymous responses written straight into the national tables: ``answers`` is one dict per
    response, question text -> choice (or text for a free-text question)."""
    with system_national_context():
        survey = survey_round.surveys.get(group=group)
        questions = {q.text: q for q in survey.questionnaire.questions.all()}
        for answer in answers:
            response = SurveyResponse.objects.create(
                round=survey_round, group=group, questionnaire=survey.questionnaire
            )
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(
                    response=response,
                    question=questions[text],
                    choice=value if questions[text].kind != "text" else "",
                    text=value if questions[text].kind == "text" else "",
                )
                for text, value in answer.items()
            )
