"""Transfers: a request to move an NQSW's programme to another employer on the platform."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from asye.records import Decided, person_field
from asye.tenancy.models import EmployerOwned, employer_index, employer_unique

from .frameworks import FrameworkVersion
from .registrations import SWE_NUMBER_VALIDATOR, Registration


class RegistrationTransfer(EmployerOwned, Decided):
    """A request to move an NQSW's programme to another employer on the platform: made by the sending
    employer's co-ordinator (``employer``), accepted or declined by a co-ordinator of ``to_employer``.

    It crosses two employers, so its row-level security lets both see it (``employer_id`` or
    ``to_employer_id``), and only the sender may create it. It carries what the receiving employer needs
    and nothing else of the sender's records: the NQSW's name, email address and Social Work England
    number, and the programme so far (framework version, start date, hours, deferred periods without their
    reasons, extension, funding year), copied when the request is made. Accepting creates the receiving
    employer's registration (``new_registration``), which the NQSW must confirm before it is linked to
    their account; the sending registration ends as transferred on ``transfer_on``."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Waiting for the new employer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CANCELLED = "cancelled", "Cancelled"

    to_employer = models.ForeignKey("tenancy.Employer", on_delete=models.PROTECT, related_name="+")
    # The sending employer's registration: never read on the receiving side (row-level security hides it).
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="transfers_out")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    transfer_on = models.DateField(help_text="The NQSW's last day with the sending employer.")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    swe_number = models.CharField(max_length=12, validators=[SWE_NUMBER_VALIDATOR])
    qualification_date = models.DateField()
    framework_version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    contracted_hours = models.DecimalField(max_digits=5, decimal_places=2)
    extension_days = models.PositiveIntegerField(default=0)
    funding_year = models.CharField(max_length=7)
    # Periods the programme was paused, as [[started_on, ended_on or null], ...] (no reasons: they stay
    # with the sending employer).
    paused = models.JSONField(default=list, blank=True)
    requested_by = person_field()
    requested_at = models.DateTimeField(auto_now_add=True)
    decline_reason = models.TextField(blank=True)
    joins_on = models.DateField(
        null=True, blank=True, help_text="The NQSW's first day with the new employer."
    )
    new_registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            employer_index("registration"),
            # The receiving employer's list of incoming transfers.
            models.Index(fields=["to_employer", "status"], name="programmes_transfer_to_idx"),
        ]
        constraints = [
            employer_unique(
                "registration", condition=Q(status="requested"), name="programmes_transfer_one_open"
            ),
            models.CheckConstraint(
                condition=~Q(to_employer=models.F("employer")), name="programmes_transfer_other_employer"
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer of {self.first_name} {self.last_name} ({self.swe_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"
