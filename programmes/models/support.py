"""What keeps the year on track: supervision, protected time, caseload and support needs."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from asye.records import Created, Versioned, person_field
from asye.tenancy.models import EmployerOwned, employer_index

from .registrations import Registration


class SupportRecord(EmployerOwned, Created):
    """A record of the support the framework sets (supervision, protected time, caseload): who recorded it
    and when it was recorded."""

    recorded_by = person_field()

    class Meta:
        abstract = True


class SupervisionSession(SupportRecord):
    """A supervision session held with the NQSW (the framework sets how often they are due)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="supervision_sessions"
    )
    held_on = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    reflective = models.BooleanField(help_text="Reflective supervision, not only case management.")
    supervisor = person_field(optional=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [employer_index("registration", "held_on")]


class ProtectedTimeLog(SupportRecord):
    """Hours of protected development time the NQSW took (the framework's target is 10% of their hours)."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="protected_time")
    taken_on = models.DateField()
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("12"))],
    )
    activity = models.CharField(max_length=200)

    class Meta:
        ordering = ["-taken_on", "-id"]
        indexes = [employer_index("registration", "taken_on")]


class CaseloadRecord(SupportRecord):
    """The NQSW's caseload against the team's average, recorded by the line manager."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="caseload_records")
    recorded_on = models.DateField()
    caseload = models.PositiveSmallIntegerField(validators=[MaxValueValidator(200)])
    team_average = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("200"))],
    )

    class Meta:
        ordering = ["-recorded_on", "-id"]
        indexes = [employer_index("registration", "recorded_on")]


class SupportNeed(EmployerOwned, Versioned):
    """A request for reasonable adjustments or an Access to Work assessment, recorded by the NQSW.

    The co-ordinator sees the kind, the status and how long it has been waiting; the detail (which may
    be medical) only if the NQSW chooses to share it."""

    class Kind(models.TextChoices):
        REASONABLE_ADJUSTMENTS = "reasonable_adjustments", "Reasonable adjustments"
        ACCESS_TO_WORK = "access_to_work", "Access to Work assessment"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        IN_PROGRESS = "in_progress", "Being arranged"
        IN_PLACE = "in_place", "In place"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn by the NQSW"

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="support_needs")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    requested_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    resolved_on = models.DateField(null=True, blank=True)
    detail = models.TextField(blank=True, help_text="The NQSW's own words. Shown to others only if shared.")
    detail_shared = models.BooleanField(default=False)
    created_by = person_field()

    class Meta:
        ordering = ["requested_on", "id"]
        indexes = [
            employer_index("registration"),
            employer_index("status"),
        ]
