"""Forms for the portfolio's records: the learning agreement, PDP objectives, the self-assessment, direct
observations and feedback requests.

The forms check what a person typed and ask for each missing part by name (the same words as the
services); the services apply the rules again, with who may write what, and their errors land on the
same fields through ``add_service_errors``.
"""

from __future__ import annotations

import datetime

from django import forms

from asye import clock
from asye.web.dates import DateInput, DateInputsMixin, date_part_names
from asye.web.form_fields import email_field
from asye.web.forms import choice_field
from portfolios.agreements import AGREEMENT_REQUIRED, AGREEMENT_WHAT
from portfolios.form_fields import VersionMixin, text_field
from portfolios.models import AgreementSignature, CapabilityStatement, FeedbackRequest, PdpObjective
from portfolios.observations import OBSERVATION_TEXTS
from portfolios.pdp import PDP_REQUIRED, PDP_WHAT
from portfolios.record_writes import (
    MAX_AGREEMENT_TEXT,
    MAX_NAME,
    MAX_OBSERVATION_TEXT,
    MAX_PDP_TEXT,
    MAX_SHORT_TEXT,
)


def _agreement_field(name: str, label: str, *, help_text: str, rows: int = 5) -> forms.CharField:
    return text_field(
        label,
        help_text=help_text,
        what=AGREEMENT_WHAT[name],
        limit=MAX_AGREEMENT_TEXT,
        required=AGREEMENT_REQUIRED.get(name, ""),
        rows=rows,
    )


def _pdp_field(name: str, label: str, *, help_text: str) -> forms.CharField:
    """One of the SMART parts of an objective."""
    return text_field(
        label,
        help_text=help_text,
        what=PDP_WHAT[name],
        limit=MAX_PDP_TEXT,
        required=PDP_REQUIRED[name],
        rows=3,
    )


def _observation_field(name: str, label: str, *, help_text: str) -> forms.CharField:
    """One of the observation's written parts, optional until it is completed."""
    return text_field(label, help_text=help_text, what=OBSERVATION_TEXTS[name], limit=MAX_OBSERVATION_TEXT)


# --- Learning agreement --------------------------------------------------------------------------------


