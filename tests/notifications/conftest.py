from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta

from asye.notifications.models import Notification
from asye.tenancy.db import tenant_context
from programmes.models import Registration
from tests.programmes.conftest import register  # noqa: F401  (the fixture)
from tests.today import TODAY


def start_for_review_in(days: int) -> datetime.date:
    """A start date that puts the 3-month review ``days`` from today."""
    return TODAY + datetime.timedelta(days=days) - relativedelta(months=3)


@pytest.fixture
def enrolled(register):  # noqa: F811  (the fixture imported above)
    """Register an NQSW at a tenant with its NQSW, assessor and line manager, starting on ``start``."""

    def make(tenant, start, swe_number="SW500001", **overrides):
        registration = register(tenant, start_date=start, swe_number=swe_number, **overrides)
        with tenant_context(tenant.employer.pk):
            Registration.objects.filter(pk=registration.pk).update(
                nqsw=tenant.nqsw, assessor=tenant.assessor, line_manager=tenant.line_manager
            )
            return Registration.objects.get(pk=registration.pk)

    return make


def received(unscoped) -> set[tuple[str, str]]:
    """Every notification written: (the person's email, its kind)."""
    with unscoped():
        return set(Notification.objects.values_list("person__email", "kind"))
