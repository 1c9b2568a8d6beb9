"""Forms for amending assessed records: the record's own form with the reason for the change (and, for
evidence, the files to remove), and the NQSW's later reflection."""

from __future__ import annotations

from django import forms

from portfolios.amendments import MAX_REASON
from portfolios.evidence_forms import EvidenceForm
from portfolios.form_fields import text_field
from portfolios.models import EvidenceFile
from portfolios.record_forms import ObservationForm
from portfolios.record_writes import MAX_OBSERVATION_TEXT


def _reason_field(what: str) -> forms.CharField:
    return text_field(
        f"Why are you amending the {what}?",
        help_text=f"The reason is kept with the change and shown to everyone who can read the {what}.",
        what="The reason",
        limit=MAX_REASON,
        required="Enter the reason for the amendment",
        rows=3,
    )


class ObservationAmendForm(ObservationForm):
    """What the assessment of a complete observation relied on, as it is now, and the reason."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observer_assessment"].label = "The observer's assessment"
        self.fields["reason"] = _reason_field("observation")


class EvidenceAmendForm(EvidenceForm):
    """Accepted evidence as it is now, the files to remove and the reason."""

    def __init__(self, *args, files: list[EvidenceFile], **kwargs):
        super().__init__(*args, **kwargs)
        if files:
            self.fields["remove_files"] = forms.TypedMultipleChoiceField(
                label="Remove files (optional)",
                help_text="For example, a file that names someone it should not. The history keeps the "
                "file's name, not what was in it.",
                required=False,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                choices=[(f.pk, f.original_name) for f in files],
                error_messages={"invalid_choice": "Select files of this evidence only"},
            )
        self.fields["reason"] = _reason_field("evidence")

    @property
    def removed_file_ids(self) -> list[int]:
        return list(self.cleaned_data.get("remove_files") or [])


class LaterReflectionForm(forms.Form):
    text = text_field(
        "Your later reflection",
        help_text="What you see differently now, and what you have learned since. It is added below the "
        "record, which stays as it was assessed.",
        what="Your later reflection",
        limit=MAX_OBSERVATION_TEXT,
        required="Enter your later reflection",
        rows=8,
    )