class AgreementForm(VersionMixin, forms.Form):
    review_dates = _agreement_field(
        "review_dates",
        "When will the reviews be held?",
        help_text="The 3, 6 and 12 month reviews (and a 9 month review if you hold one): dates and who "
        "attends.",
        rows=4,
    )
    supervision_plan = _agreement_field(
        "supervision_plan",
        "Supervision plan",
        help_text=(
            "How often supervision will happen (weekly for the first 6 weeks, fortnightly to 6 months, "
            "then at least monthly), who gives it, and how reflective supervision is included."
        ),
    )
    workload_arrangements = _agreement_field(
        "workload_arrangements",
        "Workload arrangements",
        help_text="The protected caseload (no more than 90% of the team's average) and the kinds of work.",
    )
    protected_time = _agreement_field(
        "protected_time",
        "Protected development time",
        help_text="How the 10% protected development time (about half a day a week) will be taken and used.",
    )
    other_support = _agreement_field(
        "other_support",
        "Other support (optional)",
        help_text="For example, a peer group, training, shadowing, or reasonable adjustments agreed.",
    )
    reason = text_field(
        "Why is the agreement being revised?",
        help_text="For example, a new assessor, or a change of team or workload.",
        what="The reason",
        limit=MAX_SHORT_TEXT,
        required="Enter why the agreement is being revised",
    )

    def __init__(self, *args, asks_reason: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not asks_reason:
            del self.fields["reason"]


class AgreementSignForm(VersionMixin, forms.Form):
    signed_as = choice_field("Who are you signing as?", required="Select who you are signing as")

    def __init__(self, *args, roles: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(AgreementSignature.SignedAs.choices)
        self.fields["signed_as"].choices = [(role, labels[role]) for role in roles]
        if len(roles) == 1:
            self.fields["signed_as"].widget = forms.HiddenInput()
            self.fields["signed_as"].initial = roles[0]


# --- PDP objectives ------------------------------------------------------------------------------------


def statement_choices(statements: list[CapabilityStatement], *, blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(str(s.pk), f"{s.label}: {s.title}") for s in statements]


class PdpObjectiveForm(VersionMixin, DateInputsMixin, forms.Form):
    objective = _pdp_field(
        "objective",
        "What is your objective?",
        help_text="Specific: what you will be able to do, or do differently. For example, “Write "
        "chronologies that show the impact of events on the child”.",
    )
    measure = _pdp_field(
        "measure",
        "How will you measure it?",
        help_text="Measurable: how you and your assessor will know it has been achieved.",
    )
    actions = _pdp_field(
        "actions",
        "What actions will you take, and what support do you need?",
        help_text="Achievable: the steps, and the training, shadowing or supervision that will help.",
    )
    relevance = _pdp_field(
        "relevance",
        "Why does it matter to your practice?",
        help_text="Relevant: how it links to your role, your learning needs or feedback you have had.",
    )
    date_inputs = (
        DateInput(
            name="achieve_by",
            legend="When will you achieve it by?",
            subject="The date you will achieve this objective by",
            required_message="Enter the date you will achieve this objective by",
            hint="Time-bound. For example, 27 3 2027",
        ),
    )
    statement = forms.TypedChoiceField(
        label="Which capability does it develop? (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Select one of the capabilities your portfolio is mapped to"},
    )
    field_order_after_dates = (
        "objective",
        "measure",
        "actions",
        "relevance",
        *date_part_names("achieve_by"),
        "statement",
    )

    def __init__(self, *args, statements, current_date: datetime.date | None = None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statement"].choices = statement_choices(statements, blank="None chosen")
        self.current_date = current_date
        self.today = today or clock.today()

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("achieve_by")
        # A new date must be in the future; an objective's unchanged date may have passed.
        if day is not None and day != self.current_date and day <= self.today:
            self.add_error("achieve_by", "The date you will achieve this objective by must be in the future")
        return cleaned


class PdpProgressForm(VersionMixin, forms.Form):
    status = choice_field(
        "Where has the objective got to?",
        required="Select where the objective has got to",
        choices=PdpObjective.Status.choices,
        invalid=None,
    )
    progress = text_field(
        "Progress notes",
        help_text="What has been done so far and what is next. When it is achieved, say how you know.",
        what="The progress notes",
        limit=MAX_PDP_TEXT,
        required="Enter the progress made so far",
    )


# --- Self-assessment -----------------------------------------------------------------------------------


class SelfAssessmentForm(VersionMixin, forms.Form):
    """A rating and an optional comment for every statement of the standards."""

    stage = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, statements: list[CapabilityStatement], levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = statements
        for statement in statements:
            message = f"Select how confident you feel about {statement.label}: {statement.title}"
            self.fields[f"level_{statement.pk}"] = choice_field(
                f"{statement.label}: {statement.title}",
                required=message,
                choices=levels,
                coerce=int,
                field=forms.TypedChoiceField,
            )
            self.fields[f"comment_{statement.pk}"] = text_field(
                f"Comment on {statement.label} (optional)",
                what=f"Your comment on {statement.label}",
                limit=MAX_PDP_TEXT,
                rows=2,
            )

    @property
    def rows(self):
        """Each statement with its two fields, for the template."""
        return [(s, self[f"level_{s.pk}"], self[f"comment_{s.pk}"]) for s in self.statements]

    def levels(self) -> dict[int, int | None]:
        return {s.pk: self.cleaned_data.get(f"level_{s.pk}") for s in self.statements}

    def comments(self) -> dict[int, str]:
        return {s.pk: self.cleaned_data.get(f"comment_{s.pk}", "") for s in self.statements}


# --- Direct observations -------------------------------------------------------------------------------

EXTERNAL = "external"


class ObservationForm(VersionMixin, DateInputsMixin, forms.Form):
    """The parts of an observation; the view keeps only those the person may write (``fields_allowed``)."""

    date_inputs = (
        DateInput(
            name="observed_on",
            legend="When is or was the observation?",
            subject="The date of the observation",
            required_message="Enter the date of the observation",
        ),
    )
    setting = text_field(
        "Where is it, and what is the work observed?",
        help_text="For example, “Home visit with a family: a child protection review”. Do not use names.",
        what="The setting",
        limit=MAX_SHORT_TEXT,
        required="Enter where the observation took place and what it was",
    )
    observer = choice_field(
        "Who is observing?",
        required="Select who is observing",
        invalid="Select one of your employer's assessors, line managers or co-ordinators",
        widget=forms.Select,
    )
    observer_name = text_field(
        "If the observer is not listed: their name and role",
        help_text="For example, “Jo Smith, practice educator at Northfield Hospital”.",
        what="The observer's name and role",
        limit=MAX_NAME,
    )
    statements = forms.TypedMultipleChoiceField(
        label="Which capabilities will it show? (optional)",
        help_text="Select all that apply.",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Select capabilities from the frameworks your portfolio is mapped to"
        },
    )
    preparation = _observation_field(
        "preparation",
        "Your preparation (optional)",
        help_text="What you planned, what you wanted to achieve, and what you read or discussed beforehand.",
    )
    nqsw_reflection = _observation_field(
        "nqsw_reflection",
        "Your reflection (optional until the observation is completed)",
        help_text="What went well, what you would do differently, and what you learned.",
    )
    observer_assessment = _observation_field(
        "observer_assessment",
        "The observer's assessment (optional until the observation is completed)",
        help_text="What the observer saw, against the capabilities, and what the NQSW should develop.",
    )
    person_feedback = _observation_field(
        "person_feedback",
        "Feedback from the person the NQSW worked with (optional)",
        help_text="In their words where possible, with their permission.",
    )
    field_order_after_dates = (
        *date_part_names("observed_on"),
        "setting",
        "observer",
        "observer_name",
        "statements",
        "preparation",
        "nqsw_reflection",
        "observer_assessment",
        "person_feedback",
    )

    def __init__(self, *args, fields_allowed: set[str], observers, statements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields_allowed = set(fields_allowed)
        self.fields["observer"].choices = (
            [("", "Choose the observer")]
            + [(str(user.pk), user.full_name or user.email) for user in observers]
            + [(EXTERNAL, "Someone not listed (enter their name below)")]
        )
        self.fields["statements"].choices = [(s.pk, f"{s.label}: {s.title}") for s in statements]
        for name in list(self.fields):
            if name == "version":
                continue
            base = "observed_on" if name.startswith("observed_on_") else name
            base = "observer" if name == "observer_name" else base
            if base not in self.fields_allowed:
                del self.fields[name]
        if "observed_on" not in self.fields_allowed:
            self.date_inputs = ()

    def clean(self):
        cleaned = super().clean()
        if "observer" in self.fields:
            choice = cleaned.get("observer")
            if choice == EXTERNAL:
                if not (cleaned.get("observer_name") or "").strip():
                    self.add_error("observer_name", "Enter the observer's name and role")
                cleaned["observer_id"] = None
            elif choice:
                cleaned["observer_id"] = int(choice)
                cleaned["observer_name"] = ""
        return cleaned

    def changes(self) -> dict:
        """The service's keyword arguments for what this form asks."""
        data = self.cleaned_data
        changes = {}
        for name in (
            "observed_on",
            "setting",
            "statements",
            "preparation",
            "nqsw_reflection",
            "observer_assessment",
            "person_feedback",
        ):
            if name in self.fields_allowed:
                changes[name] = data.get(name)
        if "observer" in self.fields_allowed:
            changes["observer"] = data.get("observer_id")
            changes["observer_name"] = data.get("observer_name", "")
        return changes


# --- Feedback requests ---------------------------------------------------------------------------------


class FeedbackRequestForm(forms.Form):
    kind = choice_field(
        "Who are you asking for feedback?",
        required="Select who you are asking for feedback",
        choices=FeedbackRequest.Kind.choices,
        invalid=None,
    )
    recipient_name = text_field(
        "Their first name",
        help_text="So you can recognise their answer. Only you and the people who read your portfolio "
        "see it.",
        what="Their name",
        limit=MAX_NAME,
        required="Enter their first name, so you can recognise their answer",
    )
    context = text_field(
        "What would you like feedback about?",
        help_text="They will see this on the form. For example, “the meetings we had about your care plan”.",
        what="What the feedback is about",
        limit=MAX_SHORT_TEXT,
        required="Enter what you would like feedback about",
    )
    recipient_email = email_field(
        "Their email address (optional)",
        hint="We will email them the link. Leave it empty to copy the link or hand it over yourself.",
    )
