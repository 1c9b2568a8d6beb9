"""Forms for the support pages: supervision, protected time, caseload and support needs.

The forms check what a person typed (a real date, a number); the services apply the rules (no future
dates, not before the programme started, who may record what), and their errors are shown on the same
fields with ``add_service_errors``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from asye.web.dates import DateInput, DateInputsMixin, date_part_names, subject_date_input
from asye.web.form_fields import numeric_box, text_field, whole_number_field
from asye.web.forms import choice_field
from programmes.models import SupportNeed
from programmes.support_need_services import MAX_DETAIL_LENGTH
from programmes.support_services import (
    CASELOAD_OUTSIDE,
    DURATION_OUTSIDE,
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
    return subject_date_input(name, legend, subject, ask="Enter the")


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
    duration_minutes = whole_number_field(
        "How long did it last, in minutes?",
        low=MIN_SUPERVISION_MINUTES,
        high=MAX_SUPERVISION_MINUTES,
        required="Enter how long the session lasted, in minutes",
        invalid="Enter how long the session lasted as a whole number of minutes, like 60",
        outside=DURATION_OUTSIDE,
        widget=numeric_box(3),
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


class ProtectedTimeForm(DateInputsMixin, forms.Form):
    date_inputs = (_date_input("taken_on", "When was the time taken?", "Date the time was taken"),)
    field_order_after_dates = date_part_names("taken_on")
    hours = forms.CharField(
        label="How many hours?",
        help_text="For example, 3.5 for three and a half hours",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-width": "4"}),
        error_messages={"required": "Enter the number of hours"},
    )
    activity = text_field(
        "What was it used for?",
        subject="The activity",
        limit=MAX_ACTIVITY_LENGTH,
        required="Enter what the time was used for",
        hint="For example, reading research, shadowing a colleague or writing a critical reflection",
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
    caseload = whole_number_field(
        "How many cases does the NQSW hold?",
        low=0,
        high=MAX_CASELOAD,
        required="Enter the number of cases the NQSW holds",
        invalid="Enter the number of cases as a whole number, like 12",
        outside=CASELOAD_OUTSIDE,
        widget=numeric_box(3),
    )
    team_average = forms.CharField(
        label="What is the team's average caseload?",
        help_text="The average number of cases held by the social workers in the NQSW's team, like 18.5",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-width": "4"}),
        error_messages={"required": "Enter the team's average caseload"},
    )

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
    detail = text_field(
        "Tell us about it (optional)",
        subject="The detail",
        hint="In your own words. Only you can read this unless you choose to share it.",
        limit=MAX_DETAIL_LENGTH,
        rows=5,
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
