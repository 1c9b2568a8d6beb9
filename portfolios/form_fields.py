"""The fields the portfolio's forms share: a text answer with GOV.UK's messages (required, too long) and
the version of the record the person read. The words say what the services say, so an error reads the
same whether the form or the service found it."""

from __future__ import annotations

from django import forms

from portfolios.record_writes import MAX_SHORT_TEXT


def too_long(what: str, limit: int) -> str:
    return f"{what} must be {limit:,} characters or fewer"


def text_field(
    label: str, *, what: str, limit: int, required: str = "", help_text: str = "", rows: int = 5
) -> forms.CharField:
    """A text answer: a text area unless it is short. ``required`` is the message for a missing answer
    (empty: optional); ``what`` names it in the too-long message."""
    messages = {"max_length": too_long(what, limit)}
    if required:
        messages["required"] = required
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=bool(required),
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}) if limit > MAX_SHORT_TEXT else forms.TextInput(),
        error_messages=messages,
    )


class VersionMixin(forms.Form):
    """The version of the record the person read, sent back so a stale save is noticed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
