"""Registrations: an NQSW's programme at one employer, its corrections, deferrals, assessors and
national funding reviews."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Lower

from asye.records import Authored, CreatedVersioned, Decided, person_field
from asye.tenancy.models import EmployerOwned, employer_index, employer_unique

from .frameworks import FrameworkVersion

SWE_NUMBER_VALIDATOR = RegexValidator(
    r"^SW[0-9]{1,10}$", "Enter a Social Work England number in the correct format, like SW123456"
)


class FundingStatus(models.TextChoices):
    """What the employer sees of the funding decision. A duplicate that national staff must check is not
    a status here (the employer would learn the person was registered elsewhere): it is an open
    ``NationalReview``, which only national staff see."""

    AWAITING_APPROVAL = "awaiting_approval", "Awaiting national approval"
    APPROVED = "approved", "Approved for funding"
    REJECTED = "rejected", "Not approved for funding"
    UNFUNDED = "unfunded", "Not eligible for funding"


class RegistrationStatus(models.TextChoices):
    ACTIVE = "active", "In progress"
    DEFERRED = "deferred", "Deferred"
    WITHDRAWN = "withdrawn", "Withdrawn"
    TRANSFERRED = "transferred", "Transferred to another employer"
    COMPLETED = "completed", "Completed"


class Outcome(models.TextChoices):
    PASSED = "passed", "Passed"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


class Registration(EmployerOwned, CreatedVersioned):
    """An NQSW's programme at one employer: the record the whole year hangs from."""

    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="registrations"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    swe_number = models.CharField(
        "Social Work England number", max_length=12, validators=[SWE_NUMBER_VALIDATOR]
    )
    qualification_date = models.DateField()
    start_date = models.DateField()
    contracted_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("48"))],
    )
    funding_year = models.CharField(max_length=7, help_text="Like 2026-27: 1 April to 31 March.")
    funding_status = models.CharField(max_length=32, choices=FundingStatus.choices)
    funding_note = models.TextField(blank=True, help_text="Why it is unfunded, rejected or under review.")
    status = models.CharField(
        max_length=16, choices=RegistrationStatus.choices, default=RegistrationStatus.ACTIVE
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    outcome_date = models.DateField(null=True, blank=True)
    ended_at = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    extension_days = models.PositiveIntegerField(default=0)
    nqsw = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    assessor = person_field(optional=True)
    line_manager = person_field(optional=True)
    learning_agreement_needs_signing = models.BooleanField(default=True)
    # A transfer is a new registration at the new employer, linked to the one it continues.
    transferred_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_constraint=True
    )
    legacy_ref = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001  (unique when set)
    legacy_deferrals = models.PositiveSmallIntegerField(default=0)
    created_by = person_field(optional=True)
    # An end that takes effect on a later date (a withdrawal or transfer from a day still to come): the
    # registration stays open until then; the nightly job applies it on the day.
    ending_status = models.CharField(
        max_length=16,
        choices=[
            (RegistrationStatus.WITHDRAWN, "Withdrawn"),
            (RegistrationStatus.TRANSFERRED, "Transferred"),
        ],
        blank=True,
    )
    ending_on = models.DateField(null=True, blank=True)
    # Where the year stands, worked out from the records (programmes.progress) and kept here so lists
    # filter, count and page in SQL. Updated in the same transaction as the records that change it and
    # by the nightly job for what the date alone changes; ``progress_on`` is the day it was worked out.
    next_due_kind = models.CharField(max_length=24, blank=True)
    next_due_label = models.CharField(max_length=120, blank=True)
    next_due_on = models.DateField(null=True, blank=True)
    flag_review_due = models.BooleanField(default=False)
    flag_work_overdue = models.BooleanField(default=False)
    flag_supervision_overdue = models.BooleanField(default=False)
    flag_protected_time = models.BooleanField(default=False)
    flag_caseload = models.BooleanField(default=False)
    progress_on = models.DateField(null=True, blank=True)
    # What search matches (programmes.search), worked out by the database: lower-case, so a search is a
    # range on a plain column that a btree index serves even under row-level security (a function of a
    # column, like lower(last_name), is not leakproof, so PostgreSQL would not use an index on it there).
    search_name = models.GeneratedField(
        expression=Lower(Concat("first_name", Value(" "), "last_name")),
        output_field=models.CharField(max_length=201),
        db_persist=True,
    )
    search_name_reversed = models.GeneratedField(
        expression=Lower(Concat("last_name", Value(" "), "first_name")),
        output_field=models.CharField(max_length=201),
        db_persist=True,
    )
    search_email = models.GeneratedField(
        expression=Lower("email"), output_field=models.CharField(max_length=254), db_persist=True
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            employer_index("status"),
            # The lists' order (Meta.ordering) within one employer: a page is read off the index, not sorted.
            employer_index("last_name", "first_name", "id", name="programmes_reg_list_idx"),
            # The API's sync: keyset pages on (updated_at, id) (asye.api.pagination.SyncPagination).
            employer_index("updated_at", "id", name="programmes_reg_sync_idx"),
            employer_index("funding_year"),
            employer_index("assessor"),
            employer_index("nqsw"),
            employer_index("next_due_on"),
            # National staff's queue: funding still to decide (registration_review_queue_national).
            models.Index(
                fields=["created_at", "id"],
                condition=Q(funding_status="awaiting_approval"),
                name="programmes_reg_awaiting_idx",
            ),
            models.Index(
                fields=["ending_on"], condition=Q(ending_on__isnull=False), name="programmes_reg_ending_idx"
            ),
            # National duplicate detection looks across employers by SWE number.
            models.Index(fields=["swe_number"], name="programmes_reg_swe_idx"),
            # Search by name or email across employers (programmes.search): prefix ranges.
            models.Index(fields=["search_name"], name="programmes_reg_search_name_idx"),
            models.Index(fields=["search_name_reversed"], name="programmes_reg_search_rev_idx"),
            models.Index(fields=["search_email"], name="programmes_reg_srch_email_idx"),
        ]
        constraints = [
            employer_unique(
                "swe_number",
                condition=Q(status__in=["active", "deferred"]),
                name="programmes_registration_one_open_per_swe",
            ),
            employer_unique(
                "legacy_ref",
                condition=Q(legacy_ref__isnull=False),
                name="programmes_registration_unique_legacy_ref",
            ),
            models.CheckConstraint(
                condition=Q(swe_number__regex=r"^SW[0-9]+$"), name="programmes_registration_swe_format"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.swe_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_open(self) -> bool:
        return self.status in (RegistrationStatus.ACTIVE, RegistrationStatus.DEFERRED)


class RegistrationCorrection(EmployerOwned):
    """A co-ordinator put a registration detail right (name, SWE number, qualification or start date):
    the old and new values, the reason, who and when. Corrections are history: never edited."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="corrections")
    field = models.CharField(max_length=32)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    reason = models.TextField()
    corrected_by = person_field()
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["corrected_at", "id"]
        indexes = [employer_index("registration")]


class Deferral(EmployerOwned, Authored):
    """A pause in a registration's clock. While open, every later due date waits; on resuming they move."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="deferrals")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["started_on", "id"]
        indexes = [employer_index("registration")]
        constraints = [
            employer_unique(
                "registration", condition=Q(ended_on__isnull=True), name="programmes_deferral_one_open"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="programmes_deferral_ends_after_start",
            ),
        ]


class AssessorAllocation(EmployerOwned):
    """Who assessed the NQSW and when: the history kept as assessors change."""

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="assessor_allocations"
    )
    assessor = person_field()
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_by = person_field()

    class Meta:
        ordering = ["started_on", "id"]
        indexes = [
            employer_index("registration"),
            employer_index("assessor"),
        ]


class NationalReview(Decided):
    """A registration national staff must look at before funding: the NQSW is already registered or
    funded elsewhere. National only: the registering employer learns nothing of it (its registration
    looks the same as any other awaiting approval; issue #12, finding 8)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        APPROVED = "approved", "Approved for funding"
        REJECTED = "rejected", "Not approved for funding"
        # A correction changed the Social Work England number: the two are no longer the same person.
        SUPERSEDED = "superseded", "No longer applies: the registration was corrected"

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="+")
    other_registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "other_registration"], name="programmes_nationalreview_unique_pair"
            )
        ]
        # National staff's queue: the registrations with an open review (the rest are history).
        indexes = [
            models.Index(
                fields=["registration"], condition=Q(status="open"), name="programmes_review_open_idx"
            )
        ]

    def __str__(self) -> str:
        return f"National review of registration {self.registration_id}: {self.reason}"
