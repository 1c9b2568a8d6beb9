"""Forms of the review pages. They check the shape of an answer; the services decide what is allowed
and report with GOV.UK wording, put on the form with ``asye.web.forms.add_service_errors``."""

from __future__ import annotations

from django import forms

from asye.web.dates import DateInput, DateInputsMixin, date_part_names
from asye.web.form_fields import text_field as web_text_field
from asye.web.forms import FilterForm, OptionalDatesMixin, choice_field
from programmes.search import search_field
from reviews.models import PanelDecision, Recommendation, Review, ReviewOutcome
from reviews.review_record import FIELD_LABELS
from reviews.services.saving import MAX_COMMENT_LENGTH, MAX_NAME_LENGTH, MAX_REASON_LENGTH, MAX_REPORT_LENGTH


def text_field(
    label: str,
    *,
    hint: str = "",
    required: bool = False,
    required_message: str = "",
    limit: int,
    rows: int = 8,
    subject: str = "",
) -> forms.CharField:
    """A text box of several lines; too long is "<subject> must be N characters or fewer", N written
    20,000 (the subject is the label unless given)."""
    return web_text_field(
        label,
        subject=subject or label,
        limit=limit,
        required=required_message if required else "",
        hint=hint,
        rows=rows,
        thousands=True,
    )


def line_field(
    label: str, *, subject: str, required_message: str = "", hint: str = "", limit: int = MAX_NAME_LENGTH
) -> forms.CharField:
    """A one-line answer such as a name or a title (required when it says what to write if it is missing);
    too long is "<subject> must be N characters or fewer"."""
    return web_text_field(label, subject=subject, limit=limit, required=required_message, hint=hint)


def version_field(*, required: bool = True) -> forms.IntegerField:
    """The version of the record the page showed, carried in the form (not ``required`` on a page that
    also makes the record, which has none yet)."""
    return forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=required)


class VersionedForm(forms.Form):
    """Carries the version of the record the page showed, so a stale save is refused, not lost."""

    version = version_field()


HELD_ON = DateInput(
    name="held_on",
    legend="When was the review held?",
    subject="The date the review was held",
    required_message="Enter the date the review was held",
)


class ReviewReportForm(OptionalDatesMixin, VersionedForm):
    """The assessor's report. A draft may be saved with gaps (the date too: it is checked when the
    assessor signs); signing asks for everything."""

    date_inputs = (HELD_ON,)
    progress_pcf = text_field(
        "Progress against the Professional Capabilities Framework (PCF)",
        hint="How the NQSW is progressing in each of the 9 domains. Quote examples of their practice.",
        limit=MAX_REPORT_LENGTH,
    )
    progress_standards = text_field(
        "Progress against the post-qualifying standards",
        hint="The child and family PQS or the adults KSS, whichever the NQSW works to.",
        limit=MAX_REPORT_LENGTH,
    )
    outcome = forms.ChoiceField(
        label="What is the outcome of the review?",
        choices=ReviewOutcome.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="Not on track starts a support plan with an extra review when you sign.",
    )
    field_order_after_dates = (
        *date_part_names("held_on"),
        "progress_pcf",
        "progress_standards",
        "outcome",
        "version",
    )

    def clean(self):
        cleaned = super().clean()
        cleaned.setdefault("held_on", None)
        return cleaned


