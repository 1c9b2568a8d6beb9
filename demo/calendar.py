"""The demo's calendar: ``manage.py seed_demo`` tells its story as of the day it runs.

The story (who started when, which reviews were held, which claims were paid) is written in its reference
calendar, as of ``REFERENCE_DAY``. Seeding moves every one of its dates by the same number of days, the
days from ``REFERENCE_DAY`` to the seeding day, at the point where a plan is made: before anything is
derived from a date (framework versions, funding years and their labels, claim years, statement months),
so that what is derived follows the moved dates. Whoever starts the platform, on whatever day, finds
the same year under way, with the same flags on the co-ordinator's dashboard.

The seeding day is ``clock.today()``, so a test that moves the clock (``time_machine``) seeds as of that
day, and the services that stamp "now" agree with the story.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from asye import clock

# The day the story is written as of.
REFERENCE_DAY = datetime.date(2026, 11, 23)


@dataclass(frozen=True)
class DemoCalendar:
    """The reference calendar moved to ``today``, the seeding day."""

    today: datetime.date

    @classmethod
    def seeding(cls, today: datetime.date | None = None) -> DemoCalendar:
        """The calendar of a seeding run on ``today`` (default: the platform's today)."""
        return cls(today if today is not None else clock.today())

    @property
    def offset(self) -> datetime.timedelta:
        return self.today - REFERENCE_DAY

    def shift(self, reference: datetime.date) -> datetime.date:
        """A date (or a datetime) of the story, on the seeding day's calendar."""
        return reference + self.offset

    def unshift(self, day: datetime.date) -> datetime.date:
        """The inverse of ``shift``: where a seeded date stands in the story's calendar."""
        return day - self.offset

    def month(self, reference: datetime.date) -> datetime.date:
        """The first day of the month as many months from the seeding day's month as ``reference`` is from
        the reference day's (a statement month: whole months, not days)."""
        months = (reference.year - REFERENCE_DAY.year) * 12 + reference.month - REFERENCE_DAY.month
        return self.today.replace(day=1) + relativedelta(months=months)
