"""Equality monitoring fixtures: registrations that name the tenant's NQSW, and answers written as the
system would write them (the national context), so tests can set up counts without a person reading."""

from __future__ import annotations

import datetime

import pytest

from asye.tenancy.db import system_national_context, tenant_context, tenant_settings
from equality.models import EqualityMonitoring
from programmes.models import Registration
from tests.factories import person
from tests.programmes.conftest import actor_for, facts, registration_day
from tests.today import LONDON


def as_person(user, employer, **settings):
    """The tenant context of ``user``'s request at ``employer`` (what TenantMiddleware sets)."""
    values = {"employer_id": employer.pk, "user_id": user.pk, "national": False, "equality_aggregate": False}
    values.update(settings)
    return tenant_settings(**values)


@pytest.fixture
def register_nqsw():
    """Register ``user`` (default: the tenant's NQSW) with the tenant; named on it unless link=False."""
    from programmes.services import registration_create

    def make(tenant, user=None, *, link=True, **overrides):
        user = user or tenant.nqsw
        overrides.setdefault("email", user.email)
        overrides.setdefault("swe_number", f"SW{user.pk:06d}")
        actor = actor_for(tenant.coordinator, tenant.employer)
        with tenant_context(tenant.employer.pk):
            given = facts(**overrides)
            registration = registration_create(actor=actor, facts=given, today=registration_day(given))
            if link:
                Registration.objects.filter(pk=registration.pk).update(nqsw=user)
                registration.refresh_from_db()
        return registration

    return make


@pytest.fixture
def nqsw_at(register_nqsw):
    """A new NQSW at the tenant, registered and named on their registration: ``(user, registration)``."""
    from asye.accounts.models import Role

    counter = iter(range(1, 1000))

    def make(tenant):
        slug = tenant.employer.name.split()[0].lower()
        user = person(role=Role.NQSW, employer=tenant.employer, email=f"nqsw{next(counter)}@{slug}.example")
        return user, register_nqsw(tenant, user)

    return make


DEFAULT_ANSWERS = {
    "gender": "female",
    "age_band": "25_34",
    "ethnic_group": "white",
    "ethnicity_detail": "irish",
    "nationality": "british",
    "disability": "no",
}


@pytest.fixture
def stored_answers():
    """Write answers for a registration directly, as the legacy import would (no person reads them)."""

    def make(registration, *, person=None, **answers):
        values = {**DEFAULT_ANSWERS, **answers}
        with system_national_context():
            return EqualityMonitoring.objects.create(
                employer_id=registration.employer_id, registration=registration, person=person, **values
            )

    return make


def moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def nightly(time_machine):
    """The night of ``day``: the snapshot job at 23:30, as beat runs it; then noon the next day, when its
    snapshots are shown. Returns the next day. (A signed-in session has ended by then: sign in again.)"""
    from equality.tasks import take_equality_snapshots

    def run(day: datetime.date) -> datetime.date:
        time_machine.move_to(moment(day, 23, 30))
        take_equality_snapshots()
        following = day + datetime.timedelta(days=1)
        time_machine.move_to(moment(following, 12))
        return following

    return run
