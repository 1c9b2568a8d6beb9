import datetime
from decimal import Decimal

import pytest

from asye.accounts.actor import build_actor
from asye.tenancy.db import tenant_context, tenant_settings
from programmes.eligibility import RegistrationFacts

TODAY = datetime.date(2026, 11, 23)


def actor_for(user, employer):
    with tenant_settings(user_id=user.pk):
        return build_actor(user, employer_id=employer.pk)


def facts(**overrides) -> RegistrationFacts:
    values = {
        "first_name": "Ada",
        "last_name": "Okafor",
        "email": "ada.okafor@example.org",
        "swe_number": "sw123456",
        "qualification_date": datetime.date(2026, 7, 1),
        "start_date": datetime.date(2026, 9, 7),
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
            return registration_create(actor=actor, facts=facts(**overrides), today=TODAY)

    return make
