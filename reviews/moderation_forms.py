"""Forms of national moderation: drawing a round, assigning moderators, a moderator's findings, exemplars,
the good-practice register and an employer's voluntary submission. Rules live in the services; these only
shape what people type and say, in GOV.UK wording, what is missing."""

from __future__ import annotations

from django import forms

from asye.tenancy.models import ServiceArea
from asye.web.form_fields import numeric_box, whole_number_field
from asye.web.forms import DecisionForm, choice_field
from portfolios.models import CapabilityStatement
from reviews.forms import line_field, text_field, version_field
from reviews.moderation_questions import ModerationQuestion
from reviews.moderation_sampling import STRATA
from reviews.moderation_services.national import MAX_TEXT


def _people(users) -> list[tuple[int, str]]:
    return [(user.pk, f"{user} ({user.email})") for user in users]


class RoundForm(forms.Form):
    """The round's name, funding year, strata and sample size; ``seed`` and ``expected`` come back from
    the preview so the confirmed round is the draw that was shown."""

    MODE_NUMBER = "number"
    MODE_PERCENT = "percent"

    name = line_field(
        "Name of the round",
        subject="The name",
        required_message="Enter a name for the round",
        hint="For example, Child and family ASYE national moderation, spring 2027",
    )
    funding_year = choice_field(
        "Funding year",
        required="Select a funding year",
        invalid="Select a funding year from the list",
        widget=forms.Select,
        help_text="Portfolios of NQSWs registered in this funding year that have been submitted",
    )
    strata = forms.MultipleChoiceField(
        label="Draw the sample within groups by",
        help_text="Select all that apply. Leave them all unselected to draw from every submitted portfolio "
        "as one group.",
        choices=[(name, label) for name, (_, _, label) in STRATA.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select groups from the list"},
    )
    mode = choice_field(
        "How many portfolios should be drawn from each group?",
        required="Select how many portfolios to draw from each group",
        choices=[(MODE_NUMBER, "A number from each group"), (MODE_PERCENT, "A percentage of each group")],
    )
    per_stratum = whole_number_field(
        "Number from each group",
        hint="If you chose a number. A group with fewer portfolios gives all of them.",
        low=1,
        high=500,
        invalid="The number from each group must be a whole number, like 3",
        outside="The number from each group must be between 1 and 500",
        widget=numeric_box(4),
    )
    percent = whole_number_field(
        "Percentage of each group",
        hint="If you chose a percentage. Rounded up, so every group with a portfolio gives at least one.",
        low=1,
        high=100,
        invalid="The percentage must be a whole number, like 10",
        outside="The percentage must be between 1 and 100",
        widget=numeric_box(3),
    )
    seed = whole_number_field(
        "Seed (optional)",
        hint="Leave empty for a new random draw. To repeat an earlier draw over the same portfolios, "
        "enter its seed.",
        low=1,
        high=2**63 - 1,
        invalid="The seed must be a whole number",
        outside="The seed must be a whole number from 1 to 9223372036854775807",
        widget=numeric_box(20),
    )
    expected = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, funding_years: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_year"].choices = [(year, year) for year in funding_years]

    def clean(self):
        cleaned = super().clean()
        mode = cleaned.get("mode")
        if mode == self.MODE_NUMBER:
            cleaned["percent"] = None
            if cleaned.get("per_stratum") is None and "per_stratum" not in self.errors:
                self.add_error("per_stratum", "Enter the number of portfolios to draw from each group")
        elif mode == self.MODE_PERCENT:
            cleaned["per_stratum"] = None
            if cleaned.get("percent") is None and "percent" not in self.errors:
                self.add_error("percent", "Enter the percentage of each group to draw")
        return cleaned

    def request(self) -> dict:
        """The service's keyword arguments for a preview or a round."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "funding_year": data["funding_year"],
            "by": tuple(data.get("strata") or ()),
            "per_stratum": data.get("per_stratum"),
            "percent": data.get("percent"),
        }


class AssignForm(forms.Form):
    moderator = choice_field(
        "Moderator",
        required="Select a moderator",
        invalid="Select a moderator from the list",
        coerce=int,
        help_text="Only moderators who have never held a role at this portfolio's employer are listed.",
        field=forms.TypedChoiceField,
    )
    version = version_field()

    def __init__(self, *args, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moderator"].choices = _people(eligible)


class BulkAssignForm(forms.Form):
    moderators = forms.TypedMultipleChoiceField(
        label="Share the waiting cases among",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Cases are given to each moderator in turn. A moderator is never given a case of an "
        "employer where they hold or held a role.",
        error_messages={
            "required": "Select one or more moderators",
            "invalid_choice": "Select moderators from the list",
        },
    )

    def __init__(self, *args, moderators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moderators"].choices = _people(moderators)


class FindingsForm(forms.Form):
    SAVE = "save"
    SEND = "send"

    # Its label and answers are the case's question (reviews.moderation_questions), set in __init__.
    agreement = forms.ChoiceField(widget=forms.RadioSelect, required=False)
    strengths = text_field(
        "Strengths",
        hint="What the portfolio does well, with the capabilities it evidences",
        limit=MAX_TEXT,
        rows=6,
    )
    areas_for_development = text_field(
        "Areas for development",
        hint="For example, evidence that does not say which PCF or PQS capability it supports",
        limit=MAX_TEXT,
        rows=6,
    )
    advice = text_field(
        "Advice to the employer (optional)",
        hint="For example, set SMART objectives; quote practice examples in reviews",
        limit=MAX_TEXT,
        rows=6,
        subject="Advice",
    )
    version = version_field()
    action = forms.ChoiceField(
        choices=[(SAVE, "Save"), (SEND, "Send")], widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args, question: ModerationQuestion, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["agreement"]
        field.label = question.text
        field.choices = question.choices
        field.error_messages["invalid_choice"] = question.required


class ExemplarForm(forms.Form):
    title = line_field("Title", subject="The title", required_message="Enter a title")
    service_area = forms.ChoiceField(
        label="Service area",
        choices=[("", "All service areas"), *ServiceArea.choices],
        required=False,
        error_messages={"invalid_choice": "Select a service area from the list"},
    )
    statement = forms.TypedChoiceField(
        label="Capability statement it evidences (optional)",
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Select a capability statement from the list"},
    )
    extract = text_field(
        "Anonymised extract",
        hint="Remove names, places, dates of birth and anything else that could identify a person",
        required=True,
        required_message="Enter the anonymised extract",
        limit=MAX_TEXT,
        rows=10,
        subject="The extract",
    )
    annotation = text_field(
        "Annotation",
        hint="What makes it good, and what could be stronger",
        required=True,
        required_message="Enter the annotation: what makes it good, and what could be stronger",
        limit=MAX_TEXT,
        rows=6,
        subject="The annotation",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        statements = CapabilityStatement.objects.filter(
            capability_set__published_at__isnull=False
        ).select_related("capability_set")
        for statement in statements.order_by(
            "capability_set__kind", "capability_set__code", "-capability_set__version", "number"
        ):
            group = f"{statement.capability_set.name} (version {statement.capability_set.version})"
            groups.setdefault(group, []).append((statement.pk, f"{statement.label}: {statement.title}"))
        self.fields["statement"].choices = [("", "None"), *groups.items()]


class GoodPracticeForm(forms.Form):
    title = line_field(
        "Title of the practice", subject="The title", required_message="Enter a title for the practice"
    )
    description = text_field(
        "Describe the practice",
        hint="What you do, for whom, and the difference it makes to NQSWs and to the people they support. "
        "Do not name NQSWs or the people they work with.",
        required=True,
        required_message="Describe the practice and the difference it makes",
        limit=MAX_TEXT,
        rows=10,
        subject="The description",
    )


class GoodPracticeDecisionForm(DecisionForm):
    # The words of ``good_practice_decide``, which checks it again.
    refusal, note_field, note_required = "not_endorse", "note", "Give the reason the practice is not endorsed"
    decision = choice_field(
        "Does the NQAP endorse this practice?",
        required="Select whether the practice is endorsed",
        choices=[("endorse", "Yes, endorse it"), ("not_endorse", "No, do not endorse it")],
    )
    note = text_field(
        "Note to the employer",
        hint="Needed if you do not endorse it. The employer reads this note.",
        limit=MAX_TEXT,
        rows=5,
        subject="The note",
    )
    version = version_field()


class VoluntarySubmitForm(forms.Form):
    portfolio = choice_field(
        "Which portfolio do you want to submit for national moderation?",
        required="Select a portfolio",
        invalid="Select a portfolio from the list",
        coerce=int,
        field=forms.TypedChoiceField,
    )

    def __init__(self, *args, portfolios, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["portfolio"].choices = [
            (
                portfolio.pk,
                f"{portfolio.registration.full_name} ({portfolio.registration.funding_year}), "
                f"submitted {portfolio.submitted_at:%-d %B %Y}",
            )
            for portfolio in portfolios
        ]
