"""The national reports' models: the disclosure threshold published tables use, and the report runs national
staff have published (both national only)."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from asye.records import Versioned, person_field

DEFAULT_THRESHOLD = 5
# A threshold of 2 would still hide a count of 1; lower would hide nothing.
LOWEST_THRESHOLD = 2
HIGHEST_THRESHOLD = 50


class DisclosureRule(Versioned):
    """One row: counts from 1 to ``threshold - 1`` are suppressed in every published table (PDF, XLSX,
    the published HTML view), with the complementary cells that would reveal them (``reporting.disclosure``).
    National staff change it on ``/national/reports/disclosure/`` (audited). National-only row-level
    security: no employer reads it."""

    threshold = models.PositiveSmallIntegerField(
        default=DEFAULT_THRESHOLD,
        validators=[MinValueValidator(LOWEST_THRESHOLD), MaxValueValidator(HIGHEST_THRESHOLD)],
        help_text="Counts below this number are not published.",
    )
    updated_by = person_field(optional=True)

    class Meta:
        verbose_name = "reporting disclosure rule"

    def __str__(self) -> str:
        return f"Published tables suppress counts below {self.threshold}"


class PublishedReport(models.Model):
    """A run of the annual report that national staff published (audited): its tables as published, kept
    here at the moment of publication, so the public page (``/reports/<public_id>/``) reads only
    suppressed figures (a suppressed cell has no value stored at all) and never changes afterwards.
    Withdrawing it takes the page down (a 404), and is audited too. National-only row-level security: the
    public page reads one row by its identifier in the system national context
    (``reporting.publishing.published_report_get``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    job = models.OneToOneField("jobs.Job", on_delete=models.PROTECT, related_name="+")
    year = models.CharField(max_length=7)
    service_area = models.CharField(max_length=24)
    threshold = models.PositiveSmallIntegerField()
    tables = models.JSONField(help_text="The published tables: suppressed cells carry no value.")
    published_by = person_field()
    published_at = models.DateTimeField()
    withdrawn_by = person_field(optional=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return f"Published annual report {self.year} ({self.service_area})"
