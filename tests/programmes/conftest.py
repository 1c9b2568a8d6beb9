import datetime
from decimal import Decimal

import pytest

from asye.accounts.actor import build_actor
from asye.tenancy.db import tenant_context, tenant_settings
from programmes.eligibility import RegistrationFacts
from tests.today import TODAY, days_ago

# An NQSW who qualified in the summer and started eleven weeks ago (written for 23 November 2026, when
# that was 1 July and 7 September 2026).
QUALIFIED = days_ago(145)
STARTED = days_ago(77)


def registration_day(given: RegistrationFacts) -> datetime.date:
    """The day the co-ordinator registered the NQSW: the start date, or today for a start still to come.

    Registering on the start day keeps the start in a funding year open for registration whatever day
    the tests run on (from April, the previous year's starts are closed to new registrations)."""
    return min(given.start_date or TODAY, TODAY)


def actor_for(user, employer):
    with tenant_settings(user_id=user.pk):
        return build_actor(user, employer_id=employer.pk)


def facts(**overrides) -> RegistrationFacts:
    values = {
        "first_name": "Ada",
        "last_name": "Okafor",
        "email": "ada.okafor@example.org",
        "swe_number": "sw123456",
        "qualification_date": QUALIFIED,
        "start_date": STARTED,
        "contracted_hours": Decimal("37"),
        "service_area": "child_and_family",
    }
    values.update(overrides)
    return RegistrationFacts(**values)


@pytest.fixture
def register():
    """Register an NQSW as a tenant's co-ordinator, in that employer's tenant context."""
    from programmes.services import registration_create

    def make(tenant, **overrides):
        actor = actor_for(tenant.coordinator, tenant.employer)
        with tenant_context(tenant.employer.pk):
            given = facts(**overrides)
            return registration_create(actor=actor, facts=given, today=registration_day(given))

    return make
