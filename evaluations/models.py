"""The 360-degree evaluation's tables.

Reference data (no employer, read by everyone): the evaluation framework's versions, their themes and
statements, and the national figures the seed report printed for 2022-23 and 2023-24.

An employer's records (``EmployerOwned``, row-level security): the annual cycle, the invitations sent for
it, and the responses with their ratings. The employer's self-assessment is the cycle's one response of
type "self-assessment".

Anonymity is a property of the tables, not of the pages: a response names its cycle and its respondent
type and nothing else — no invitation, no person, no time of day (only the date it was submitted). An
invitation knows its recipient and the hash of its link's secret, and is only marked used; nothing
records when. So once a response is in, nothing in the database joins it to the person invited.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from asye.records import AuthoredVersioned, person_field
from asye.tenancy.models import EmployerOwned, employer_index, employer_unique

SCORE = {"max_digits": 2, "decimal_places": 1}


class RespondentType(models.TextChoices):
    SELF = "self", "Self-assessment"
    NQSW = "nqsw", "NQSWs"
    LINE_MANAGER = "line_manager", "Line managers"
    ASSESSOR = "assessor", "Assessors and supervisors"
    OTHER = "other", "Others"


# The respondent types an invitation can be for (the self-assessment is the co-ordinator's own).
INVITED_TYPES = [(value, label) for value, label in RespondentType.choices if value != RespondentType.SELF]


# --- Reference data -------------------------------------------------------------------------------


class EvaluationFramework(models.Model):
    """A version of the 360 statements. A new version is a new row with its own statements: cycles name
    the version they were run with, so responses are never re-read against other wording."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    first_year = models.PositiveSmallIntegerField(
        help_text="The first evaluation year (the year it starts, 2023 for 2023-24) that uses this version."
    )
    source = models.TextField(blank=True)

    class Meta:
        ordering = ["-first_year"]

    def __str__(self) -> str:
        return self.name


class EvaluationTheme(models.Model):
    framework = models.ForeignKey(EvaluationFramework, on_delete=models.PROTECT, related_name="themes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="evaluations_theme_unique_number")
        ]

    def __str__(self) -> str:
        return f"Theme {self.number}: {self.title}"


class EvaluationStatement(models.Model):
    theme = models.ForeignKey(EvaluationTheme, on_delete=models.PROTECT, related_name="statements")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["theme__framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "number"], name="evaluations_statement_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class NationalReferenceFigure(models.Model):
    """A national figure published before the platform held the data (the seed report's tables): the
    average, minimum and maximum of one statement in one year, as printed."""

    statement = models.ForeignKey(EvaluationStatement, on_delete=models.PROTECT, related_name="reference")
    year = models.PositiveSmallIntegerField(help_text="The year it starts: 2023 for 2023-24.")
    average = models.DecimalField(**SCORE)
    minimum = models.DecimalField(**SCORE)
    maximum = models.DecimalField(**SCORE)
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["year", "statement__number"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "year"], name="evaluations_reference_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.statement.number} in {year_label(self.year)}: {self.average}"


# --- An employer's records ------------------------------------------------------------------------


class EvaluationCycle(EmployerOwned, AuthoredVersioned):
    """An employer's 360 evaluation for one year: open from ``opened_on`` until it closes on ``closes_on``
    (or earlier, when the co-ordinator closes it)."""

    year = models.PositiveSmallIntegerField(help_text="The year it starts: 2025 for 2025-26.")
    framework = models.ForeignKey(EvaluationFramework, on_delete=models.PROTECT, related_name="+")
    opened_on = models.DateField()
    closes_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        constraints = [
            employer_unique("year", name="evaluations_cycle_unique_year"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opened_on")), name="evaluations_cycle_closes_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"360 evaluation {self.year_label}"

    @property
    def year_label(self) -> str:
        return year_label(self.year)


def year_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


class EvaluationInvitation(EmployerOwned):
    """One single-use link, sent to one address. Stores the hash of the link's secret, never the secret."""

    cycle = models.ForeignKey(EvaluationCycle, on_delete=models.PROTECT, related_name="invitations")
    respondent_type = models.CharField(max_length=20, choices=INVITED_TYPES)
    email = models.EmailField()
    # Set when the co-ordinator picked someone on the platform (for the in-app reminder).
    person = person_field(optional=True)
    token_hash = models.CharField(max_length=64, unique=True)
    # Only whether it was used: no time, so that the response cannot be matched to it by when it came in.
    used = models.BooleanField(default=False)
    invited_on = models.DateField()
    # An address-only invitee's reminder (evaluations.reminders): the due date it was sent for, so each
    # due moment sends once; the reminder carries a new link and replaces ``token_hash``.
    reminded_for = models.DateField(null=True, blank=True)
    created_by = person_field()

    class Meta:
        ordering = ["respondent_type", "email"]
        constraints = [employer_unique("cycle", "email", name="evaluations_invitation_unique_email")]
        indexes = [employer_index("cycle", "used")]


class EvaluationResponse(EmployerOwned):
    """One set of ratings: the employer's self-assessment (edited until the cycle closes) or one
    respondent's anonymous answers (written once). Names no invitation and no person."""

    cycle = models.ForeignKey(EvaluationCycle, on_delete=models.PROTECT, related_name="responses")
    respondent_type = models.CharField(max_length=20, choices=RespondentType.choices)
    # A date, not a time: enough for "responses so far", too coarse to match against anything.
    submitted_on = models.DateField(null=True, blank=True)
    # Moved on by each save of the self-assessment (a stale save is refused). No ``updated_at``: a
    # respondent's response carries no time.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["cycle", "respondent_type"]
        constraints = [
            employer_unique(
                "cycle", condition=Q(respondent_type="self"), name="evaluations_one_self_assessment"
            )
        ]
        indexes = [employer_index("cycle", "respondent_type")]


class EvaluationRating(EmployerOwned):
    """A response's answer to one statement: 1 to 5, or null for "don't know"."""

    response = models.ForeignKey(EvaluationResponse, on_delete=models.CASCADE, related_name="ratings")
    statement = models.ForeignKey(EvaluationStatement, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            employer_unique("response", "statement", name="evaluations_rating_unique_statement"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="evaluations_rating_in_scale",
            ),
        ]
