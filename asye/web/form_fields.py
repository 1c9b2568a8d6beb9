"""Form fields with GOV.UK's error messages written once: a text answer (missing, too long), an email
address (missing, not one) and a whole number between limits (not a number, too small, too big). A
question answered from a list is ``asye.web.forms.choice_field``."""

from __future__ import annotations

from django import forms

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"


def _field(field_class, label: str, *, required: str, hint: str, messages: dict, **kwargs) -> forms.Field:
    """``required`` is the message for a missing answer; empty, the answer is optional."""
    if required:
        messages["required"] = required
    return field_class(
        label=label, help_text=hint, required=bool(required), error_messages=messages, **kwargs
    )


def text_field(
    label: str,
    *,
    subject: str,
    limit: int,
    required: str = "",
    hint: str = "",
    rows: int = 0,
    thousands: bool = False,
    **kwargs,
) -> forms.CharField:
    """A text answer of at most ``limit`` characters: "<subject> must be <limit> characters or fewer" when
    longer (the limit written with a thousands comma, 20,000, when ``thousands``); ``required`` is the
    message for a missing answer (empty: the answer is optional). One line, or a text area of ``rows``
    lines."""
    if rows:
        kwargs["widget"] = forms.Textarea(attrs={"rows": rows})
    written = f"{limit:,}" if thousands else str(limit)
    messages = {"max_length": f"{subject} must be {written} characters or fewer"}
    return _field(
        forms.CharField, label, required=required, hint=hint, messages=messages, max_length=limit, **kwargs
    )


def email_field(label: str, *, required: str = "", hint: str = "", **kwargs) -> forms.EmailField:
    """An email address: ``EMAIL_FORMAT`` when it is not one; ``required`` is the message for a missing
    answer (empty: the answer is optional)."""
    messages = {"invalid": EMAIL_FORMAT}
    return _field(forms.EmailField, label, required=required, hint=hint, messages=messages, **kwargs)


def numeric_box(width: int) -> forms.TextInput:
    """A box for a whole number, ``width`` characters wide (GOV.UK's numeric input)."""
    return forms.TextInput(attrs={"inputmode": "numeric", "data-width": str(width)})


def whole_number_field(
    label: str,
    *,
    low: int,
    high: int,
    invalid: str,
    outside: str = "",
    too_small: str = "",
    too_big: str = "",
    required: str = "",
    hint: str = "",
    **kwargs,
) -> forms.IntegerField:
    """A whole number from ``low`` to ``high``, each message in the question's own words: ``invalid`` (not
    a whole number), ``too_small`` and ``too_big`` (or ``outside`` for both, where one sentence says the
    range) and ``required`` (missing; empty: the answer is optional)."""
    messages = {"invalid": invalid, "min_value": too_small or outside, "max_value": too_big or outside}
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
