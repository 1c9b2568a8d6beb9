"""The national forums' tables: forums and their sessions, materials, sign-ups and attendance, GEMS and
course memberships, feedback polls and the sent-log of forum notices.

Forums are national: no employer owns a forum, a session or a poll. Who may read which row
(docs/security.md, "Forums"):

- the catalogue (``Forum``, ``ForumSession``, ``ForumMaterial``, ``Poll``, ``PollQuestion``): every
  signed-in person reads it; only the national scope writes it (``forums/rls.py``);
- ``SessionSignup``: the person it names, and their employer's requests for rows that are not
  ``private`` (GEMS sign-ups are private, so no employer ever reads one); the national scope;
- ``ForumMembership`` (who self-identified for GEMS, who is enrolled on a course), the poll's answers and
  who has answered, and ``ForumNoticeSent``: national only. The person's own rows are read for them by
  ``forums.selectors`` in the system's national context, narrowed in the query to that person.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone

from asye.accounts.models import Membership, Role
from asye.records import person_field
from asye.tenancy.models import EmployerOrNational, ServiceArea, employer_index

if TYPE_CHECKING:
    from asye.accounts.actor import Actor


class ForumKind(models.TextChoices):
    NQSW_FORUM = "nqsw_forum", "National NQSW forum"
    GEMS = "gems", "GEMS forum"
    ASSESSORS = "assessors", "Assessors' forum"
    DROP_IN = "drop_in", "Co-ordinator drop-in"
    COURSE = "course", "Course"
    ACTION_LEARNING = "action_learning", "Action learning set"


# Kinds whose people join once (self-identification or a place on a fixed cohort) before signing up.
MEMBERSHIP_KINDS = (ForumKind.GEMS, ForumKind.COURSE, ForumKind.ACTION_LEARNING)


class Forum(models.Model):
    """A national forum, drop-in, course or action learning set: who it is for and how one joins."""

    kind = models.CharField(max_length=24, choices=ForumKind.choices)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.TextField()
    for_nqsws = models.BooleanField("Newly qualified social workers", default=False)
    for_assessors = models.BooleanField("Assessors", default=False)
    for_coordinators = models.BooleanField("ASYE co-ordinators", default=False)
    # Blank: both child and family and adults services.
    service_area = models.CharField(max_length=24, choices=ServiceArea.choices, blank=True)
    # GEMS: people join by saying they belong to the group; nobody else may see who did.
    self_identified = models.BooleanField(default=False)
    # A fixed cohort (courses, action learning sets): how many places; empty for open forums.
    cohort_places = models.PositiveIntegerField(null=True, blank=True)
    default_duration_minutes = models.PositiveIntegerField(default=120)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def has_membership(self) -> bool:
        return self.kind in MEMBERSHIP_KINDS

    @property
    def private(self) -> bool:
        """Whether taking part says something about the person that only they and the organisers may
        know: employers never read these sign-ups, counts included."""
        return self.self_identified

    @property
    def audience_labels(self) -> list[str]:
        labels = []
        if self.for_nqsws:
            labels.append("Newly qualified social workers")
        if self.for_assessors:
            labels.append("Assessors")
        if self.for_coordinators:
            labels.append("ASYE co-ordinators")
        return labels


def taking_part_roles(actor: Actor) -> frozenset[str]:
    """The roles that decide which forums the actor may join: those they hold at any employer now, and
    NQSW for anyone who ever was one (NQSWs may keep attending after their programme ends)."""
    if not actor.is_authenticated:
        return frozenset()
    roles = {role for held in actor.roles_by_employer.values() for role in held}
    if Role.NQSW not in roles and Membership.objects.filter(user=actor.user, role=Role.NQSW).exists():
        roles.add(Role.NQSW)
    return frozenset(roles)


def audience_filter(roles: frozenset[str]) -> Q:
    """Forums for any of ``roles``."""
    condition = Q(pk__in=[])
    if Role.NQSW in roles:
        condition |= Q(for_nqsws=True)
    if Role.ASSESSOR in roles:
        condition |= Q(for_assessors=True)
    if Role.COORDINATOR in roles:
        condition |= Q(for_coordinators=True)
    return condition


class ForumSessionQuerySet(models.QuerySet):
    def visible_to(self, actor: Actor) -> ForumSessionQuerySet:
        """Sessions of the forums the actor may see (``forums.selectors.forums_for``): those for their
        roles; every forum's for organisers; none for no one signed in. Forums have no employer: the
        API's guarded base (``asye.tenancy.api``) reads sessions through this."""
        if not actor.is_authenticated:
            return self.none()
        if actor.is_national_staff:
            return self.all()
        return self.filter(forum__in=Forum.objects.filter(audience_filter(taking_part_roles(actor))))


