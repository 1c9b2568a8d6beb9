"""What every write to a portfolio's records shares: the text limits (the forms use them too), the
checked text, the refusal of a person who may not write, and the portfolio locked for writing.

The writes themselves live by topic: ``agreements``, ``pdp``, ``self_assessments``, ``observations``,
``feedback_requests`` and ``feedback_links``. Everything else reads the portfolio. Every write is refused
once the portfolio is submitted for moderation or the registration is no longer open
(``access.require_writable``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied

from asye.accounts.actor import Actor
from portfolios.access import portfolio_ensure, require_writable
from portfolios.models import Portfolio
from programmes.models import Registration

MAX_AGREEMENT_TEXT = 10_000
MAX_PDP_TEXT = 2_000
MAX_OBSERVATION_TEXT = 10_000
MAX_SHORT_TEXT = 300
MAX_NAME = 200


def refuse_unless(allowed: bool, message: str) -> None:
    """PermissionDenied with ``message`` unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def checked_text(
    errors: dict[str, list[str]],
    name: str,
    value: str | None,
    *,
    required: str = "",
    max_length: int,
    what: str,
) -> str:
    """Strip ``value``; record "required" or "too long" against ``name``."""
    value = (value or "").strip()
    if required and not value:
        errors[name] = [required]
    elif len(value) > max_length:
        errors[name] = [f"{what} must be {max_length:,} characters or fewer"]
    return value


def portfolio_for_write(actor: Actor, registration: Registration) -> Portfolio:
    """The registration's portfolio, locked for this transaction, refused if it can no longer change."""
    portfolio = portfolio_ensure(actor=actor, registration=registration)
    portfolio = Portfolio.objects.select_for_update().get(pk=portfolio.pk)
    require_writable(portfolio, registration)
    return portfolio
