"""Weekly snapshots for digests that say what changed since last week (``WeeklySnapshot``): a weekly scan
keeps what it saw this week and reads what it saw the week before. In the scan's transaction and tenant
context, so the snapshot commits with the reminders it sends, or not at all."""

from __future__ import annotations

import datetime

from asye import clock
from asye.notifications.models import WeeklySnapshot

# A snapshot older than this is not "last week": after a gap the digest says nothing about what cleared.
LOOK_BACK = datetime.timedelta(days=14)


def weekly_snapshot_swap(*, employer_id: int, kind: str, week: datetime.date, data: dict) -> dict | None:
    """Keep ``data`` as this week's snapshot (replacing one taken earlier this week) and return the latest
    snapshot of an earlier week within two weeks, or None if there is none."""
    WeeklySnapshot.objects.update_or_create(
        employer_id=employer_id,
        kind=kind,
        week=week,
        defaults={"data": data, "taken_at": clock.now()},
    )
    earlier = (
        WeeklySnapshot.objects.filter(
            employer_id=employer_id, kind=kind, week__lt=week, week__gte=week - LOOK_BACK
        )
        .order_by("-week")
        .values_list("data", flat=True)
        .first()
    )
    return earlier
