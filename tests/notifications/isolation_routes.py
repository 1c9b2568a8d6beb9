"""The notification centre's routes that capture an object, for tests/test_isolation.py."""

from __future__ import annotations

from asye import clock
from asye.notifications.models import Notification
from asye.tenancy.db import tenant_context
from tests.isolation_support import ObjectRoute


def make_notification(employer_b, unscoped):
    """A notification for B's co-ordinator."""
    with tenant_context(employer_b.employer.pk):
        return Notification.objects.create(
            employer_id=employer_b.employer.pk,
            person=employer_b.coordinator,
            kind="review.overdue",
            message="A review is overdue",
            link="/reviews/",
            created_at=clock.now(),
        )


OBJECT_ROUTES: dict[str, ObjectRoute] = {
    "notifications:read": ObjectRoute(make_notification),
}
EXEMPT: dict[str, str] = {}
