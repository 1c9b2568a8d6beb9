"""What the pages of a portfolio's records share: who may read them and the context every page starts
from (re-reading a record after a stale save is ``asye.web.flow.Latest``).

The pages live by topic: ``agreement_views``, ``pdp_views``, ``self_assessment_views``,
``observation_views`` and ``feedback_request_views`` (routes in ``records_urls``). Pages of a whole
portfolio take the registration's pk and read it through ``access.portfolio_registration_get``; pages of
one record take the record's pk and read it through a scoped ``record_selectors.*_get``. Either way
another employer's, or another NQSW's, is a 404 before anything else happens, whatever the method. Writes
go through the topic's service module; a person who can read but not write sees no form, and a form sent
anyway gets 403.
"""

from __future__ import annotations

from django.urls import reverse

from asye.accounts.models import Role
from portfolios.access import is_assessor, is_coordinator, is_line_manager, is_owner, is_writable
from programmes.models import Registration

READERS = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW)


def overview_url(registration: Registration) -> str:
    """The portfolio's home page (its task list)."""
    return reverse("portfolios:overview", args=[registration.pk])


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
