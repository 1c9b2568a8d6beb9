"""Forms of the funding pages. They check what a person typed; the services apply the rules, and their
errors are shown on the same fields (``programmes.forms.show_errors``)."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError

from asye.tenancy.models import EmployerType, Region
from asye.web import forms as web_forms
from asye.web.dates import DateInput, DateInputsMixin, date_part_names
from asye.web.form_fields import email_field, text_field
from asye.web.forms import DecisionForm, choice_field, year_choices
from funding.models import ActionPlanItem, ClaimStatus, GrantApplication, Instalment, PaymentStatement
from funding.rules import parse_money
from programmes.forms import VersionedForm
from programmes.search import search_field

TEXT_LIMIT = 2000


def _text(label: str, *, required_message: str = "", help_text: str = "", rows: int = 4):
    """A text area of at most ``TEXT_LIMIT`` characters (optional without a ``required_message``)."""
    return text_field(
        label,
        subject=label.rstrip("?"),
        limit=TEXT_LIMIT,
        rows=rows,
        required=required_message,
        hint=help_text,
    )


# --- The employer's claims -------------------------------------------------------------------------


class FilterForm(web_forms.FilterForm):
    """A list's filters with a ``status`` field (no status means ``default_status``) and a ``funding_year``
    field, declared where the list shows it: any year, or one of ``years``."""

    default_status = ""

    def __init__(self, *args, years: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_year"].choices = year_choices(years)

    def values(self) -> dict[str, str]:
        return super().values(status=self.default_status)


class ClaimFilterForm(FilterForm):
    q = search_field()
    status = forms.ChoiceField(label="Status", required=False)
    funding_year = forms.ChoiceField(label="Funding year", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *ClaimStatus.choices]


DECLARATION = (
    "I confirm that the NQSW is registered on the programme with us and that the instalment is due: the "
    "NQSW is on the programme (for a registration instalment) or has passed it (for a completion instalment)."
)


class ClaimSubmitForm(VersionedForm):
    confirm = forms.BooleanField(
        label=DECLARATION, error_messages={"required": "Confirm that the instalment is due"}
    )


class ClaimsSelectForm(forms.Form):
    """The claimable claims chosen on the list page, to confirm on the next page."""

    claims = choice_field(
        "Claims to submit",
        required="Select the claims to submit",
        invalid="Select the claims to submit from the list",
        field=forms.MultipleChoiceField,
    )

    def __init__(self, *args, claim_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].choices = [(str(pk), str(pk)) for pk in claim_ids]


class ClaimsConfirmForm(ClaimsSelectForm):
    confirm = forms.BooleanField(
        label="I confirm that each instalment listed is due: each NQSW is registered on the programme with "
        "us and, for a completion instalment, has passed it.",
        error_messages={"required": "Confirm that the instalments are due"},
    )


# --- Grant applications ------------------------------------------------------------------------------


class StartApplicationForm(forms.Form):
    funding_year = choice_field(
        "Which funding year is the application for?",
        required="Select the funding year",
        invalid="Select a funding year that is open for applications",
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_year"].choices = [
            (str(year.pk), f"{year.label} (1 April {year.starts_on.year} to 31 March {year.ends_on.year})")
            for year in years
        ]


class ContactForm(VersionedForm):
    contact_name = text_field(
        "Full name", subject="The name", limit=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    contact_email = email_field("Email address", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    contact_phone = forms.CharField(
        label="Telephone number (optional)",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "data-width": "20"}),
    )
    field_order = ("contact_name", "contact_email", "contact_phone", "version")


class DirectorForm(VersionedForm):
    director_name = text_field("Full name", subject="The name", limit=200)
    director_job_title = text_field(
        "Job title",
        subject="The job title",
        limit=200,
        hint="For example, Director of Children's Services or Director of Adult Social Services.",
    )
    director_email = email_field("Email address")
    field_order = ("director_name", "director_job_title", "director_email", "version")


DECLARATIONS = (
    (
        "declares_programme_standards",
        "We will run the programme to the framework's standards: supervision, protected development time, "
        "a reduced caseload, and assessment by a registered social worker.",
    ),
    (
        "declares_funding_use",
        "We will spend the funding on the NQSWs' programme and keep records of how it was spent.",
    ),
    ("declares_information_accurate", "The information in this application is correct."),
    ("declares_director_approval", "Our director named in this application has approved it."),
)


class DeclarationsForm(VersionedForm):
    declarations = forms.MultipleChoiceField(
        label="Declarations",
        help_text="Select each statement your organisation agrees to. All are needed before you submit.",
        choices=DECLARATIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    field_order = ("declarations", "version")

    def answers(self) -> dict[str, bool]:
        chosen = set(self.cleaned_data.get("declarations") or ())
        return {name: name in chosen for name, _ in DECLARATIONS}


class ActionForm(DateInputsMixin, VersionedForm):
    date_inputs = (
        DateInput(
            name="due_on",
            legend="When is it due?",
            subject="The due date",
            required_message="Enter the date the action is due",
            hint="For example, 31 3 2027",
            legend_size="s",
        ),
    )
    action = _text(
        "What is the action?",
        required_message="Enter the action",
        help_text="What you will do to improve the programme, for example from your NQSWs' feedback.",
    )
    owner = text_field(
        "Who is responsible for it?",
        subject="Who is responsible",
        limit=200,
        required="Enter who is responsible for the action",
        hint="A name or a job title.",
    )
    progress = choice_field(
        "Progress",
        required="Select the progress of the action",
        choices=ActionPlanItem.Progress.choices,
        initial=ActionPlanItem.Progress.NOT_STARTED,
        invalid=None,
    )
    progress_note = _text("Progress so far (optional)", rows=3)
    field_order_after_dates = (
        "action",
        "owner",
        *date_part_names("due_on"),
        "progress",
        "progress_note",
        "version",
    )


class ProgressForm(VersionedForm):
    progress = ActionForm.base_fields["progress"]
    progress_note = ActionForm.base_fields["progress_note"]
    field_order = ("progress", "progress_note", "version")


class ConfirmVersionForm(VersionedForm):
    """A button that acts on a record as the person saw it (remove, submit, authorise)."""


# --- National staff -------------------------------------------------------------------------------------


class NationalClaimFilterForm(FilterForm):
    default_status = ClaimStatus.SUBMITTED
    status = forms.ChoiceField(label="Status", required=False)
    funding_year = forms.ChoiceField(label="Funding year", required=False)
    instalment = forms.ChoiceField(label="Instalment", required=False)
    employer_type = forms.ChoiceField(label="Employer type", required=False)
    region = forms.ChoiceField(label="Region", required=False)
    q = forms.CharField(
        label="Search by NQSW's name, email or SWE number, or employer",
        help_text="The start of a first or last name or email address, the whole SWE number, or part of the "
        "employer's name",
        required=False,
        max_length=100,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [*ClaimStatus.choices, ("all", "Any status")]
        self.fields["instalment"].choices = [("", "Any instalment"), *Instalment.choices]
        self.fields["employer_type"].choices = [("", "Any type"), *EmployerType.choices]
        self.fields["region"].choices = [("", "Any region"), *Region.choices]


class ClaimDecisionForm(DecisionForm, VersionedForm):
    refusal, note_field, note_required = "reject", "reason", "Enter the reason the claim is rejected"
    decision = choice_field(
        "Do you approve this claim for payment?",
        required="Select whether you approve this claim",
        choices=[("approve", "Yes, approve it for payment"), ("reject", "No, reject it")],
    )
    reason = _text(
        "Reason",
        help_text="Needed if you reject it. The employer sees this reason.",
    )
    field_order = ("decision", "reason", "version")


class ClaimVoidForm(VersionedForm):
    reason = _text(
        "Why should this claim not be paid?",
        required_message="Enter the reason the claim is void",
        help_text="For example, it was made in error. The employer sees this reason.",
        rows=3,
    )
    prefix = "void"


class RecoveryForm(forms.Form):
    amount = forms.CharField(
        label="Amount to recover, in pounds",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "data-width": "10", "spellcheck": "false"}),
        error_messages={"required": "Enter the amount to recover"},
    )
    reason = _text(
        "Why is the money recovered?",
        required_message="Enter the reason the money is recovered",
        help_text="The employer sees this reason on their payment statement.",
        rows=3,
    )
    prefix = "recovery"

    def clean_amount(self):
        try:
            return parse_money(self.cleaned_data["amount"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["amount"]) from error


class RecoveryCancelForm(VersionedForm):
    recovery = forms.IntegerField(widget=forms.HiddenInput)
    cancelled_reason = _text(
        "Why is the recovery cancelled?",
        required_message="Enter the reason the recovery is cancelled",
        rows=2,
    )
    prefix = "cancel"


def month_choices(today: datetime.date) -> list[tuple[str, str]]:
    """The months a statement may pay in: from two months back to two months ahead."""
    first = today.replace(day=1)
    months = [first + relativedelta(months=n) for n in range(-2, 3)]
    return [(month.isoformat(), f"{month:%B %Y}") for month in months]


class StatementBuildForm(forms.Form):
    employer = choice_field(
        "Which employer?",
        required="Select an employer",
        invalid="Select an employer with approved claims to pay",
        widget=forms.Select,
    )
    month = choice_field(
        "Which month does it pay in?",
        required="Select the month",
        invalid="Select one of the months listed",
        widget=forms.Select,
    )

    def __init__(self, *args, employers: list[tuple[int, str]], today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [
            ("all", "Every employer with approved claims"),
            *[(str(pk), name) for pk, name in employers],
        ]
        self.fields["month"].choices = month_choices(today)
        self.initial.setdefault("month", today.replace(day=1).isoformat())


class StatementPaidForm(DateInputsMixin, VersionedForm):
    date_inputs = (
        DateInput(
            name="paid_on",
            legend="When was it paid?",
            subject="The payment date",
            required_message="Enter the date the payment was made",
            legend_size="s",
        ),
    )
    payment_reference = forms.CharField(
        label="Payment reference (optional)",
        help_text="Finance's reference for the payment, for example the BACS reference.",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"data-width": "20"}),
    )
    field_order_after_dates = (*date_part_names("paid_on"), "payment_reference", "version")
    prefix = "paid"


class RemoveLineForm(VersionedForm):
    claim = forms.IntegerField(widget=forms.HiddenInput, required=False)
    recovery = forms.IntegerField(widget=forms.HiddenInput, required=False)
    prefix = "remove"


class StatementFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *PaymentStatement.Status.choices]
    )


class ApplicationDecisionForm(DecisionForm, VersionedForm):
    refusal, note_field, note_required = "return", "comments", "Enter what the employer needs to change"
    decision = choice_field(
        "Do you accept this application?",
        required="Select whether you accept the application",
        choices=[("accept", "Yes, accept it"), ("return", "No, return it to the employer with comments")],
    )
    comments = _text(
        "Comments",
        help_text="Needed if you return it: what the employer needs to change.",
    )
    field_order = ("decision", "comments", "version")


class ApplicationFilterForm(FilterForm):
    default_status = GrantApplication.Status.SUBMITTED
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[*GrantApplication.Status.choices, ("all", "Any status")],
    )
    funding_year = forms.ChoiceField(label="Funding year", required=False)


class BudgetYearForm(forms.Form):
    year = forms.ChoiceField(label="Funding year")

    def __init__(self, *args, years: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
