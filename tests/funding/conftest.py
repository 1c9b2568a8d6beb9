"""Fixtures of the funding tests: registrations approved for funding (through national staff's service, so
the hook runs as in production), actors, and the funding reference data."""

from __future__ import annotations

import datetime

import pytest

from asye.accounts.actor import Actor, build_actor
from asye.tenancy.db import tenant_settings
from funding.years import claim_deadline_of, funding_years_ensure
from programmes.eligibility import funding_year_bounds, funding_year_of
from tests.funding import helpers
from tests.funding.helpers import approve, load_funding_reference_data
from tests.programmes.conftest import STARTED, TODAY, actor_for
from tests.today import funding_year_label


def claims_open_start(today: datetime.date = TODAY) -> datetime.date:
    """The start date of the funding tests' NQSWs: eleven weeks ago (``STARTED``), as the tests were written
    (23 November 2026, a start on 7 September 2026, claims for 2026-27 open until 12 March 2027).

    From the claim deadline in March until mid-June a start eleven weeks ago is in a funding year whose
    claims have closed, so every instalment approved today would roll forward to the next year. Then the
    NQSW starts on the first day of the next funding year instead (in April, the current one; from the
    deadline to 31 March, a start still to come), so that claims are made in the cohort's own year, as
    they were when the tests were written."""
    start = STARTED
    while today > claim_deadline_of(funding_year_bounds(funding_year_of(start))[1]):
        start = funding_year_bounds(funding_year_of(start))[1] + datetime.timedelta(days=1)
    return start


START = claims_open_start()
# The funding year of the tests' registrations, in which their registration instalments are claimed
# (written as 2026-27).
COHORT = funding_year_label(START)


def year_after(label: str) -> str:
    """The funding year after ``label``, carried forward first if it is not set up yet (only from the
    claim deadline to 31 March is the cohort's next year beyond the years the tests set up)."""
    first = funding_year_bounds(label)[1] + datetime.timedelta(days=1)
    funding_years_ensure(first=first, last=first)
    return funding_year_of(first)


def register(tenant, **overrides):
    """``helpers.register``, the NQSW starting on ``START`` unless told otherwise."""
    overrides.setdefault("start_date", START)
    return helpers.register(tenant, **overrides)


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
    """One of A's registrations (child and family, ``COHORT``), approved for funding: its registration
    instalment is claimable in that year."""
    registration = register(employer_a)
    return approve(national, registration)


@pytest.fixture
def funding_reference_data(transactional_db):
    """For live-server and threaded tests: their database is emptied after each test, reference data too."""
    load_funding_reference_data()
