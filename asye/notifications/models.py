"""What the platform tells people: in-app notifications, the one outbox every email goes through, each
person's choice of email (at once or a daily digest), the sent-log that makes each reminder reach each
person once, and the record of each scheduled scan's runs.

Rows of an employer's people carry that employer (row-level security, like any tenant table); national
staff's own rows have no employer and are visible only to that person and the national scope.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from asye.records import person_field
from asye.tenancy.models import EmployerOrNational, EmployerOwned, employer_index, employer_unique


class OutboxEmail(EmployerOrNational):
    """One email to one address, written in the transaction of the change that causes it and sent after
    it commits by ``asye.notifications.tasks.outbox_send`` (and the minute sweep). The body lives here
    only: no task argument and nothing in Redis carries it, so a link's secret stays in the database,
    and is blanked once sent (``contains_secret``)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"
        CANCELLED = "cancelled", "Cancelled"

    to_person = person_field(optional=True)
    to_address = models.EmailField()
    kind = models.CharField(max_length=64, help_text="What the email is, e.g. invitation, reminder.")
    about_type = models.CharField(max_length=100, blank=True, help_text="app_label.model of the record.")
    about_id = models.CharField(max_length=64, blank=True)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    contains_secret = models.BooleanField(default=False, help_text="Blank the body once it is sent.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            employer_index("about_type", "about_id"),
            models.Index(
                fields=["next_attempt_at"], condition=Q(status="pending"), name="notifications_outbox_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to_address} ({self.status})"


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, actor) -> NotificationQuerySet:
        """The actor's own notifications: for the employer they act for now, and their national ones
        (no employer). Never anyone else's, whatever their role."""
        if not actor.is_authenticated:
            return self.none()
        scope = Q(employer__isnull=True)
        if actor.employer_id is not None:
            scope |= Q(employer_id=actor.employer_id)
        return self.filter(scope, person_id=actor.user.pk)


class Notification(EmployerOrNational):
    """Something a person needs to know or do, with a link to the page where they do it."""

    person = person_field()
    kind = models.CharField(max_length=64)
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    # When it went by email (at once, or in a digest); empty while it waits for the digest.
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            employer_index("person", "read_at"),
            employer_index("person", "-created_at"),
        ]

    def __str__(self) -> str:
        return self.message


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", "Email me each one as it happens"
    DAILY = "daily", "Email me once a day with everything new"


class NotificationPreference(EmployerOrNational):
    """How a person wants notifications emailed, for one employer they work for (none: their national
    role). Without a row: immediately."""

    person = person_field()
    email_frequency = models.CharField(
        max_length=16, choices=EmailFrequency.choices, default=EmailFrequency.IMMEDIATELY
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            employer_unique(
                "person",
                condition=Q(employer__isnull=False),
                name="notifications_preference_one_per_employer",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(employer__isnull=True),
                name="notifications_preference_one_national",
            ),
        ]

    def __str__(self) -> str:
        return self.get_email_frequency_display()


class ReminderSent(EmployerOwned):
    """The sent-log: one row per (person, reminder kind, subject, due date). Its unique constraint makes
    each reminder reach each person exactly once however often a scan runs or a task is redelivered; it
    is written in the transaction that writes the notification and queues the email."""

    person = person_field()
    kind = models.CharField(max_length=64)
    about_type = models.CharField(max_length=100)
    about_id = models.CharField(max_length=64)
    due_on = models.DateField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            employer_unique(
                "person", "kind", "about_type", "about_id", "due_on", name="notifications_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.person_id} for {self.due_on}"


class ScanRun(EmployerOrNational):
    """One run of a scheduled job: the whole (no employer, written in the system's national context) or
    its part for one employer (in that employer's tenant context). National staff read them on the jobs
    page."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"

    job = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [employer_index("job", "-started_at")]

    def __str__(self) -> str:
        return f"{self.job} ({self.status})"

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None


class WeeklySnapshot(EmployerOwned):
    """What a weekly scan saw in one week at one employer (``data``, the scan's own shape, like the ids of
    the registrations carrying each flag), so next week's digest can say what was cleared since. Written in
    the scan's transaction (``asye.notifications.weekly``); a second run in the same week replaces it."""

    kind = models.CharField(max_length=64)
    week = models.DateField(help_text="The Monday of the week.")
    data = models.JSONField(default=dict)
    taken_at = models.DateTimeField()

    class Meta:
        constraints = [employer_unique("kind", "week", name="notifications_weekly_once")]

    def __str__(self) -> str:
        return f"{self.kind} for the week of {self.week}"
