"""Demo data for the annual surveys, called by ``manage.py seed_demo`` inside the system national scope.

- Last year's round, closed: everyone registered in each group was invited, and about as many answered as
  in the seed's 2024 surveys (leads 31%, assessors 10%, NQSWs 14%), with answers drawn from distributions
  like the seed's figures (96% of leads understand the assessment arrangements, and so on). A group with
  fewer than 30 responses shows how the rule hides it.
- This year's round, open: invitations went ten days before the seeding day to everyone registered; the
  demo logins (Demo County Council's co-ordinator, assessor and NQSW) have theirs in their notification
  centre, and the first reminder is due in four days.

Invitations are written in bulk (thousands of people) with no email; only the demo logins are notified
through ``asye.notifications``. A second run creates nothing: rounds are known by year.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter

from django.utils import timezone

from demo.calendar import DemoCalendar
from surveys.models import (
    Question,
    QuestionKind,
    Questionnaire,
    SurveyAnswer,
    SurveyGroup,
    SurveyInvitation,
    SurveyResponse,
    SurveyRound,
)
from surveys.questionnaire_data import load_first_version
from surveys.services import (
    answer_link,
    default_dates,
    invitation_message,
    invitations_create,
    registered_people,
    survey_round_write,
)

DEMO_LOGINS = ("coordinator@demo.example", "assessor@demo.example", "nqsw@demo.example")
RESPONSE_RATE = {SurveyGroup.LEADS: 0.31, SurveyGroup.ASSESSORS: 0.10, SurveyGroup.NQSWS: 0.14}
# How likely each choice of a scale is, best first (a leaning like the seed's mostly positive figures).
LEANING = {
    SurveyGroup.LEADS: (0.55, 0.38, 0.05, 0.02, 0.0),
    SurveyGroup.ASSESSORS: (0.45, 0.40, 0.10, 0.04, 0.01),
    SurveyGroup.NQSWS: (0.35, 0.42, 0.14, 0.07, 0.02),
}
FREE_TEXT = (
    "More protected time for development in the first three months.",
    "Peer support from other NQSWs across the region.",
    "Clearer guidance on direct observations.",
    "Earlier invitations to the national forums.",
    "Training for assessors on anti-racist practice.",
)


def _round(year: int, dates: dict[str, datetime.date]) -> SurveyRound | None:
    """The round of ``year`` as the service writes it; None when that year has one already."""
    if SurveyRound.objects.filter(year=year).exists():
        return None
    return survey_round_write(year=year, **dates)


def _invite_everyone(survey_round: SurveyRound, invited_at: datetime.datetime, **marks) -> dict[str, list]:
    """Everyone registered in each group invited, as the invitation task would (with no notification)."""
    by_group = {}
    for group in SurveyGroup.values:
        invitations_create(
            survey_round=survey_round,
            group=group,
            people=registered_people(group),
            invited_at=invited_at,
            **marks,
        )
        by_group[group] = list(
            SurveyInvitation.objects.filter(round=survey_round, group=group).order_by("person_id")
        )
    return by_group


def _answer(question: Question, group: str, rng: random.Random) -> tuple[str, str]:
    if question.kind == QuestionKind.TEXT:
        return ("", rng.choice(FREE_TEXT)) if rng.random() < 0.3 else ("", "")
    if question.not_applicable and rng.random() < 0.3:
        return question.not_applicable, ""
    if question.kind == QuestionKind.CHOICE:
        return rng.choices(question.choices, weights=(0.8, 0.1, 0.1)[: len(question.choices)])[0], ""
    weights = LEANING[group][: len(question.choices)]
    return rng.choices(question.choices, weights=weights)[0], ""


def _responses(survey_round: SurveyRound, invited: dict[str, list], rng: random.Random) -> int:
    made = 0
    for group, invitations in invited.items():
        answering = rng.sample(invitations, round(len(invitations) * RESPONSE_RATE[group]))
        SurveyInvitation.objects.filter(pk__in=[i.pk for i in answering]).update(answered=True)
        survey = survey_round.surveys.select_related("questionnaire").get(group=group)
        questions = list(survey.questionnaire.questions.order_by("position"))
        responses = SurveyResponse.objects.bulk_create(
            [
                SurveyResponse(round=survey_round, group=group, questionnaire=survey.questionnaire)
                for _ in answering
            ],
            batch_size=1000,
        )
        answers = []
        for response in responses:
            for question in questions:
                choice, text = _answer(question, group, rng)
                if choice or text:
                    answers.append(
                        SurveyAnswer(response=response, question=question, choice=choice, text=text)
                    )
        SurveyAnswer.objects.bulk_create(answers, batch_size=2000)
        made += len(responses)
    return made


def seed(
    *, employer_ids: dict[str, int], user_ids: dict[str, int], demo_calendar: DemoCalendar | None = None
) -> Counter:
    from asye.accounts.models import User
    from asye.notifications.services import notify

    demo_calendar = demo_calendar or DemoCalendar.seeding()
    today = demo_calendar.today
    created: Counter[str] = Counter()
    load_first_version(Questionnaire, Question)
    rng = random.Random(2024)

    # Last year's round, closed, with its seed-like dates.
    last_year = today.year - 1
    dates = default_dates(last_year)
    last_round = _round(last_year, dates)
    if last_round:
        sent = timezone.make_aware(datetime.datetime.combine(dates["invite_on"], datetime.time(8)))
        invited = _invite_everyone(last_round, sent, reminded_1_at=sent + datetime.timedelta(days=14))
        SurveyInvitation.objects.filter(round=last_round).update(
            reminded_2_at=sent + datetime.timedelta(days=27)
        )
        created["survey invitations"] += sum(len(v) for v in invited.values())
        created["survey responses"] += _responses(last_round, invited, rng)

    # This year's round, open: invited ten days ago, reminders in four and seventeen days.
    this_dates = {
        "invite_on": today - datetime.timedelta(days=10),
        "reminder_1_on": today + datetime.timedelta(days=4),
        "reminder_2_on": today + datetime.timedelta(days=17),
        "closes_on": today + datetime.timedelta(days=26),
    }
    this_round = _round(today.year, this_dates)
    if this_round:
        sent = timezone.make_aware(datetime.datetime.combine(this_dates["invite_on"], datetime.time(8)))
        invited = _invite_everyone(this_round, sent)
        created["survey invitations"] += sum(len(v) for v in invited.values())
        demo_people = {user_ids[email] for email in DEMO_LOGINS if email in user_ids}
        people = User.objects.in_bulk(demo_people)
        for invitation in SurveyInvitation.objects.filter(round=this_round, person_id__in=demo_people):
            notify(
                person=people[invitation.person_id],
                employer_id=invitation.employer_id,
                kind="survey.invitation",
                message=invitation_message(this_round, invitation.group),
                link=answer_link(invitation),
                frequency="daily",
            )
            created["survey notifications"] += 1
    return created
