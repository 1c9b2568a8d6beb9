"""The day the test run takes as today, and dates relative to it.

Every test runs with time frozen (``time_machine``, ticking) at noon, London time, on ``TODAY``: by default
the real date the run starts, or ``ASYE_TEST_TODAY`` (``scripts/test --today 2028-02-29``) to run the
whole suite as if it were another day. Tests write their dates relative to ``TODAY`` (``days_ago``,
``months_ago``) or pass ``today=`` to the function under test, so they pass whatever the date; a test that
needs one particular day (a year end, a leap day) freezes it itself with the ``time_machine`` fixture.
"""

from __future__ import annotations

import datetime
import os
import zoneinfo

from dateutil.relativedelta import relativedelta

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _run_day() -> datetime.date:
    given = os.environ.get("ASYE_TEST_TODAY", "").strip()
    if given:
        return datetime.date.fromisoformat(given)
    return datetime.datetime.now(LONDON).date()


TODAY: datetime.date = _run_day()
# Noon: far from midnight, so a test that runs for a while never sees the date change under it.
NOW: datetime.datetime = datetime.datetime.combine(TODAY, datetime.time(12, 0), tzinfo=LONDON)


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def days_ahead(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def months_ago(months: int, **more) -> datetime.date:
    return TODAY - relativedelta(months=months, **more)


def funding_year_label(day: datetime.date = TODAY) -> str:
    """The funding year (1 April to 31 March) that ``day`` falls in, as ``"2026-27"``: the platform's rule."""
    from programmes.eligibility import funding_year_of  # after Django is set up

    return funding_year_of(day)
