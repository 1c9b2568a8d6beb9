"""The programmes part of ``manage.py seed_demo`` that runs after every other app's demo: each seeded
registration's progress worked out from the records the demos made (reviews, observations, agreements,
supervision, protected time, caseloads) and kept on it, as the services and the nightly job keep it.

The registrations themselves and their support records are ``programmes.demo_records``'s; the demos write
their rows directly rather than through the services, so nothing has worked their progress out yet."""

from __future__ import annotations

from collections import Counter

from programmes.models import Registration
from programmes.progress_store import progress_refresh


def seed(*, employer_ids: dict[str, int], user_ids: dict[str, int], demo_calendar) -> Counter[str]:
    """Work out the progress of every registration of the demo's employers as of the seeding day (inside
    the command's national scope). Harmless to repeat: only what changed is written. Reports nothing."""
    ids = list(
        Registration.objects.filter(employer_id__in=set(employer_ids.values()))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    progress_refresh(registration_ids=ids, today=demo_calendar.today)
    return Counter()
