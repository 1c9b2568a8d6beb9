"""The platform's one clock: every "now" and "today" in services, selectors, tasks and views comes from here.

Nothing else reads the wall clock (``tests/test_clock.py`` fails if a module does), so a test that freezes
time with ``time_machine`` moves the whole platform, and a service that takes ``today=`` can be given a
fixed day by its caller. "Today" is the day in the platform's time zone (Europe/London), not UTC.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    """The current moment, time-zone aware (UTC)."""
    return timezone.now()


def today() -> datetime.date:
    """Today's date in the platform's time zone."""
    return timezone.localdate(timezone.now())


def localtime(value: datetime.datetime | None = None) -> datetime.datetime:
    """``value`` (default: now) in the platform's time zone."""
    return timezone.localtime(value if value is not None else timezone.now())
