"""Forms for the support pages: supervision, protected time, caseload and support needs.

The forms check what a person typed (a real date, a number); the services apply the rules (no future
dates, not before the programme started, who may record what), and their errors are shown on the same
fields with ``add_service_errors``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from asye.web.dates import DateInput, DateInputsMixin, date_part_names
from asye.web.forms import choice_field
from programmes.models import SupportNeed
from programmes.support_need_services import MAX_DETAIL_LENGTH
from programmes.support_services import (
    MAX_ACTIVITY_LENGTH,
    MAX_CASELOAD,
    MAX_PROTECTED_HOURS,
    MAX_SUPERVISION_MINUTES,
    MAX_TEAM_AVERAGE,
    MIN_PROTECTED_HOURS,
    MIN_SUPERVISION_MINUTES,
    MIN_TEAM_AVERAGE,
)


def _date_input(name: str, legend: str, subject: str) -> DateInput:
    """A support page's date: asking for a missing one follows from its subject ("Date of the count")."""
    required_message = f"Enter the {subject.lower()}"
    return DateInput(name=name, legend=legend, subject=subject, required_message=required_message)


def _parse_decimal(value: str, message: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(message) from exc
    if not number.is_finite():
        raise ValidationError(message)
    return number


class SupervisionForm(DateInputsMixin, forms.Form):
    date_inputs = (_date_input("held_on", "When was the session?", "Date of the session"),)
    field_order_after_dates = date_part_names("held_on")
    duration_minutes = forms.IntegerField(
        label="How long did it last, in minutes?",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "data-width": "3"}),
        error_messages={
            "required": "Enter how long the session lasted, in minutes",
            "invalid": "Enter how long the session lasted as a whole number of minutes, like 60",
        },
    )
    reflective = choice_field(
        "Was it reflective supervision?",
        required="Select yes if it was reflective supervision",
        help_text="Reflective supervision looks at the NQSW's practice and learning, not only at cases.",
        choices=[("yes", "Yes"), ("no", "No")],
        invalid=None,
    )
    supervisor = choice_field(
        "Who supervised?",
        required="Select who supervised",
        invalid="Select one of your assessors or line managers",
        widget=forms.Select,
        coerce=int,
        field=forms.TypedChoiceField,
    )

    def __init__(self, *args, supervisors, me, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(me.pk, f"Me ({me.full_name or me.email})")]
        choices += [(user.pk, user.full_name or user.email) for user in supervisors if user.pk != me.pk]
        self.fields["supervisor"].choices = choices
        self.fields["supervisor"].initial = me.pk

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not (MIN_SUPERVISION_MINUTES <= minutes <= MAX_SUPERVISION_MINUTES):
            raise ValidationError(
                f"The session must last between {MIN_SUPERVISION_MINUTES} and "
                f"{MAX_SUPERVISION_MINUTES} minutes"
            )
        return minutes


class ProtectedTimeForm(DateInputsMixin, forms.Form):
    date_inputs = (_date_input("taken_on", "When was the time taken?", "Date the time was taken"),)
    field_order_after_dates = date_part_names("taken_on")
    hours = forms.CharField(
        label="How many hours?",
        help_text="For example, 3.5 for three and a half hours",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-width": "4"}),
        error_messages={"required": "Enter the number of hours"},
    )
    activity = forms.CharField(
        label="What was it used for?",
        help_text="For example, reading research, shadowing a colleague or writing a critical reflection",
        max_length=MAX_ACTIVITY_LENGTH,
        error_messages={
            "required": "Enter what the time was used for",
            "max_length": f"The activity must be {MAX_ACTIVITY_LENGTH} characters or fewer",
        },
    )

    def clean_hours(self):
        hours = _parse_decimal(self.cleaned_data["hours"], "Enter the number of hours as a number, like 3.5")
        if not (MIN_PROTECTED_HOURS <= hours <= MAX_PROTECTED_HOURS):
            raise ValidationError("Enter between a quarter of an hour (0.25) and 12 hours")
        if hours != hours.quantize(Decimal("0.01")):
            raise ValidationError("Enter the hours to no more than 2 decimal places, like 3.25")
        return hours


class CaseloadForm(DateInputsMixin, forms.Form):
    date_inputs = (_date_input("recorded_on", "On what date were the cases counted?", "Date of the count"),)
    field_order_after_dates = date_part_names("recorded_on")
    caseload = forms.IntegerField(
        label="How many cases does the NQSW hold?",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "data-width": "3"}),
        error_messages={
            "required": "Enter the number of cases the NQSW holds",
            "invalid": "Enter the number of cases as a whole number, like 12",
        },
    )
    team_average = forms.CharField(
        label="What is the team's average caseload?",
        help_text="The average number of cases held by the social workers in the NQSW's team, like 18.5",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-width": "4"}),
        error_messages={"required": "Enter the team's average caseload"},
    )

    def clean_caseload(self):
        caseload = self.cleaned_data["caseload"]
        if not (0 <= caseload <= MAX_CASELOAD):
            raise ValidationError(f"The caseload must be between 0 and {MAX_CASELOAD}")
        return caseload

    def clean_team_average(self):
        average = _parse_decimal(
            self.cleaned_data["team_average"], "Enter the team's average as a number, like 18.5"
        )
        if not (MIN_TEAM_AVERAGE <= average <= MAX_TEAM_AVERAGE):
            raise ValidationError(
                f"The team's average must be between {MIN_TEAM_AVERAGE} and {MAX_TEAM_AVERAGE}"
            )
        if average != average.quantize(Decimal("0.1")):
            raise ValidationError("Enter the team's average to 1 decimal place, like 18.5")
        return average


class SupportNeedForm(DateInputsMixin, forms.Form):
    kind = choice_field(
        "What did you ask for?",
        required="Select the kind of support you asked for",
        choices=SupportNeed.Kind.choices,
        invalid=None,
    )
    date_inputs = (_date_input("requested_on", "When did you ask for it?", "Date you asked for it"),)
    field_order_after_dates = ("kind", *date_part_names("requested_on"))
    detail = forms.CharField(
        label="Tell us about it (optional)",
        help_text="In your own words. Only you can read this unless you choose to share it.",
        required=False,
        max_length=MAX_DETAIL_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"The detail must be {MAX_DETAIL_LENGTH} characters or fewer"},
    )
    detail_shared = forms.BooleanField(
        label="Share this detail with my ASYE co-ordinator",
        help_text="Your co-ordinator always sees the kind of support, its status and how long it has waited.",
        required=False,
    )


class SupportNeedStatusForm(forms.Form):
    status = choice_field("What is the status now?", required="Select a new status")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices


class SupportNeedDetailForm(forms.Form):
    detail = SupportNeedForm.base_fields["detail"]
    detail_shared = SupportNeedForm.base_fields["detail_shared"]
    version = forms.IntegerField(widget=forms.HiddenInput)
