"""Form fields with GOV.UK's error messages written once: a text answer (missing, too long) and a whole
number between limits (not a number, too small, too big). A question answered from a list is
``asye.web.forms.choice_field``."""

from __future__ import annotations

from django import forms


def _field(field_class, label: str, *, required: str, hint: str, messages: dict, **kwargs) -> forms.Field:
    """``required`` is the message for a missing answer; empty, the answer is optional."""
    if required:
        messages["required"] = required
    return field_class(
        label=label, help_text=hint, required=bool(required), error_messages=messages, **kwargs
    )


def text_field(
    label: str, *, subject: str, limit: int, required: str = "", hint: str = "", rows: int = 0, **kwargs
) -> forms.CharField:
    """A text answer of at most ``limit`` characters: "<subject> must be <limit> characters or fewer" when
    longer; ``required`` is the message for a missing answer (empty: the answer is optional). One line, or
    a text area of ``rows`` lines."""
    if rows:
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows})
    messages = {"max_length": f"{subject} must be {limit} characters or fewer"}
    return _field(
        forms.CharField, label, required=required, hint=hint, messages=messages, max_length=limit, **kwargs
    )


def whole_number_field(
    label: str,
    *,
    low: int,
    high: int,
    invalid: str,
    too_small: str,
    too_big: str,
    required: str = "",
    hint: str = "",
    **kwargs,
) -> forms.IntegerField:
    """A whole number from ``low`` to ``high``, each message in the question's own words: ``invalid`` (not
    a whole number), ``too_small``, ``too_big`` and ``required`` (missing; empty: the answer is optional)."""
    messages = {"invalid": invalid, "min_value": too_small, "max_value": too_big}
    return _field(
        forms.IntegerField,
        label,
        required=required,
        hint=hint,
        messages=messages,
        min_value=low,
        max_value=high,
        **kwargs,
    )
