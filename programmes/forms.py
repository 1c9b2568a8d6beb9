"""Forms of the registration pages: the question pages of registering an NQSW, the co-ordinator's
actions on a registration, the dashboard's filters and national staff's funding decision.

The forms check only the shape of what was typed (a real date, a number); the registration rules
themselves come from ``programmes.eligibility`` and the services, so every way in applies the same ones.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from asye.tenancy.models import EmployerType, Region, ServiceArea
from asye.web.dates import DateInput, DateInputsMixin, date_data, date_part_names
from asye.web.form_fields import email_field, text_field
from asye.web.forms import DecisionForm, FilterForm, add_service_errors, choice_field, year_choices
from programmes.eligibility import normalise_swe_number, parse_hours
from programmes.models import FundingStatus, RegistrationStatus
from programmes.search import search_field
from programmes.support_selectors import FLAG_LABELS

HOURS_FORMAT_MESSAGE = "Enter contracted hours a week as a number, like 37 or 22.5"


def hours_or_none(raw: str) -> Decimal | None:
    """The hours typed, or None when they are not a finite number (the rules then ask for a number)."""
    hours = parse_hours(raw) if str(raw or "").strip() else None
    if hours is None or not hours.is_finite():
        return None
    return hours


def hours_text(hours: Decimal | None) -> str:
    """Hours as people write them: 37, 22.5 (not 37.00, 22.50)."""
    return "" if hours is None else f"{hours.normalize():f}"


def too_many_decimal_places(hours: Decimal | None) -> bool:
    return hours is not None and hours.normalize().as_tuple().exponent < -2


def contracted_hours_checked(raw: str | None) -> Decimal:
    """The contracted hours typed, as a number with at most 2 decimal places, or a ValidationError."""
    hours = hours_or_none(raw)
    if hours is None:
        raise ValidationError(HOURS_FORMAT_MESSAGE)
    if too_many_decimal_places(hours):
        raise ValidationError("Contracted hours can have up to 2 decimal places, like 22.5")
    return hours


def contracted_hours_field(label: str, help_text: str, *, required: bool = True) -> forms.CharField:
    """The contracted hours a week, as typed (checked by ``contracted_hours_checked`` in the form's
    ``clean_contracted_hours``, or the question page's own check)."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-width": "4", "spellcheck": "false"}),
        error_messages={"required": "Enter contracted hours a week", "max_length": HOURS_FORMAT_MESSAGE},
    )


def show_errors(form: forms.Form, errors: ValidationError | dict[str, list[str]]) -> None:
    """Show errors by field (a service's ValidationError or the registration rules' dict); a date's go
    on its date input (see ``DateInputsMixin.add_error``), anything else on the form as a whole."""
    if isinstance(errors, ValidationError) and not hasattr(errors, "error_dict"):
        add_service_errors(form, errors)
        return
    by_field = errors.message_dict if isinstance(errors, ValidationError) else errors
    known = set(form.fields) | getattr(form, "date_names", set())
    for field, messages in by_field.items():
        for message in messages:
            form.add_error(field if field in known else None, message)


# --- Register an NQSW: one question (or a small group) a page --------------------------------------


class QuestionForm(forms.Form):
    """A question page. ``answer_fields`` are the registration facts it asks for."""

    answer_fields: tuple[str, ...] = ()

    def answers(self) -> dict[str, str]:
        """The answers to keep in the session, as text."""
        return {name: str(self.cleaned_data.get(name) or "") for name in self.answer_fields}

    @classmethod
    def data_from(cls, answers: dict[str, str]) -> dict[str, str]:
        """Form data that shows the answers already given."""
        return {name: answers.get(name, "") for name in cls.answer_fields}


class ServiceAreaForm(QuestionForm):
    answer_fields = ("service_area",)
    service_area = forms.ChoiceField(
        label="Which service area will the NQSW work in?",
        choices=ServiceArea.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select child and family or adults"},
    )


