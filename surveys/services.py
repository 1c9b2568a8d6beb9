"""Writes of the annual surveys: national staff create a round and set its dates; the daily task sends
the invitations and reminders that are due (exactly once each, marked on the invitation); a person
answers their invitation, and the answer is stored without them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.urls import reverse

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role
from asye.audit.services import audit_record, changed_fields
from asye.errors import Conflict
from asye.notifications.services import notify
from asye.records import versioned_update
from asye.tenancy.db import system_national_context
from surveys.models import (
    GROUP_ROLE,
    Question,
    QuestionKind,
    Questionnaire,
    RoundSurvey,
    SurveyAnswer,
    SurveyGroup,
    SurveyInvitation,
    SurveyResponse,
    SurveyRound,
)

DATE_FIELDS = ("invite_on", "reminder_1_on", "reminder_2_on", "closes_on")


def default_dates(year: int) -> dict[str, datetime.date]:
    """The seed's pattern (2024): links on 7 February, reminders on 21 February and 6 March, close on
    15 March."""
    return {
        "invite_on": datetime.date(year, 2, 7),
        "reminder_1_on": datetime.date(year, 2, 21),
        "reminder_2_on": datetime.date(year, 3, 6),
        "closes_on": datetime.date(year, 3, 15),
    }


def _check_dates(dates: dict[str, datetime.date]) -> None:
    if not dates["invite_on"] < dates["reminder_1_on"]:
        raise ValidationError({"reminder_1_on": "The first reminder must be after the invitations"})
    if not dates["reminder_1_on"] < dates["reminder_2_on"]:
        raise ValidationError({"reminder_2_on": "The second reminder must be after the first reminder"})
    if not dates["reminder_2_on"] < dates["closes_on"]:
        raise ValidationError({"closes_on": "The close must be after the second reminder"})


@transaction.atomic
def survey_round_create(*, actor: Actor, year: int, **dates: datetime.date) -> SurveyRound:
    """A round for ``year`` asking each group the latest version of its questionnaire."""
    actor.require(Role.NATIONAL_STAFF)
    if SurveyRound.objects.filter(year=year).exists():
        raise ValidationError({"year": f"There is already a survey round for {year}"})
    _check_dates(dates)
    if dates["invite_on"] < clock.today():
        raise ValidationError({"invite_on": "The invitation date must be today or in the future"})
    survey_round = survey_round_write(year=year, **dates)
    audit_record(
        actor=actor,
        action="survey_round.created",
        obj=survey_round,
        employer_id=None,
        changes={"year": [None, year], **{name: [None, value.isoformat()] for name, value in dates.items()}},
    )
    return survey_round


def survey_round_write(*, year: int, **dates: datetime.date) -> SurveyRound:
    """The round's rows as ``survey_round_create`` writes them once its checks pass (the demo writes its
    rounds with it): the round, and each group asked the latest version of its questionnaire. Raises
    ValidationError naming a group with no questionnaire, before anything is written."""
    latest = {}
    for group in SurveyGroup.values:
        questionnaire = Questionnaire.objects.filter(group=group).order_by("-version").first()
        if questionnaire is None:
            raise ValidationError(f"There is no questionnaire for {SurveyGroup(group).label}")
        latest[group] = questionnaire
    now = clock.now()
    survey_round = SurveyRound.objects.create(year=year, created_at=now, updated_at=now, **dates)
    RoundSurvey.objects.bulk_create(
        RoundSurvey(round=survey_round, group=group, questionnaire=questionnaire)
        for group, questionnaire in latest.items()
    )
    return survey_round


@transaction.atomic
def survey_round_set_dates(
    *, actor: Actor, survey_round: SurveyRound, version: int, **dates: datetime.date
) -> SurveyRound:
    """Move a round's dates. A date already passed cannot move (its emails have gone)."""
    actor.require(Role.NATIONAL_STAFF)
    _check_dates(dates)
    today = clock.today()
    before = {name: getattr(survey_round, name) for name in DATE_FIELDS}
    for name in DATE_FIELDS:
        if before[name] != dates[name] and (before[name] <= today or dates[name] < today):
            raise ValidationError(
                {name: "A date that has passed cannot be changed, or a date moved into the past"}
            )
    changes = changed_fields(before, dates)
    if not changes:
        return survey_round
    survey_round = versioned_update(
        survey_round, version, "These dates were changed by someone else. Check them and try again.", **dates
    )
    audit_record(
        actor=actor, action="survey_round.dates_changed", obj=survey_round, employer_id=None, changes=changes
    )
    return survey_round


