"""The ``money`` and ``govuk_date`` filters (asye.web.formats), built into every template (settings:
TEMPLATES["OPTIONS"]["builtins"]): ``{{ claim.amount|money }}`` gives "£1,000", ``{{ day|govuk_date }}``
"3 December 2026"."""

from __future__ import annotations

from django import template

from asye.web import formats

register = template.Library()

register.filter("money", formats.money)
register.filter("govuk_date", formats.govuk_date)
