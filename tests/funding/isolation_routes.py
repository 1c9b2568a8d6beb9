"""Funding's routes that capture an object, for tests/test_isolation.py (see tests/isolation_support.py).

Each ``make`` returns one of employer B's objects, made through the services as B's co-ordinator and
national staff would make it."""

from __future__ import annotations

import itertools

from asye.accounts.models import Role
from asye.tenancy.db import tenant_context
from tests.factories import person
from tests.isolation_support import ObjectRoute

_people = itertools.count(1)


def _national():
    from tests.funding.helpers import national_actor

    user = person(role=Role.NATIONAL_STAFF, email=f"national.isolation{next(_people)}@skillsforcare.example")
    return national_actor(user)


def make_claim(employer_b, unscoped):
    """B's registration instalment, claimable (B's registration approved for funding)."""
    from tests.funding.helpers import approve, claim_of, register

    registration = approve(_national(), register(employer_b))
    return claim_of(registration)


def make_statement(employer_b, unscoped):
    """B's authorised payment statement with one claim on it."""
    from tests.funding.helpers import approve, paid_statement, register

    national = _national()
    registration = approve(national, register(employer_b))
    return paid_statement(employer_b, national, [registration], paid=False)


def make_application(employer_b, unscoped):
    """B's grant application for the current funding year, as a draft."""
    from funding.application_services import application_years, grant_application_start
    from tests.programmes.conftest import actor_for

    with tenant_context(employer_b.employer.pk):
        return grant_application_start(
            actor=actor_for(employer_b.coordinator, employer_b.employer),
            funding_year_id=application_years()[0].pk,
        )


def make_action(employer_b, unscoped):
    """An action of B's draft action plan."""
    from funding.application_services import action_add
    from tests.programmes.conftest import actor_for
    from tests.today import days_ahead

    application = make_application(employer_b, unscoped)
    with tenant_context(employer_b.employer.pk):
        return action_add(
            actor=actor_for(employer_b.coordinator, employer_b.employer),
            application=application,
            action="B's private improvement action",
            owner="B's co-ordinator",
            due_on=days_ahead(98),  # written as 1 March 2027, on 23 November 2026
        )


OBJECT_ROUTES: dict[str, ObjectRoute] = {
    "funding:claim": ObjectRoute(make_claim),
    "funding:statement": ObjectRoute(make_statement),
    "funding:statement_xlsx": ObjectRoute(make_statement),
    "funding:statement_csv": ObjectRoute(make_statement),
    **{
        f"funding:{name}": ObjectRoute(make_application)
        for name in (
            "application",
            "application_contact",
            "application_director",
            "application_declarations",
            "application_actions",
            "action_add",
            "application_submit",
        )
    },
    "funding:action_change": ObjectRoute(make_action),
    "funding:action_remove": ObjectRoute(make_action),
    "api:claim-detail": ObjectRoute(make_claim),
    "api:statement-detail": ObjectRoute(make_statement),
}

EXEMPT: dict[str, str] = {
    # National staff only; anyone else gets 403 before any object is read
    # (tests/funding/test_funding_national_views.py).
    "national_funding:claim": "national",
    "national_funding:statement": "national",
    "national_funding:statement_xlsx": "national",
    "national_funding:statement_csv": "national",
    "national_funding:application": "national",
}
