"""Template filters of the 360 evaluation: a score to one place, its red/amber/green tag (with the code in
words, never colour alone), and a figure of a row by respondent type."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from evaluations import scoring

register = template.Library()


@register.filter
def score(value) -> str:
    """A score to one decimal place, or a dash for none."""
    shown = scoring.one_place(value)
    return "\u2013" if shown is None else f"{shown}"


@register.filter
def rag_code(value) -> str:
    code = scoring.rag(value)
    return scoring.RAG_LABELS[code] if code else ""


@register.filter
def rag_tag(value):
    """A GOV.UK tag saying Red, Amber or Green for a score; nothing for none."""
    code = scoring.rag(value)
    if code is None:
        return ""
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>', scoring.RAG_TAG[code], scoring.RAG_LABELS[code]
    )


@register.filter
def cell(row, column):
    """The row's cell for a respondent type."""
    return row.by_type.get(column)


@register.filter
def theme_figure(theme, column):
    return theme.by_type.get(column)