class PracticeExampleForm(forms.Form):
    text = text_field(
        "Practice example",
        hint="What the NQSW did and what it shows. Do not name the people they work with.",
        required=True,
        required_message="Enter the practice example",
        limit=MAX_COMMENT_LENGTH,
    )
    evidence = forms.TypedChoiceField(
        label="Evidence it draws on (optional)", coerce=int, required=False, empty_value=None
    )
    observation = forms.TypedChoiceField(
        label="Or the direct observation it draws on (optional)", coerce=int, required=False, empty_value=None
    )
    statement = forms.TypedChoiceField(
        label="Capability it shows (optional)", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, evidence=(), observations=(), statements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [("", "None")] + [(e.pk, e.title) for e in evidence]
        self.fields["observation"].choices = [("", "None")] + [
            (o.pk, f"Direct observation {o.number}, {o.observed_on:%-d %B %Y}: {o.setting}")
            for o in observations
        ]
        self.fields["statement"].choices = [("", "None")] + [(s.pk, str(s)) for s in statements]


class SignForm(VersionedForm):
    """Signing carries the version too: you sign what you read."""


class CommentForm(VersionedForm):
    comments = text_field("Your comments", limit=MAX_COMMENT_LENGTH)

    def __init__(self, *args, hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comments"].help_text = hint


class AmendForm(DateInputsMixin, VersionedForm):
    """The fields of the actor's part of the review, as they are now, and the reason for the change."""

    reason = text_field(
        "Why are you amending the review?",
        hint="The reason is kept with the change and shown to everyone who can read the review.",
        required=True,
        required_message="Enter the reason for the amendment",
        limit=MAX_REASON_LENGTH,
        rows=3,
        subject="The reason",
    )

    def __init__(self, *args, fields: tuple[str, ...] = (), **kwargs):
        self.amended = fields
        self.date_inputs = (HELD_ON,) if "held_on" in fields else ()
        super().__init__(*args, **kwargs)
        for name in fields:
            if name == "outcome":
                self.fields[name] = choice_field(
                    "What is the outcome of the review?",
                    required="Select the outcome of the review",
                    choices=ReviewOutcome.choices,
                    invalid=None,
                )
            elif name != "held_on":
                limit = MAX_REPORT_LENGTH if name.startswith("progress") else MAX_COMMENT_LENGTH
                self.fields[name] = text_field(
                    FIELD_LABELS[name],
                    limit=limit,
                    required=name.startswith("progress"),
                    required_message=f"Enter the {FIELD_LABELS[name].lower()}",
                )
        dates = date_part_names("held_on") if "held_on" in fields else ()
        self.order_fields([*dates, *(n for n in fields if n != "held_on"), "reason", "version"])

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.amended}


class SupportPlanForm(DateInputsMixin, VersionedForm):
    date_inputs = (
        DateInput(
            name="extra_review_due_on",
            legend="When is the extra review due?",
            subject="The date the extra review is due",
            required_message="Enter the date the extra review is due",
        ),
    )
    concerns = text_field(
        "What are the concerns the plan addresses?",
        hint="Link each concern to the PCF domain or standard it is about.",
        required=True,
        required_message="Enter the concerns the plan addresses",
        limit=MAX_REPORT_LENGTH,
    )
    field_order_after_dates = (
        "concerns",
        *date_part_names("extra_review_due_on"),
        "version",
    )

    def __init__(self, *args, ask_date: bool = True, **kwargs):
        self.ask_date = ask_date
        super().__init__(*args, **kwargs)

    def date_is_asked(self, spec, cleaned) -> bool:
        return self.ask_date


OTHER_OWNER = "other"


class SupportActionForm(DateInputsMixin, forms.Form):
    date_inputs = (
        DateInput(
            name="due_on",
            legend="When is it due?",
            subject="The date the action is due",
            required_message="Enter the date the action is due",
        ),
    )
    action = text_field(
        "What needs to happen?",
        hint="A SMART action: specific, measurable, achievable, relevant and time-bound.",
        required=True,
        required_message="Enter the action",
        limit=MAX_COMMENT_LENGTH,
    )
    owner = choice_field("Who will do it?", required="Select who will do this", invalid=None)
    owner_name = line_field("If someone else, their name and role", subject="The name")
    field_order_after_dates = ("action", "owner", "owner_name", *date_part_names("due_on"))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [(str(pk), label) for pk, label in people] + [
            (OTHER_OWNER, "Someone else")
        ]

    def owner_id(self) -> int | None:
        value = self.cleaned_data.get("owner")
        return None if value in (None, "", OTHER_OWNER) else int(value)


class ActionDoneForm(DateInputsMixin, forms.Form):
    date_inputs = (
        DateInput(
            name="done_on",
            legend="When was it done?",
            subject="The date the action was done",
            required_message="Enter the date the action was done",
            legend_size="s",
        ),
    )


class ClosePlanForm(VersionedForm):
    note = text_field(
        "How did the plan end?",
        hint="For example, the extra review found the NQSW back on track.",
        required=True,
        required_message="Enter a note on how the plan ended",
        limit=MAX_REPORT_LENGTH,
    )


class RecommendationForm(VersionedForm):
    recommendation = choice_field(
        "What do you recommend?",
        required="Select whether you recommend a pass or that the NQSW is unsuccessful",
        choices=Recommendation.choices,
        invalid=None,
    )
    evidence_summary = text_field(
        "Summary of the evidence",
        hint="How the evidence in the portfolio and the reviews shows the NQSW meets, or does not meet, the "
        "PCF and the post-qualifying standards at the end of the programme.",
        required=True,
        required_message="Enter the summary of the evidence for your recommendation",
        limit=MAX_REPORT_LENGTH,
    )
    version = version_field(required=False)


class PanelForm(DateInputsMixin, VersionedForm):
    date_inputs = (
        DateInput(
            name="held_on",
            legend="When does the panel meet?",
            subject="The date of the panel",
            required_message="Enter the date of the panel",
        ),
    )
    chair = line_field(
        "Who chairs the panel?",
        subject="The chair's name",
        required_message="Enter the name of the panel's chair",
    )
    notes = text_field("Notes (optional)", limit=MAX_REPORT_LENGTH)
    version = version_field(required=False)
    field_order_after_dates = (*date_part_names("held_on"), "chair", "notes", "version")


class PanelMemberForm(forms.Form):
    name = line_field("Name", subject="The name", required_message="Enter the member's name")
    role = line_field(
        "Role",
        subject="The role",
        required_message="Enter the member's role, like principal social worker",
        hint="For example, principal social worker, independent member or practice educator.",
    )


class PanelDecisionForm(forms.Form):
    recommendation = forms.IntegerField(widget=forms.HiddenInput)
    panel_version = version_field()
    recommendation_version = version_field()
    decision = choice_field(
        "What does the panel decide?",
        required="Select whether the panel endorses the recommendation or refers it back",
        choices=PanelDecision.Decision.choices,
        invalid=None,
    )
    reasons = text_field(
        "Reasons",
        hint="Needed when the panel refers the recommendation back: what the assessor must address.",
        limit=MAX_REPORT_LENGTH,
    )


class OutcomeFilterForm(FilterForm):
    funding_year = forms.ChoiceField(label="Funding year", required=False)
    grouping = forms.ChoiceField(
        label="Show by",
        choices=[("employer_type", "Employer type"), ("region", "Region")],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, funding_years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_year"].choices = [(year, year) for year in funding_years]

    def values(self, default_year: str) -> dict[str, str]:
        """The chosen filters; anything not offered falls back to the default."""
        return super().values(funding_year=default_year, grouping="employer_type")


# --- Lists --------------------------------------------------------------------------------------------

REVIEW_STATUS_FILTER_CHOICES = [
    ("", "Any status"),
    ("overdue", "Overdue"),
    *[(value, label) for value, label in Review.Status.choices],
]


class ReviewListFilterForm(FilterForm):
    """The review list's filters (a GET form): anything not recognised is ignored, not an error."""

    q = search_field()
    status = forms.ChoiceField(label="Status", choices=REVIEW_STATUS_FILTER_CHOICES, required=False)
    month = forms.ChoiceField(label="Review", required=False)

    def __init__(self, *args, months: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [("", "Any review"), *[(str(m), f"{m}-month review") for m in months]]