class NameForm(QuestionForm):
    answer_fields = ("first_name", "last_name", "email")
    first_name = text_field(
        "First name",
        subject="First name",
        limit=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-width": "20"}),
    )
    last_name = text_field(
        "Last name",
        subject="Last name",
        limit=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-width": "20"}),
    )
    email = email_field(
        "Email address (optional)",
        hint="Their work email address. You can invite them to the service with it later.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip().lower()


def swe_number_field(label: str) -> forms.CharField:
    """A Social Work England number as typed (the form's ``clean_swe_number`` normalises it; the
    registration rules check it)."""
    return forms.CharField(
        label=label,
        help_text="It starts with SW, like SW123456. It is on the Social Work England register.",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-width": "10", "spellcheck": "false"}),
        error_messages={
            "max_length": "Enter a Social Work England number in the correct format, like SW123456"
        },
    )


class SweNumberForm(QuestionForm):
    answer_fields = ("swe_number",)
    swe_number = swe_number_field("What is the NQSW's Social Work England number?")

    def clean_swe_number(self) -> str:
        return normalise_swe_number(self.cleaned_data.get("swe_number") or "")


class DateQuestionForm(DateInputsMixin, QuestionForm):
    """A question page asking for one date: its one ``date_inputs`` entry names the answer."""

    def answers(self) -> dict[str, str]:
        name = self.date_inputs[0].name
        return {name: self.cleaned_data[name].isoformat()}

    @classmethod
    def data_from(cls, answers):
        name = cls.date_inputs[0].name
        return date_data(name, answers.get(name))


class QualificationDateForm(DateQuestionForm):
    answer_fields = ("qualification_date",)
    date_inputs = (
        DateInput(
            name="qualification_date",
            legend="When did the NQSW qualify?",
            subject="The date the NQSW qualified",
            required_message="Enter the date the NQSW qualified",
            hint="The date their social work qualification was awarded. For example, 27 6 2026",
            page_heading=True,
        ),
    )


class StartDateForm(DateQuestionForm):
    answer_fields = ("start_date",)
    date_inputs = (
        DateInput(
            name="start_date",
            legend="When does the NQSW start the programme?",
            subject="The start date",
            required_message="Enter the date the NQSW starts the programme",
            hint="Usually their first day in the job. For example, 7 9 2026",
            page_heading=True,
        ),
    )


class HoursForm(QuestionForm):
    answer_fields = ("contracted_hours",)
    # Optional here: the registration rules ask for hours that are missing.
    contracted_hours = contracted_hours_field(
        "How many hours a week is the NQSW contracted to work?",
        "Full-time is 37 hours. Part-time NQSWs have longer to complete the programme.",
        required=False,
    )

    def clean_contracted_hours(self) -> str:
        raw = (self.cleaned_data.get("contracted_hours") or "").strip()
        hours = hours_or_none(raw)
        if too_many_decimal_places(hours):
            raise ValidationError("Contracted hours can have up to 2 decimal places, like 22.5")
        return str(hours) if hours is not None else raw


# --- Actions on a registration -------------------------------------------------------------------


class VersionedForm(forms.Form):
    """Carries the version of the registration the page showed, so a stale change is refused."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "Reload the page and try again",
            "invalid": "Reload the page and try again",
        },
    )


class RegistrationDetailsForm(VersionedForm):
    """The details that change without a correction (the name, number and dates are corrected with a
    reason: ``programmes.correction_forms``)."""

    email = NameForm.base_fields["email"]
    contracted_hours = contracted_hours_field(
        "Contracted hours a week", "Full-time is 37 hours. Changing the hours moves the NQSW's due dates."
    )
    field_order = ("email", "contracted_hours", "version")
    # What registration_update may change; the version only guards the change.
    changed_fields = ("email", "contracted_hours")

    def clean_email(self) -> str:
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean_contracted_hours(self) -> Decimal:
        return contracted_hours_checked(self.cleaned_data.get("contracted_hours"))


REASON_LIMIT = 2000


def reason_field(label: str, required_message: str = "", hint: str = "") -> forms.CharField:
    """A reason given in words, of at most ``REASON_LIMIT`` characters (optional without a
    ``required_message``)."""
    return text_field(
        label, subject="The reason", limit=REASON_LIMIT, rows=4, required=required_message, hint=hint
    )


class DeferForm(DateInputsMixin, VersionedForm):
    date_inputs = (
        DateInput(
            name="started_on",
            legend="When does the deferral start?",
            subject="The date the deferral starts",
            required_message="Enter the date the deferral starts",
        ),
    )
    reason = reason_field(
        "Why is the NQSW deferring?",
        "Enter the reason for the deferral",
        "For example, long-term sickness or parental leave. The NQSW's due dates wait until they resume.",
    )
    field_order_after_dates = (*date_part_names("started_on"), "reason", "version")


class ResumeForm(DateInputsMixin, VersionedForm):
    date_inputs = (
        DateInput(
            name="ended_on",
            legend="When does the NQSW resume the programme?",
            subject="The date the NQSW resumes",
            required_message="Enter the date the NQSW resumes",
            page_heading=True,
        ),
    )


class ExtendForm(VersionedForm):
    days = forms.IntegerField(
        label="How many days is the programme extended by?",
        help_text="Between 1 and 365 days. The final review and the panel move by the same number of days.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "data-width": "3", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the number of days",
            "invalid": "Enter the number of days as a whole number, like 28",
        },
    )
    reason = reason_field("Why is the programme extended?", "Enter the reason for the extension")
    field_order = ("days", "reason", "version")


class WithdrawForm(DateInputsMixin, VersionedForm):
    date_inputs = (
        DateInput(
            name="on",
            legend="When did the NQSW leave the programme?",
            subject="The date the NQSW left",
            required_message="Enter the date the NQSW left the programme",
        ),
    )
    reason = reason_field("Why did the NQSW leave the programme?", "Enter the reason for the withdrawal")
    field_order_after_dates = (*date_part_names("on"), "reason", "version")


class PersonChoiceForm(forms.Form):
    """Choose one of the employer's people holding a role: ``people`` is a list of ``(user_id, label)``."""

    person = forms.TypedChoiceField(coerce=int, widget=forms.RadioSelect)

    def __init__(
        self, *args, people: list[tuple[int, str]], label: str, hint: str, required_message: str, **kw
    ):
        super().__init__(*args, **kw)
        field = self.fields["person"]
        field.choices = people
        field.label = label
        field.help_text = hint
        field.error_messages = {
            **field.error_messages,
            "required": required_message,
            "invalid_choice": required_message,
        }


# --- Dashboard filters ---------------------------------------------------------------------------

CLOSED_STATUS_CHOICES = [
    (RegistrationStatus.WITHDRAWN.value, RegistrationStatus.WITHDRAWN.label),
    (RegistrationStatus.TRANSFERRED.value, RegistrationStatus.TRANSFERRED.label),
    (RegistrationStatus.COMPLETED.value, RegistrationStatus.COMPLETED.label),
]
STATUS_FILTER_CHOICES = [
    ("", "Any status"),
    ("open", "In progress or deferred"),
    *[(flag, label) for flag, (label, _colour) in FLAG_LABELS.items()],
    *CLOSED_STATUS_CHOICES,
]
NO_ASSESSOR = "none"


class RegistrationFilterForm(FilterForm):
    """The dashboard's filters (a GET form): anything not recognised is ignored, not an error."""

    q = search_field()
    status = forms.ChoiceField(label="Status", choices=STATUS_FILTER_CHOICES, required=False)
    funding_year = forms.ChoiceField(label="Funding year", required=False)
    assessor = forms.ChoiceField(label="Assessor", required=False)

    def __init__(self, *args, funding_years: list[str], assessors: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_year"].choices = year_choices(funding_years)
        self.fields["assessor"].choices = [
            ("", "Any assessor"),
            (NO_ASSESSOR, "No assessor yet"),
            *[(str(pk), label) for pk, label in assessors],
        ]


# --- National staff ------------------------------------------------------------------------------

# "Needs national review" is national staff's own view (an open national review of a possible duplicate),
# not a funding status: the employer sees such a registration as awaiting approval like any other.
NEEDS_REVIEW_LABEL = "Needs national review"
PENDING_FUNDING_CHOICES = [
    ("", "Awaiting approval or needing review"),
    (FundingStatus.AWAITING_APPROVAL.value, FundingStatus.AWAITING_APPROVAL.label),
    ("needs_review", NEEDS_REVIEW_LABEL),
    # Every registration, decided or not: for finding one person across employers.
    ("all", "Any funding status (every registration)"),
]


class NationalQueueFilterForm(FilterForm):
    q = search_field()
    funding_status = forms.ChoiceField(
        label="Funding status", choices=PENDING_FUNDING_CHOICES, required=False
    )
    funding_year = forms.ChoiceField(label="Funding year", required=False)
    employer_type = forms.ChoiceField(
        label="Employer type", choices=[("", "Any type"), *EmployerType.choices], required=False
    )
    region = forms.ChoiceField(label="Region", choices=[("", "Any region"), *Region.choices], required=False)

    def __init__(self, *args, funding_years: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_year"].choices = year_choices(funding_years)


class FundingDecisionForm(DecisionForm):
    # The words of ``registration_funding_decide``, which checks it again.
    refusal, note_field, note_required = "reject", "note", "Give the reason the registration is not approved"
    decision = choice_field(
        "Do you approve this registration for funding?",
        required="Select whether you approve this registration for funding",
        choices=[("approve", "Yes, approve it for funding"), ("reject", "No, do not approve it")],
    )
    note = reason_field(
        "Reason",
        hint=(
            "Needed if you do not approve it. The employer sees this reason, so do not name another "
            "employer or what they recorded."
        ),
    )
