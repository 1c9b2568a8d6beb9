"""The annual surveys' tables: questionnaires and their questions (versioned reference data), survey
rounds (national, one a year), each person's invitation (their own row: invited, reminded, answered) and
the anonymous responses (national only, with no person and no time).

Row-level security (``surveys/migrations/0001_initial.py``):
- ``Questionnaire``, ``Question``, ``SurveyRound`` and ``RoundSurvey`` hold no personal data and every
  invited person reads them: reference tables without a policy, written only by national services.
- ``SurveyInvitation`` carries the employer the person was invited through and is visible only to that
  person, acting for that employer (``surveys.rls.EnableOwnInvitationRowLevelSecurity``), and to the
  national scope: the employer's other people never see who was invited or who has answered.
- ``SurveyResponse`` and ``SurveyAnswer`` are national-only: no employer's request reads or writes one. A
  response has a random id and no timestamp, so its order cannot be matched to an invitation.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from asye.records import ClockCreatedVersioned, person_field
from asye.tenancy.models import Employer, employer_index


class SurveyGroup(models.TextChoices):
    """The three surveys: ASYE leads (the surveys' word for co-ordinators), assessors and NQSWs."""

    LEADS = "leads", "ASYE leads"
    ASSESSORS = "assessors", "ASYE assessors"
    NQSWS = "nqsws", "NQSWs"


# The membership role whose holders each group's survey goes to.
GROUP_ROLE = {SurveyGroup.LEADS: "coordinator", SurveyGroup.ASSESSORS: "assessor", SurveyGroup.NQSWS: "nqsw"}


class Questionnaire(models.Model):
    """One version of one group's questionnaire. A round keeps the version it was created with, so a
    change of wording is a new version and last year's answers stay with last year's questions."""

    group = models.CharField(max_length=16, choices=SurveyGroup.choices)
    version = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    minutes = models.PositiveSmallIntegerField(help_text="About how long it takes to answer, in minutes.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["group", "version"], name="surveys_one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class QuestionKind(models.TextChoices):
    SCALE = "scale", "A scale (agree, confident, useful)"
    CHOICE = "choice", "One answer from a list"
    TEXT = "text", "Free text"


class Question(models.Model):
    """A question: a scale whose first ``positive_choices`` choices count as positive ("very or fairly
    well"), a choice from a list, or free text. ``not_applicable`` (e.g. "I have not used this") is left
    out of the percentages, as the seed's usefulness figures leave out people who had not used a type."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    text = models.CharField(max_length=400)
    hint = models.CharField(max_length=300, blank=True)
    choices = models.JSONField(default=list, blank=True)
    positive_choices = models.PositiveSmallIntegerField(default=0)
    not_applicable = models.CharField(max_length=120, blank=True)
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "position"], name="surveys_question_position")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def all_choices(self) -> list[str]:
        return [*self.choices, *([self.not_applicable] if self.not_applicable else [])]


class SurveyRound(ClockCreatedVersioned):
    """One year's surveys and their dates: invitations, two reminders and the close (the seed's 2024
    pattern by default: 7 February, 21 February, 6 March, 15 March).

    Who created it and changed its dates is in the audit trail: the row names no person, so every invited
    person can read it (no row-level security)."""

    year = models.PositiveSmallIntegerField(unique=True)
    invite_on = models.DateField()
    reminder_1_on = models.DateField()
    reminder_2_on = models.DateField()
    closes_on = models.DateField(help_text="The last day answers are taken.")

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="surveys_round_dates_in_order",
                condition=Q(invite_on__lt=models.F("reminder_1_on"))
                & Q(reminder_1_on__lt=models.F("reminder_2_on"))
                & Q(reminder_2_on__lt=models.F("closes_on")),
            )
        ]

    def __str__(self) -> str:
        return f"ASYE surveys {self.year}"

    def is_open(self, today) -> bool:
        return self.invite_on <= today <= self.closes_on

    def status(self, today) -> str:
        if today < self.invite_on:
            return "Not started"
        if today > self.closes_on:
            return "Closed"
        return "Open"


class RoundSurvey(models.Model):
    """Which questionnaire version a round asks each group."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="surveys")
    group = models.CharField(max_length=16, choices=SurveyGroup.choices)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["round", "group"]
        constraints = [
            models.UniqueConstraint(fields=["round", "group"], name="surveys_one_survey_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.round} ({self.get_group_display()})"


class SurveyInvitation(models.Model):
    """One person's invitation to one group's survey in a round: who was invited (through which
    employer), when the invitation and each reminder went (the daily task's exactly-once marks), and
    only whether they have answered, never which response is theirs."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="invitations")
    group = models.CharField(max_length=16, choices=SurveyGroup.choices)
    person = person_field()
    invited_at = models.DateTimeField()
    reminded_1_at = models.DateTimeField(null=True, blank=True)
    reminded_2_at = models.DateTimeField(null=True, blank=True)
    answered = models.BooleanField(default=False)

    class Meta:
        ordering = ["round", "group", "pk"]
        indexes = [employer_index("person"), models.Index(fields=["round", "group"])]
        constraints = [
            # One invitation per person per group's survey, whichever employer they hold the role at.
            models.UniqueConstraint(fields=["round", "group", "person"], name="surveys_one_invitation_each")
        ]

    def __str__(self) -> str:
        return f"{self.round} ({self.get_group_display()})"


class SurveyResponse(models.Model):
    """One anonymous response: the round, the group and the questionnaire answered; no person, no
    employer, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="responses")
    group = models.CharField(max_length=16, choices=SurveyGroup.choices)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["round", "group"])]

    def __str__(self) -> str:
        return f"A response to {self.round}"


class SurveyAnswer(models.Model):
    """One question's answer in a response: a choice, or free text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=120, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "choice"])]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="surveys_one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"An answer to question {self.question_id}"