def registered_people(group: str) -> dict[int, int]:
    """Everyone registered on the platform in ``group``: person id -> the employer they are invited
    through (their first employer holding the role). Read in the system's national context."""
    rows = (
        Membership.objects.active()
        .filter(role=GROUP_ROLE[group], employer__isnull=False, user__is_active=True)
        .values("user_id")
        .annotate(employer_id=Min("employer_id"))
    )
    return {row["user_id"]: row["employer_id"] for row in rows}


def invitations_create(
    *, survey_round: SurveyRound, group: str, people: dict[int, int], invited_at: datetime.datetime, **marks
) -> None:
    """Invite ``people`` (person id -> employer, as ``registered_people`` gives them) to the group's survey
    of the round, in bulk, with the reminder ``marks`` given; anyone invited already is left as they were.
    Writes no notification."""
    SurveyInvitation.objects.bulk_create(
        [
            SurveyInvitation(
                round=survey_round,
                group=group,
                person_id=pk,
                employer_id=employer_id,
                invited_at=invited_at,
                **marks,
            )
            for pk, employer_id in sorted(people.items())
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )


def answer_link(invitation: SurveyInvitation) -> str:
    return reverse("surveys:answer", kwargs={"pk": invitation.pk})


def invitation_message(survey_round: SurveyRound, group: str) -> str:
    """What an invitation to the group's survey of the round says."""
    return (
        f"Please answer the {survey_round.year} {SurveyGroup(group).label} survey by "
        f"{survey_round.closes_on:%-d %B %Y}: it is anonymous"
    )


def _tell(invitation: SurveyInvitation, person, *, kind: str, message: str) -> None:
    notify(
        person=person,
        employer_id=invitation.employer_id,
        kind=kind,
        message=message,
        link=answer_link(invitation),
        email_subject=message,
        frequency="immediately",
    )


def survey_emails_send_due(*, today: datetime.date | None = None) -> dict[str, int]:
    """Send what is due today for every open round: invitations to everyone registered in each group who
    has none (on or after the invitation day, so people registered later are invited too), the first
    reminder from its day and the second from its day, to those who have not answered. Each mark is
    claimed with a conditional update before the notification is written, in one transaction per round,
    so a second run (or a retried task) sends nothing twice."""
    today = today or clock.today()
    sent = {"invitations": 0, "reminders": 0}
    with system_national_context():
        rounds = list(SurveyRound.objects.filter(invite_on__lte=today, closes_on__gte=today).order_by("year"))
    for survey_round in rounds:
        with transaction.atomic(), system_national_context():
            counts = _send_for_round(survey_round, today)
        sent["invitations"] += counts["invitations"]
        sent["reminders"] += counts["reminders"]
    return sent


def _send_for_round(survey_round: SurveyRound, today: datetime.date) -> dict[str, int]:
    from asye.accounts.models import User

    counts = {"invitations": 0, "reminders": 0}
    now = clock.now()
    closes = f"{survey_round.closes_on:%-d %B %Y}"
    for group in SurveyGroup.values:
        label = SurveyGroup(group).label
        people = registered_people(group)
        already = set(
            SurveyInvitation.objects.filter(round=survey_round, group=group).values_list(
                "person_id", flat=True
            )
        )
        new = [pk for pk in people if pk not in already]
        invitations_create(
            survey_round=survey_round, group=group, people={pk: people[pk] for pk in new}, invited_at=now
        )
        persons = User.objects.in_bulk([pk for pk in new])
        # bulk_create with ignore_conflicts gives no ids: read back the ones this run made.
        for invitation in SurveyInvitation.objects.filter(
            round=survey_round, group=group, person_id__in=new, invited_at=now
        ):
            _tell(
                invitation,
                persons[invitation.person_id],
                kind="survey.invitation",
                message=invitation_message(survey_round, group),
            )
            counts["invitations"] += 1
        for mark, day, ordinal in (
            ("reminded_1_at", survey_round.reminder_1_on, "first"),
            ("reminded_2_at", survey_round.reminder_2_on, "second"),
        ):
            if today < day:
                continue
            due = SurveyInvitation.objects.filter(
                round=survey_round,
                group=group,
                answered=False,
                invited_at__lt=now,
                **{f"{mark}__isnull": True},
            )
            ids = list(due.values_list("pk", flat=True))
            claimed = SurveyInvitation.objects.filter(pk__in=ids, **{f"{mark}__isnull": True}).update(
                **{mark: now}
            )
            if not claimed:
                continue
            for invitation in SurveyInvitation.objects.filter(pk__in=ids, **{mark: now}).select_related(
                "person"
            ):
                _tell(
                    invitation,
                    invitation.person,
                    kind="survey.reminder",
                    message=(
                        f"Reminder: the {survey_round.year} {label} survey closes on {closes}. "
                        "If you have answered, thank you"
                        if ordinal == "first"
                        else f"Last reminder: the {survey_round.year} {label} survey closes on {closes}"
                    ),
                )
                counts["reminders"] += 1
    return counts


def clean_answers(questions: list[Question], data: dict[str, str]) -> dict[int, tuple[str, str]]:
    """The answers a form gave, checked against the questions: ``{question id: (choice, text)}``."""
    answers: dict[int, tuple[str, str]] = {}
    errors = {}
    for question in questions:
        value = (data.get(f"q{question.pk}") or "").strip()
        if question.kind == QuestionKind.TEXT:
            if value:
                answers[question.pk] = ("", value[:5000])
            continue
        if not value:
            if question.required:
                errors[f"q{question.pk}"] = "Select an answer"
            continue
        if value not in question.all_choices:
            errors[f"q{question.pk}"] = "Select one of the answers"
            continue
        answers[question.pk] = (value, "")
    if errors:
        raise ValidationError(errors)
    return answers


@transaction.atomic
def survey_answer_submit(
    *, actor: Actor, invitation: SurveyInvitation, answers: dict[int, tuple[str, str]]
) -> SurveyInvitation:
    """Store the person's answers as an anonymous response and mark their invitation answered.

    The invitation was read through the person's own selector. The response (no person, no employer, no
    time, a random id) and the mark are written in the system's national context: no employer's request
    can write those tables, and nothing read there goes back to the person."""
    if invitation.person_id != actor.user.pk:
        raise Conflict("This survey link is not yours.")
    today = clock.today()
    with system_national_context():
        survey_round = SurveyRound.objects.get(pk=invitation.round_id)
        if not survey_round.is_open(today):
            raise ValidationError("This survey is closed")
        claimed = SurveyInvitation.objects.filter(pk=invitation.pk, answered=False).update(answered=True)
        if not claimed:
            raise Conflict("You have already answered this survey. Thank you.")
        survey = RoundSurvey.objects.get(round=survey_round, group=invitation.group)
        known = set(
            Question.objects.filter(questionnaire_id=survey.questionnaire_id).values_list("pk", flat=True)
        )
        response = SurveyResponse.objects.create(
            round=survey_round, group=invitation.group, questionnaire_id=survey.questionnaire_id
        )
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(response=response, question_id=pk, choice=choice, text=text)
            for pk, (choice, text) in answers.items()
            if pk in known
        )
    # The audit says that the person answered a group's survey, not what; against the round (national:
    # no employer), so the employer's audit trail never shows who answered.
    audit_record(
        actor=actor, action="survey.answered", obj=survey_round, changes={"group": [None, invitation.group]}
    )
    invitation.answered = True
    return invitation
