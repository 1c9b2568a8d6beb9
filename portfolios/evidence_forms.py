"""Forms for evidence pages. They check what a person typed; the services apply the rules (which
capabilities may be tagged, what sharing needs, who may respond) and their errors come back onto the
same fields with ``add_service_errors``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from asye.web.dates import DateInput, date_data, date_part_names
from asye.web.forms import DecisionForm, OptionalDatesMixin, answers, choice_field
from portfolios.form_fields import text_field
from portfolios.models import CapabilitySet, CapabilityStatement, Evidence
from portfolios.services import MAX_COMMENT_LENGTH, MAX_TEXT_LENGTH, MAX_TITLE_LENGTH
from portfolios.uploads import ACCEPT_ATTRIBUTE, max_upload_bytes, size_label

FILE_HINT_TYPES = "PDF, Word document (.docx or .doc), image (PNG, JPEG or GIF) or text file (.txt)"


def file_hint() -> str:
    return f"A {FILE_HINT_TYPES}, smaller than {size_label(max_upload_bytes())}"


def _file_field(*, required: bool, label: str) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={
            "required": "Select a file",
            "empty": "The selected file is empty",
            "invalid": "Select a file",
            "missing": "Select a file",
        },
    )


class EvidenceForm(OptionalDatesMixin, forms.Form):
    """A piece of evidence: what it is, the practice it comes from, the capabilities it supports (one
    checkbox group per capability framework of the portfolio) and the NQSW's critical reflection."""

    date_inputs = (
        DateInput(
            name="occurred_on",
            legend="When did this practice happen? (optional)",
            subject="The date of the practice",
            required_message="",
            legend_size="s",
        ),
    )
    title = text_field(
        "Title",
        help_text="For example, \u2018Home visit: planning with a family after a strategy meeting\u2019",
        what="The title",
        limit=MAX_TITLE_LENGTH,
        required="Enter a title for the evidence",
    )
    description = text_field(
        "The evidence",
        help_text="Describe the practice, or add it as a file. Do not include the names of the people you "
        "worked with.",
        what="The evidence",
        limit=MAX_TEXT_LENGTH,
        rows=8,
    )
    reflection = text_field(
        "Your critical reflection",
        help_text="What you did and why, what you learned, and what you would do differently.",
        what="Your reflection",
        limit=MAX_TEXT_LENGTH,
        rows=8,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        capability_sets: list[CapabilitySet],
        statements: list[CapabilityStatement],
        with_file: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.statement_fields: list[str] = []
        by_set: dict[int, list[CapabilityStatement]] = {}
        for statement in statements:
            by_set.setdefault(statement.capability_set_id, []).append(statement)
        for capability_set in capability_sets:
            name = f"statements_{capability_set.pk}"
            what = "domains" if capability_set.kind == CapabilitySet.Kind.PCF else "statements"
            self.fields[name] = forms.MultipleChoiceField(
                label=f"Which {capability_set.short_name} {what} does it support?",
                help_text=f"{capability_set.name}. Select all that apply.",
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(str(s.pk), f"{s.number}. {s.title}") for s in by_set.get(capability_set.pk, [])],
                error_messages={
                    "invalid_choice": "Select capabilities from your portfolio's frameworks only"
                },
            )
            self.statement_fields.append(name)
        if with_file:
            self.fields["file"] = _file_field(required=False, label="Add a file (optional)")
            self.fields["file"].help_text = file_hint()
        self.order_fields(
            [
                "title",
                *date_part_names("occurred_on"),
                "description",
                "file",
                *self.statement_fields,
                "reflection",
            ]
        )

    @property
    def statement_ids(self) -> list[int]:
        return [int(pk) for name in self.statement_fields for pk in self.cleaned_data.get(name, [])]

    def evidence_answers(self) -> dict:
        """The evidence's own answers as the evidence services take them (after ``is_valid()``): title,
        description, reflection, the date it happened (None when not given) and the capabilities ticked."""
        data = self.cleaned_data
        return {
            **answers(data, "title", "description", "reflection"),
            "occurred_on": data.get("occurred_on"),
            "statement_ids": self.statement_ids,
        }

    @property
    def statement_bound_fields(self):
        return [self[name] for name in self.statement_fields]

    def placing_errors(self, save):
        """``save`` for the one form flow, its errors about "statements" put on the first checkbox group
        (the form asks for capabilities one framework at a time)."""

        def run(data):
            try:
                return save(data)
            except ValidationError as error:
                if (
                    hasattr(error, "error_dict")
                    and "statements" in error.error_dict
                    and self.statement_fields
                ):
                    raise ValidationError(
                        {
                            (self.statement_fields[0] if name == "statements" else name): errors
                            for name, errors in error.error_dict.items()
                        }
                    ) from error
                raise

        return run

    @staticmethod
    def initial_for(evidence: Evidence) -> dict:
        initial = model_to_dict(evidence, ("title", "description", "reflection", "version"))
        initial.update(date_data("occurred_on", evidence.occurred_on))
        for tag in evidence.tags.all():
            name = f"statements_{tag.statement.capability_set_id}"
            initial.setdefault(name, []).append(str(tag.statement_id))
        return initial


class EvidenceFileForm(forms.Form):
    file = _file_field(required=True, label="Upload a file")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_hint()


class VersionForm(forms.Form):
    """A confirmation with the version the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class EvidenceResponseForm(DecisionForm):
    refusal = Evidence.Status.MORE_NEEDED
    note_field = "comment"
    note_required = "Enter what more the NQSW needs to show"
    decision = choice_field(
        "Does this evidence show what it says it does?",
        required="Select whether you accept the evidence or need more",
        choices=[
            (Evidence.Status.ACCEPTED, "Yes, accept it"),
            (Evidence.Status.MORE_NEEDED, "No, more is needed"),
        ],
        invalid=None,
    )
    comment = text_field(
        "Your comment",
        help_text="If more is needed, say what the NQSW should add. Quote their practice where you can.",
        what="Your comment",
        limit=MAX_COMMENT_LENGTH,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm the portfolio is ready for moderation and can no longer be changed",
        error_messages={"required": "Confirm the portfolio is ready for moderation"},
    )
