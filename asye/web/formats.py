"""Money and dates as GOV.UK writes them, for pages, emails and PDFs alike: ``money(1000)`` is "£1,000",
``money("1000.5")`` is "£1,000.50" (pence only when there are pence), ``govuk_date(day)`` is
"3 December 2026". Templates use the ``money`` and ``govuk_date`` filters
(``asye/web/templatetags/formats.py``, a builtin: no ``{% load %}`` needed); Python (messages, reminders,
emails) calls these functions. CSV and spreadsheet downloads keep raw numbers and ISO dates, so that a
spreadsheet can add them up."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def money(value) -> str:
    """Pounds with thousands separators, pence only when there are any: "£1,000", "£1,000.50", "-£50";
    an empty string for no value (None or "") and the value itself when it is not a number."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not amount.is_finite():
        return str(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount).quantize(Decimal("0.01"))
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{sign}£{text}"


def govuk_date(value) -> str:
    """A date as "3 December 2026" (a date-time in the service's time zone); an empty string for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
