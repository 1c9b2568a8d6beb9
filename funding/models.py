"""Funding years and rates (reference data), grant applications with their action plans, claims, recovery
lines and monthly payment statements.

Money is ``DecimalField(max_digits=9, decimal_places=2)``: pounds and pence, never floats. A claim copies
its amount from the rate when it becomes claimable, so a later change to a rate never changes a claim.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from asye.records import AuthoredVersioned, CreatedVersioned, Decided, Submitted, Versioned, person_field
from asye.tenancy.models import EmployerOwned, employer_index, employer_unique
from programmes.models import ProgrammeFramework, Registration

MONEY = {"max_digits": 9, "decimal_places": 2}
PENNY = Decimal("0.01")


class Instalment(models.TextChoices):
    REGISTRATION = "registration", "Registration"
    COMPLETION = "completion", "Completion"


# --- Reference data: years and rates ---------------------------------------------------------------


class FundingYear(models.Model):
    """A funding year, 1 April to 31 March, with its claim deadline and the national budget for it.

    Claims not submitted by the deadline roll forward to the next year's claim (docs/funding.md)."""

    label = models.CharField(max_length=7, unique=True, help_text="Like 2026-27.")
    starts_on = models.DateField(help_text="1 April.")
    ends_on = models.DateField(help_text="31 March.")
    claim_deadline = models.DateField(
        help_text="The last day to submit claims for this year; later claims roll forward to the next year."
    )
    budget_child_and_family = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="The national budget for child and family (DfE), if set."
    )
    budget_adults = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="The national budget for adults (DHSC), if set."
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="funding_year_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(claim_deadline__gte=models.F("starts_on")), name="funding_year_deadline_in_year"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def contains(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class FundingRate(models.Model):
    """What one instalment of one framework pays in one funding year (the cohort's year: registrations
    starting in it). National staff edit rates in the admin; claims keep the amount they copied."""

    funding_year = models.ForeignKey(FundingYear, on_delete=models.PROTECT, related_name="rates")
    framework = models.ForeignKey(ProgrammeFramework, on_delete=models.PROTECT, related_name="+")
    instalment = models.CharField(max_length=16, choices=Instalment.choices)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(PENNY)])
    set_by = models.CharField(max_length=100, blank=True, help_text="Who sets it, e.g. DfE or DHSC.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["funding_year", "framework", "instalment"]
        constraints = [
            models.UniqueConstraint(
                fields=["funding_year", "framework", "instalment"], name="funding_rate_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.funding_year}: {self.framework}, {self.get_instalment_display().lower()}"


# --- Grant applications and action plans -----------------------------------------------------------


class GrantApplication(EmployerOwned, AuthoredVersioned, Submitted, Decided):
    """An employer's annual grant application: contacts, director, declarations and the action plan for
    continuous improvement. One per employer per funding year."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Not submitted"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for changes"
        ACCEPTED = "accepted", "Accepted"

    funding_year = models.ForeignKey(FundingYear, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    director_name = models.CharField(max_length=200, blank=True)
    director_job_title = models.CharField(max_length=200, blank=True)
    director_email = models.EmailField(blank=True)
    declares_programme_standards = models.BooleanField(default=False)
    declares_funding_use = models.BooleanField(default=False)
    declares_information_accurate = models.BooleanField(default=False)
    declares_director_approval = models.BooleanField(default=False)
    national_comments = models.TextField(blank=True, help_text="Why national staff returned it.")

    class Meta:
        ordering = ["-funding_year__starts_on", "id"]
        indexes = [employer_index("status")]
        constraints = [employer_unique("funding_year", name="funding_grantapplication_one_per_year")]

    def __str__(self) -> str:
        return f"Grant application {self.funding_year}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ActionPlanItem(EmployerOwned, CreatedVersioned):
    """One action of the annual action plan for continuous improvement: what, who, by when, progress."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    application = models.ForeignKey(GrantApplication, on_delete=models.PROTECT, related_name="actions")
    action = models.TextField()
    owner = models.CharField(max_length=200, help_text="The person responsible, by name or job title.")
    due_on = models.DateField()
    progress = models.CharField(max_length=16, choices=Progress.choices, default=Progress.NOT_STARTED)
    progress_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [employer_index("application")]

    def __str__(self) -> str:
        return self.action[:80]


# --- Claims, recoveries and statements -------------------------------------------------------------


def on_statement_exactly_when(*statuses: str, name: str) -> models.CheckConstraint:
    """A money line (a claim, a recovery) names a payment statement exactly while its status is one of
    ``statuses``: the check that keeps a statement's lines and their statuses in step."""
    return models.CheckConstraint(
        condition=Q(status__in=list(statuses), statement__isnull=False)
        | (~Q(status__in=list(statuses)) & Q(statement__isnull=True)),
        name=name,
    )


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Claimable"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    ON_STATEMENT = "on_statement", "On a payment statement"
    PAID = "paid", "Paid"
    REJECTED = "rejected", "Rejected"
    VOIDED = "voided", "Void"


class PaymentStatement(EmployerOwned, Versioned):
    """One month's payment to one employer: its approved claims less its recovery lines. Once authorised
    it cannot change (services refuse, and database triggers refuse too)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AUTHORISED = "authorised", "Authorised"
        PAID = "paid", "Paid"

    month = models.DateField(help_text="The first day of the month it pays in.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    total_claims = models.DecimalField(**MONEY, default=Decimal("0"))
    total_recoveries = models.DecimalField(**MONEY, default=Decimal("0"))
    total = models.DecimalField(**MONEY, default=Decimal("0"), help_text="Claims less recoveries.")
    built_by = person_field()
    built_at = models.DateTimeField(auto_now_add=True)
    authorised_by = person_field(optional=True)
    authorised_at = models.DateTimeField(null=True, blank=True)
    paid_by = person_field(optional=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True, help_text="The day the payment was made.")
    payment_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-month", "id"]
        indexes = [
            employer_index("status"),
            employer_index("updated_at"),
        ]
        constraints = [
            employer_unique("month", name="funding_statement_one_per_month"),
            models.CheckConstraint(
                condition=Q(total=models.F("total_claims") - models.F("total_recoveries")),
                name="funding_statement_total_is_claims_less_recoveries",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(authorised_at__isnull=False),
                name="funding_statement_authorised_has_when",
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_on__isnull=False),
                name="funding_statement_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Payment statement {self.reference}"

    @property
    def reference(self) -> str:
        return f"ASYE-{self.month:%Y-%m}-{self.employer_id}"


class Claim(EmployerOwned, CreatedVersioned, Submitted, Decided):
    """One instalment of one registration's funding. At most one per registration and instalment, enforced
    by the database, so a repeated call or a second press of a button cannot make a second payment."""

    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="funding_claims")
    instalment = models.CharField(max_length=16, choices=Instalment.choices)
    status = models.CharField(max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT)
    funding_year = models.ForeignKey(
        FundingYear, on_delete=models.PROTECT, related_name="+", help_text="The year it is paid from."
    )
    rate = models.ForeignKey(FundingRate, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(**MONEY, help_text="Copied from the rate when it became claimable.")
    claimable_on = models.DateField()
    rolled_forward_from = models.ForeignKey(
        FundingYear, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True, help_text="Why it was rejected or voided.")
    statement = models.ForeignKey(
        PaymentStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-claimable_on", "id"]
        indexes = [
            employer_index("status"),
            employer_index("updated_at"),
            employer_index("statement"),
            # National queues and the budget look across employers by status and year.
            models.Index(fields=["status", "funding_year"], name="funding_claim_status_year_idx"),
        ]
        constraints = [
            employer_unique("registration", "instalment", name="funding_claim_one_per_instalment"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_claim_amount_positive"),
            on_statement_exactly_when("on_statement", "paid", name="funding_claim_statement_matches_status"),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", "voided"]) | ~Q(reason=""),
                name="funding_claim_reason_when_refused",
            ),
        ]

    def __str__(self) -> str:
        return f"Claim {self.pk}: {self.get_instalment_display().lower()} instalment"

    @property
    def reference(self) -> str:
        return f"C{self.pk:06d}"

    @property
    def is_paid_out(self) -> bool:
        """Paid, or on a statement authorised for payment: too late to void, only a recovery takes the
        money back."""
        return self.status == ClaimStatus.PAID or (
            self.status == ClaimStatus.ON_STATEMENT and self.statement.status != PaymentStatement.Status.DRAFT
        )


class Recovery(EmployerOwned, Versioned):
    """Money recovered from an employer (a clawback of an overpayment): its own line, netted off the
    employer's next payment statement. The claim it recovers keeps its amount and history."""

    class Status(models.TextChoices):
        PENDING = "pending", "To recover"
        ON_STATEMENT = "on_statement", "On a payment statement"
        RECOVERED = "recovered", "Recovered"
        CANCELLED = "cancelled", "Cancelled"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="recoveries")
    amount = models.DecimalField(**MONEY)
    reason = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    statement = models.ForeignKey(
        PaymentStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="recoveries"
    )
    created_by = person_field(optional=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name_plural = "recoveries"
        indexes = [
            employer_index("status"),
            employer_index("claim"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_recovery_amount_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="funding_recovery_has_reason"),
            on_statement_exactly_when(
                "on_statement", "recovered", name="funding_recovery_statement_matches_status"
            ),
        ]

    def __str__(self) -> str:
        return f"Recovery {self.pk} of claim {self.claim_id}"

    @property
    def reference(self) -> str:
        return f"R{self.pk:06d}"


class PaymentStatementLine(EmployerOwned):
    """One line of a payment statement as it was authorised: the claim or recovery it pays, with the
    NQSW's name, Social Work England number, programme, instalment, funding year and amount copied at that
    moment. Written once, when the statement is authorised (or, for statements authorised before lines were
    kept, by migration 0005 from the values of the day it ran); never changed or deleted (database triggers
    refuse). Pages, exports and the API read an authorised statement's lines from here; a draft's are read
    live from its claims and recoveries."""

    class Kind(models.TextChoices):
        CLAIM = "claim", "Claim"
        RECOVERY = "recovery", "Recovery"

    statement = models.ForeignKey(PaymentStatement, on_delete=models.PROTECT, related_name="frozen_lines")
    position = models.PositiveIntegerField(help_text="The line's place on the statement, from 1.")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recovery = models.ForeignKey(Recovery, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reference = models.CharField(max_length=20)
    nqsw_name = models.CharField(max_length=300)
    swe_number = models.CharField(max_length=20)
    programme = models.CharField(max_length=200)
    instalment = models.CharField(max_length=16, choices=Instalment.choices)
    funding_year = models.CharField(max_length=7, help_text="The funding year's label, like 2026-27.")
    amount = models.DecimalField(**MONEY, help_text="Negative for a recovery.")
    note = models.TextField(blank=True)
    frozen_at = models.DateTimeField()

    class Meta:
        ordering = ["statement", "position"]
        indexes = [employer_index("statement")]
        constraints = [
            employer_unique("statement", "position", name="funding_statementline_one_per_position"),
            models.CheckConstraint(
                condition=(Q(kind="claim", claim__isnull=False, recovery__isnull=True, amount__gt=0))
                | Q(kind="recovery", claim__isnull=True, recovery__isnull=False, amount__lt=0),
                name="funding_statementline_kind_matches",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} on statement {self.statement_id}"
