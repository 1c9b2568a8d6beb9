"""The public feedback forms, answered through a link by people without an account: a short, plain-language
form for adults and professionals, and a simpler one for children and young people (fewer questions,
friendlier words, "did they listen to you?" as answers in words, never colour alone)."""

from __future__ import annotations

from django import forms

from asye.web.forms import choice_field
from portfolios.feedback_links import LISTENED_CHOICES, MAX_FEEDBACK_ANSWER
from portfolios.form_fields import text_field


def _answer(label: str, rows: int = 5) -> forms.CharField:
    return text_field(label, what="Your answer", limit=MAX_FEEDBACK_ANSWER, rows=rows)


class FeedbackForm(forms.Form):
    """For people who draw on care and support (or their family or carers) and for other professionals."""

    what_went_well = _answer("What went well?")
    what_could_be_better = _answer("What could have been better?")
    felt_listened_to = choice_field(
        "Did you feel listened to?",
        required="Select whether you felt listened to",
        choices=[(value, words[0]) for value, words in LISTENED_CHOICES.items()],
    )
    anything_else = _answer("Is there anything else you would like to say? (optional)", rows=3)

    def __init__(self, *args, first_name: str, professional: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what_went_well"].help_text = (
            f"For example, something {first_name} did that helped the work, or that helped you."
            if professional
            else f"For example, something {first_name} did or said that helped you."
        )
        self.fields[
            "what_could_be_better"
        ].help_text = f"Anything {first_name} could do differently next time."

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("what_went_well") or cleaned.get("what_could_be_better")):
            self.add_error("what_went_well", "Tell us what went well or what could be better")
        return cleaned


class ChildFeedbackForm(forms.Form):
    """For children and young people: three questions, and only the first must be answered."""

    felt_listened_to = forms.ChoiceField(
        choices=[(value, words[1]) for value, words in LISTENED_CHOICES.items()],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose an answer to “did they listen to you?”",
            "invalid_choice": "Choose an answer to “did they listen to you?”",
        },
    )
    what_went_well = _answer("What was good?", rows=4)
    what_could_be_better = _answer("What could be better?", rows=4)

    def __init__(self, *args, first_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["felt_listened_to"].label = f"Did {first_name} listen to you?"
        self.fields[
            "what_went_well"
        ].label = f"What was good about seeing {first_name}? (you can leave this empty)"
        self.fields[
            "what_could_be_better"
        ].label = f"What could {first_name} do better? (you can leave this empty)"
        message = f"Choose an answer to “did {first_name} listen to you?”"
        self.fields["felt_listened_to"].error_messages.update(required=message, invalid_choice=message)