class ForumSession(models.Model):
    """One session of a forum: when, how long, what about, how many places, how to join online."""

    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="sessions")
    topic = models.CharField(max_length=200)
    speaker = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveIntegerField(default=120)
    # Empty: no limit.
    capacity = models.PositiveIntegerField(null=True, blank=True)
    # Shown only to people with a place and to organisers (forums.selectors.SessionView).
    joining_details = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    objects = ForumSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["forum", "starts_at"]), models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.forum.name}: {self.topic}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def when(self) -> str:
        """Like "Tuesday 9 March 2027, 10am to 12pm" (UK time)."""
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)

        def clock_time(moment: datetime.datetime) -> str:
            hour = moment.hour % 12 or 12
            minutes = f":{moment.minute:02d}" if moment.minute else ""
            return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"

        return f"{start:%A} {start.day} {start:%B %Y}, {clock_time(start)} to {clock_time(end)}"

    @property
    def hours(self) -> float:
        return round(self.duration_minutes / 60, 2)


class ForumMaterial(models.Model):
    """A handbook (of a forum) or a session's slides or reading: a link or a checked, uploaded file."""

    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="materials")
    session = models.ForeignKey(
        ForumSession, on_delete=models.PROTECT, null=True, blank=True, related_name="materials"
    )
    title = models.CharField(max_length=200)
    url = models.URLField(blank=True)
    storage_name = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    created_by = person_field()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(storage_name=""), name="forums_material_link_or_file"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ForumMembership(models.Model):
    """A person's place in a forum that is joined once: GEMS (by self-identification) or a course's or
    action learning set's cohort. National only: no employer reads it."""

    forum = models.ForeignKey(Forum, on_delete=models.PROTECT, related_name="+")
    person = person_field()
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    # On a full cohort's waiting list (put there by an organiser): no place yet, and no place at its
    # sessions, until a place comes free (the longest waiting first).
    waiting = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["forum", "person"],
                condition=Q(left_at__isnull=True),
                name="forums_one_open_membership",
            )
        ]

    def __str__(self) -> str:
        return f"ForumMembership {self.pk}"


class SignupStatus(models.TextChoices):
    BOOKED = "booked", "Place booked"
    WAITING = "waiting", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"


class SessionSignup(EmployerOrNational):
    """A person's place (or place on the waiting list) at a session, and whether they attended.

    ``employer`` is the employer they came from, for counts; ``private`` is copied from the forum so the
    row-level security policy can keep GEMS sign-ups from every employer."""

    session = models.ForeignKey(ForumSession, on_delete=models.PROTECT, related_name="signups")
    person = person_field()
    private = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=SignupStatus.choices)
    signed_up_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    attendance_recorded_by = person_field(optional=True)

    class Meta:
        ordering = ["signed_up_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="forums_one_signup_per_session")
        ]
        indexes = [
            employer_index("private", "session"),
            models.Index(fields=["person", "status"]),
            models.Index(fields=["session", "status", "signed_up_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.session_id} ({self.status})"


class Poll(models.Model):
    """The feedback poll after a session."""

    session = models.OneToOneField(ForumSession, on_delete=models.PROTECT, related_name="poll")
    title = models.CharField(max_length=200)
    closes_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating from 1 to 5"
    YES_NO = "yes_no", "Yes or no"
    CHOICE = "choice", "One of a list"
    FREE_TEXT = "free_text", "Free text"


class PollQuestion(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=400)
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    # For CHOICE: the options, in order.
    options = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="forums_question_position_unique")
        ]

    def __str__(self) -> str:
        return self.text


class PollResponse(models.Model):
    """One anonymous set of answers: it names no person (who has answered is ``PollCompletion``, kept
    apart). The day only, not the time, so it cannot be matched to a completion."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField()

    def __str__(self) -> str:
        return f"PollResponse {self.pk}"


class PollAnswer(models.Model):
    response = models.ForeignKey(PollResponse, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(PollQuestion, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    yes = models.BooleanField(null=True, blank=True)
    choice = models.CharField(max_length=100, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="forums_one_answer_per_question"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="forums_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"PollAnswer {self.pk}"


class PollCompletion(models.Model):
    """That a person has answered a poll (so they answer once), and nothing of what they said."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="+")
    person = person_field()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "person"], name="forums_answer_poll_once")]

    def __str__(self) -> str:
        return f"PollCompletion {self.pk}"


class ForumNoticeSent(models.Model):
    """The forums' sent-log: one row per person, kind of notice and subject (a forum's invitation, the
    GEMS notice, a session's reminder), so each reaches each person once. National only: it would tell an
    employer who was reminded of a GEMS session."""

    person = person_field()
    kind = models.CharField(max_length=64)
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind", "key"], name="forums_notice_once")]

    def __str__(self) -> str:
        return f"ForumNoticeSent {self.pk}"
