"""Programme frameworks and their versions: the national reference data a registration starts under."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from asye.tenancy.models import EmployerType, ServiceArea


class ProgrammeFramework(models.Model):
    """A kind of programme (child and family ASYE, adults ASYE, the social work induction programme).

    ``available_from``/``available_until`` are the programme's overall bounds: no employer starts anyone
    on it outside them. Which employer types may use it, and from when within those bounds, is its
    ``FrameworkAvailability`` rows; a start date must be inside both."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    service_area = models.CharField(max_length=32, choices=ServiceArea.choices)
    available_from = models.DateField(
        help_text="First start date this programme accepts for anyone (each employer type's own dates are "
        "its availability rows)."
    )
    available_until = models.DateField(
        null=True,
        blank=True,
        help_text="Last start date it accepts for anyone; empty while it is open. To close it to some "
        "employer types only, end their availability rows instead.",
    )

    class Meta:
        ordering = ["service_area", "available_from"]

    def __str__(self) -> str:
        return self.name

    def current_version(self) -> FrameworkVersion | None:
        """The newest published version: the one new registrations start under (drafts never)."""
        return self.versions.filter(published_at__isnull=False).order_by("-version").first()


class FrameworkAvailability(models.Model):
    """Which employers may start NQSWs on a framework, and from when: one row per employer type and
    period. National staff keep these; registration offers a framework only where a row covers the
    employer's type and the start date (and the framework's service area is one the employer serves)."""

    framework = models.ForeignKey(ProgrammeFramework, on_delete=models.PROTECT, related_name="availability")
    employer_type = models.CharField(max_length=32, choices=EmployerType.choices)
    available_from = models.DateField(help_text="First start date this employer type may use it.")
    available_until = models.DateField(
        null=True, blank=True, help_text="Last start date it may use it; empty while it is open."
    )

    class Meta:
        ordering = ["framework", "employer_type", "available_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "employer_type", "available_from"],
                name="programmes_frameworkavailability_unique_start",
            ),
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_until__gte=models.F("available_from")),
                name="programmes_frameworkavailability_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework} for {self.get_employer_type_display()} from {self.available_from}"


class FrameworkVersion(models.Model):
    """The rules of one version of a framework. A registration keeps the version it started under, so a
    version in use is never edited: national staff publish a new one."""

    framework = models.ForeignKey(ProgrammeFramework, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveSmallIntegerField()
    length_months = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(60)])
    review_months = models.JSONField(help_text="Months at which reviews fall due, e.g. [3, 6, 12].")
    optional_review_months = models.JSONField(default=list, blank=True, help_text="e.g. [9].")
    supervision_weekly_weeks = models.PositiveSmallIntegerField(
        default=6, help_text="Supervision every week for this many weeks…"
    )
    supervision_fortnightly_until_month = models.PositiveSmallIntegerField(
        default=6, help_text="…then every two weeks until this month…"
    )
    supervision_monthly_after = models.BooleanField(default=True, help_text="…then every month.")
    protected_time_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("10"))
    caseload_cap_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("90"), help_text="Of the team's average caseload."
    )
    direct_observations = models.PositiveSmallIntegerField(default=3)
    requires_signed_agreement = models.BooleanField(
        default=True, help_text="The learning agreement must be signed before a final recommendation."
    )
    review_window_weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=[MaxValueValidator(26)],
        help_text="A review can be signed from this many weeks before it is due, and not earlier.",
    )
    protected_time_tolerance_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))],
        help_text="Protected time is flagged only when it is more than this far below the pro-rata target.",
    )
    protected_time_settling_in_weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=[MaxValueValidator(26)],
        help_text="No protected-time flag in the NQSW's first weeks worked.",
    )
    full_time_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("37"),
        help_text="Contracted hours that count as full-time.",
    )
    funding_qualification_years = models.PositiveSmallIntegerField(
        default=4, help_text="Funding needs qualification within this many years of the start date."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty for a draft; new registrations use published versions."
    )

    class Meta:
        ordering = ["framework", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "version"], name="programmes_frameworkversion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework.name} (version {self.version})"
