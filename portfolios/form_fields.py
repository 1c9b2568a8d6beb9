"""The fields the portfolio's forms share: a text answer with GOV.UK's messages (required, too long) and
the version of the record the person read. The words say what the services say, so an error reads the
same whether the form or the service found it."""

from __future__ import annotations

from django import forms

from asye.web import form_fields
from portfolios.record_writes import MAX_SHORT_TEXT


def text_field(
    label: str, *, what: str, limit: int, required: str = "", help_text: str = "", rows: int = 5
) -> forms.CharField:
    """A text answer: a text area of ``rows`` lines unless it is short. ``required`` is the message for a
    missing answer (empty: optional); ``what`` names it in the too-long message, the limit written 20,000."""
    return form_fields.text_field(
        label,
        subject=what,
        limit=limit,
        required=required,
        hint=help_text,
        rows=rows if limit > MAX_SHORT_TEXT else 0,
        thousands=True,
    )


class VersionMixin(forms.Form):
    """The version of the record the person read, sent back so a stale save is noticed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
