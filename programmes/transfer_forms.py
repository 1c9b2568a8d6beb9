"""Forms of the transfer pages: asking another employer to take an NQSW on, and that employer's answer.

Like the other registration forms they check only the shape of what was typed; the rules (which
employer, which dates, whose assessor) are ``programmes.transfers``'s.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms

from asye.web.dates import DateInput, DateInputsMixin, date_part_names
from programmes.forms import (
    VersionedForm,
    contracted_hours_checked,
    contracted_hours_field,
    reason_field,
)

LATER = ""


class TransferRequestForm(DateInputsMixin, VersionedForm):
    """``employers`` are the other employers on the service (their names are public)."""

    to_employer = forms.ModelChoiceField(
        label="Which employer is the NQSW moving to?",
        queryset=None,
        empty_label="Choose an employer",
        error_messages={
            "required": "Select the employer the NQSW is moving to",
            "invalid_choice": "Select the employer the NQSW is moving to",
        },
    )
    date_inputs = (
        DateInput(
            name="on",
            legend="What is the NQSW's last day with you?",
            subject="The NQSW's last day with you",
            required_message="Enter the NQSW's last day with you",
            hint="Their registration here ends as transferred on this day, once the new employer accepts. "
            "For example, 31 3 2027",
        ),
    )
    field_order_after_dates = ("to_employer", *date_part_names("on"), "version")

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_employer"].queryset = employers


class TransferAnswerForm(VersionedForm):
    """The version of the transfer request the page showed."""


def _person_field(label: str, hint: str, message: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=hint,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": message},
    )


class TransferAcceptForm(DateInputsMixin, VersionedForm):
    """``assessors`` and ``line_managers`` are the receiving employer's, as ``(user_id, label)``."""

    date_inputs = (
        DateInput(
            name="joins_on",
            legend="What is the NQSW's first day with you?",
            subject="The NQSW's first day with you",
            required_message="Enter the NQSW's first day with you",
            hint="Any days between their last day at the other employer and this one pause the programme. "
            "For example, 1 4 2027",
        ),
    )
    contracted_hours = contracted_hours_field("Contracted hours a week with you", "Full-time is 37 hours.")
    assessor = _person_field(
        "Who will assess the NQSW?",
        "You can allocate an assessor later.",
        "Select one of your assessors",
    )
    line_manager = _person_field(
        "Who is the NQSW's line manager?",
        "You can set the line manager later.",
        "Select one of your line managers",
    )
    field_order_after_dates = (
        *date_part_names("joins_on"),
        "contracted_hours",
        "assessor",
        "line_manager",
        "version",
    )

    def __init__(
        self, *args, assessors: list[tuple[int, str]], line_managers: list[tuple[int, str]], **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].choices = [*assessors, (LATER, "Choose later")]
        self.fields["line_manager"].choices = [*line_managers, (LATER, "Choose later")]

    def clean_contracted_hours(self) -> Decimal:
        return contracted_hours_checked(self.cleaned_data.get("contracted_hours"))


class TransferDeclineForm(VersionedForm):
    reason = reason_field(
        "Why are you declining the transfer?",
        "Enter the reason you are declining the transfer",
        "The employer who asked sees this reason.",
    )
    field_order = ("reason", "version")
