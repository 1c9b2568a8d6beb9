"""The assurance tables: the NQSW's confidential route to the national team (concerns, the national
team's actions, and what the national team chooses to raise with the employer) and QA review meetings
with their pre-meeting questionnaire (versioned reference data) and the employer's submission.

Row-level security (``assurance/migrations/0001_initial.py``):
- ``ConfidentialConcern`` and ``ConcernAction`` are national-only tables (no ``employer_id``): the tenant
  role sees only the NQSW's own concern and the actions national staff chose to share with them
  (``using_extra`` on the person, read-only for actions). No employer's request reads either.
- ``RaisedConcern`` (what national staff shared with the employer) and the QA meeting rows are the
  employer's, with the ordinary tenant policy; national staff read them in the national scope.
- ``MeetingQuestionnaire``/``MeetingQuestion`` are reference data, without a policy.
"""

from __future__ import annotations

import uuid

from django.db import models

from asye.records import ClockCreatedVersioned, ClockVersioned, Submitted, person_field
from asye.tenancy.models import Employer, EmployerOwned, employer_index


class ConcernTopic(models.TextChoices):
    SUPPORT = "support", "Supervision, support or protected development time"
    WORKLOAD = "workload", "Caseload or workload"
    ASSESSMENT = "assessment", "How I am being assessed"
    WELLBEING = "wellbeing", "My wellbeing, or how I am treated"
    DISCRIMINATION = "discrimination", "Racism, discrimination or my identity needs"
    OTHER = "other", "Something else"


class ConcernStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    IN_PROGRESS = "in_progress", "Being looked at"
    RAISED = "raised", "Raised with your employer"
    CLOSED = "closed", "Closed"


class ConfidentialConcern(ClockCreatedVersioned):
    """What an NQSW tells the national team in confidence about difficulties on their programme (the
    seed's "NQSW protocol"). ``programme_employer`` is the employer they were working for: national
    staff need it to raise the matter, but it is not an ``employer_id``, so no tenant policy, audit
    default or employer selector ever ties the row to that employer."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nqsw = person_field()
    programme_employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(max_length=32, choices=ConcernTopic.choices)
    details = models.TextField()
    may_contact = models.BooleanField(
        help_text="The NQSW agrees the national team may contact them by email about it."
    )
    status = models.CharField(max_length=16, choices=ConcernStatus.choices, default=ConcernStatus.RECEIVED)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["nqsw", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"Confidential concern {str(self.reference)[:8]}"

    @property
    def short_reference(self) -> str:
        return str(self.reference)[:8].upper()


class ConcernAction(models.Model):
    """Something national staff did about a concern. ``shared_with_nqsw``: the NQSW sees ``description``
    (so national staff write it for them); internal notes stay national. ``nqsw`` is copied from the
    concern so the row-level security policy needs no sub-select."""

    concern = models.ForeignKey(ConfidentialConcern, on_delete=models.PROTECT, related_name="actions")
    nqsw = person_field()
    taken_on = models.DateField()
    description = models.TextField()
    shared_with_nqsw = models.BooleanField(default=False)
    recorded_by = person_field()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["taken_on", "recorded_at", "id"]
        indexes = [models.Index(fields=["concern", "taken_on"]), models.Index(fields=["nqsw"])]

    def __str__(self) -> str:
        return f"Action on {self.taken_on:%-d %B %Y}"


class RaisedConcern(EmployerOwned):
    """What national staff raised with the employer (its principal social worker, say) about an NQSW's
    difficulties: only the words they chose, with no link the employer can follow back to the concern."""

    summary = models.TextField()
    raised_with = models.CharField(max_length=200)
    raised_on = models.DateField()
    raised_by = person_field()
    created_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = person_field(optional=True)
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_on", "-id"]
        indexes = [employer_index("-raised_on")]

    def __str__(self) -> str:
        return f"Raised with the employer on {self.raised_on:%-d %B %Y}"


class MeetingQuestionnaire(models.Model):
    """One version of the pre-meeting questionnaire employers answer before a QA review meeting."""

    version = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class MeetingQuestion(models.Model):
    questionnaire = models.ForeignKey(
        MeetingQuestionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    theme = models.CharField(max_length=200)
    text = models.CharField(max_length=500)
    hint = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="assurance_meeting_question_position"
            )
        ]

    def __str__(self) -> str:
        return self.text


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class ReviewMeeting(EmployerOwned, ClockCreatedVersioned):
    """An in-depth QA review meeting with an employer, scheduled by national staff; the employer submits
    before it (``submissions_due_on``) and national staff record notes and agreed actions after it."""

    meeting_on = models.DateField()
    submissions_due_on = models.DateField()
    attendees = models.TextField(help_text="Who is invited, one a line.")
    arrangements = models.CharField(max_length=300, help_text="Where, or how to join online.")
    themes = models.TextField(blank=True)
    questionnaire = models.ForeignKey(MeetingQuestionnaire, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    notes = models.TextField(blank=True)
    agreed_actions = models.TextField(blank=True)
    created_by = person_field()

    class Meta:
        ordering = ["-meeting_on", "-id"]
        indexes = [
            employer_index("-meeting_on"),
            employer_index("status"),
        ]
        constraints = [
            models.CheckConstraint(
                name="assurance_submissions_due_before_meeting",
                condition=models.Q(submissions_due_on__lte=models.F("meeting_on")),
            )
        ]

    def __str__(self) -> str:
        return f"QA review meeting on {self.meeting_on:%-d %B %Y}"


class MeetingSubmission(EmployerOwned, Submitted, ClockVersioned):
    """The employer's submission before a meeting: the questionnaire's answers (question id -> text), its
    latest 360 report (an uploaded file) and its action plan (text and/or an uploaded file). Saved as a
    draft until the co-ordinator submits it."""

    meeting = models.OneToOneField(ReviewMeeting, on_delete=models.PROTECT, related_name="submission")
    answers = models.JSONField(default=dict, blank=True)
    action_plan = models.TextField(blank=True)
    report_file = models.CharField(max_length=200, blank=True)
    report_name = models.CharField(max_length=200, blank=True)
    plan_file = models.CharField(max_length=200, blank=True)
    plan_name = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [employer_index("meeting")]

    def __str__(self) -> str:
        return f"Submission for {self.meeting}"
