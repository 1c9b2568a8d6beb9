"""Forms for the support pages: supervision, protected time, caseload and support needs.

The forms check what a person typed (a real date, a number); the services apply the rules (no future
dates, not before the programme started, who may record what), and their errors are shown on the same
fields with ``add_service_errors``.
"""

from __future__ import annotations

from django import forms

from asye.web.dates import DateInput, DateInputsMixin, date_part_names, subject_date_input
from asye.web.form_fields import numeric_box, text_field, whole_number_field
from asye.web.forms import choice_field
from programmes.models import SupportNeed
from programmes.support_need_services import MAX_DETAIL_LENGTH
from programmes.support_services import (
    CASELOAD,
    MAX_ACTIVITY_LENGTH,
    PROTECTED_HOURS,
    SUPERVISION_MINUTES,
    TEAM_AVERAGE,
    NumberAnswer,
)


def _date_input(name: str, legend: str, subject: str) -> DateInput:
    """A support page's date: asking for a missing one follows from its subject ("Date of the count")."""
    return subject_date_input(name, legend, subject, ask="Enter the")


def _whole_number(label: str, answer: NumberAnswer) -> forms.IntegerField:
    """A whole number within its rule's limits, each problem with it in the rule's words."""
    return whole_number_field(
        label,
        low=answer.low,
        high=answer.high,
        required=answer.missing,
        invalid=answer.invalid,
        outside=answer.outside,
        widget=numeric_box(3),
    )


def _decimal_number(label: str, answer: NumberAnswer, *, hint: str) -> forms.CharField:
    """A number typed with a decimal point, read as text: the form's ``clean_<name>`` checks it by its rule
    (``answer.checked``)."""
    return forms.CharField(
        label=label,
        help_text=hint,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-width": "4"}),
        error_messages={"required": answer.missing},
    )


class _SupportRecordForm(DateInputsMixin, forms.Form):
    """A supervision, protected time or caseload record: the boxes of its one date come first."""

    @property
    def field_order_after_dates(self) -> tuple[str, ...]:
        return date_part_names(self.date_inputs[0].name)


class SupervisionForm(_SupportRecordForm):
    date_inputs = (_date_input("held_on", "When was the session?", "Date of the session"),)
    duration_minutes = _whole_number("How long did it last, in minutes?", SUPERVISION_MINUTES)
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


class ProtectedTimeForm(_SupportRecordForm):
    date_inputs = (_date_input("taken_on", "When was the time taken?", "Date the time was taken"),)
    hours = _decimal_number(
        "How many hours?", PROTECTED_HOURS, hint="For example, 3.5 for three and a half hours"
    )
    activity = text_field(
        "What was it used for?",
        subject="The activity",
        limit=MAX_ACTIVITY_LENGTH,
        required="Enter what the time was used for",
        hint="For example, reading research, shadowing a colleague or writing a critical reflection",
    )

    def clean_hours(self):
        return PROTECTED_HOURS.checked(self.cleaned_data["hours"])


class CaseloadForm(_SupportRecordForm):
    date_inputs = (_date_input("recorded_on", "On what date were the cases counted?", "Date of the count"),)
    caseload = _whole_number("How many cases does the NQSW hold?", CASELOAD)
    team_average = _decimal_number(
        "What is the team's average caseload?",
        TEAM_AVERAGE,
        hint="The average number of cases held by the social workers in the NQSW's team, like 18.5",
    )

    def clean_team_average(self):
        return TEAM_AVERAGE.checked(self.cleaned_data["team_average"])


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
