"""What the pages of a portfolio's records share: who may read them, the context every page starts from,
and re-reading a record after a stale save.

The pages live by topic: ``agreement_views``, ``pdp_views``, ``self_assessment_views``,
``observation_views`` and ``feedback_request_views`` (routes in ``records_urls``). Pages of a whole
portfolio take the registration's pk and read it through ``access.portfolio_registration_get``; pages of
one record take the record's pk and read it through a scoped ``record_selectors.*_get``. Either way
another employer's, or another NQSW's, is a 404 before anything else happens, whatever the method. Writes
go through the topic's service module; a person who can read but not write sees no form, and a form sent
anyway gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

from asye.accounts.models import Role
from portfolios.access import is_assessor, is_coordinator, is_line_manager, is_owner, is_writable
from programmes.models import Registration

READERS = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW)


def overview_url(registration: Registration) -> str:
    """The portfolio's home page (its task list)."""
    return reverse("portfolios:overview", args=[registration.pk])


def posted(request):
    """The form data of a POST (even an empty one, so that its errors show), else None."""
    return request.POST if request.method == "POST" else None


def record_context(request, registration: Registration, portfolio, **extra) -> dict:
    """What every record page shows: the registration, the portfolio, who the person is to the NQSW, and
    whether the portfolio can still change."""
    actor = request.actor
    return {
        "registration": registration,
        "portfolio": portfolio,
        "overview_url": overview_url(registration),
        "is_owner": is_owner(actor, registration),
        "is_assessor": is_assessor(actor, registration),
        "is_line_manager": is_line_manager(actor, registration),
        "is_coordinator": is_coordinator(actor, registration),
        "writable": is_writable(portfolio, registration),
        **extra,
    }


class Latest:
    """A record read again after a stale save: ``version`` is the flow's ``current_version``; afterwards
    ``record`` is the record as it is now (None if there was no conflict), for the page to show."""

    def __init__(self, read: Callable[[], Any]):
        self.read = read
        self.record = None

    def version(self) -> int:
        self.record = self.read()
        return self.record.version

    def or_(self, record):
        """The record as re-read after a conflict, else ``record`` as the page read it."""
        return self.record if self.record is not None else record
