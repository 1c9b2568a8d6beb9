"""The national reports' one setting: the disclosure threshold published tables use (national only)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from asye.records import Versioned

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
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "reporting disclosure rule"

    def __str__(self) -> str:
        return f"Published tables suppress counts below {self.threshold}"
