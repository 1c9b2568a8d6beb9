"""Fixtures of the funding tests: registrations approved for funding (through national staff's service, so
the hook runs as in production), actors, and the funding reference data."""

from __future__ import annotations

import pytest

from asye.accounts.actor import Actor, build_actor
from asye.tenancy.db import tenant_settings
from tests.funding.helpers import (
    approve,
    load_funding_reference_data,
    register,
)
from tests.programmes.conftest import actor_for


@pytest.fixture
def national(national_staff) -> Actor:
    with tenant_settings(user_id=national_staff.pk):
        return build_actor(national_staff, employer_id=None)


@pytest.fixture
def coordinator_a(employer_a) -> Actor:
    return actor_for(employer_a.coordinator, employer_a.employer)


@pytest.fixture
def coordinator_b(employer_b) -> Actor:
    return actor_for(employer_b.coordinator, employer_b.employer)


@pytest.fixture
def approved(employer_a, national):
    """One of A's registrations (child and family, 2026-27), approved for funding: its registration
    instalment is claimable."""
    registration = register(employer_a)
    return approve(national, registration)


@pytest.fixture
def funding_reference_data(transactional_db):
    """For live-server and threaded tests: their database is emptied after each test, reference data too."""
    load_funding_reference_data()
