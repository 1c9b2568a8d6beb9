"""Each NQSW's timeline, computed from the framework version, the start date, hours, deferrals and any
extension. Pure functions of their inputs: nothing here reads the database.

Rules:
- part-time NQSWs get a pro-rata timeline: every interval is stretched by full-time hours / contracted
  hours (an NQSW on 18.5 of 37 hours has 24 months for a 12-month programme);
- a deferral pauses the clock: every due date after its start moves by its length; while a deferral is
  open, later dates move day by day until it ends;
- an extension moves the end (the final review and the panel) and nothing else.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

AVERAGE_MONTH_DAYS = Decimal("30.436875")  # 365.2425 / 12


@dataclass(frozen=True)
class Milestone:
    kind: str  # review, optional_review, observation, supervision, final_panel, end
    label: str
    due: datetime.date
    month: Decimal | None = None


@dataclass(frozen=True)
class Pause:
    started_on: datetime.date
    ended_on: datetime.date | None


@dataclass(frozen=True)
class TimelineInput:
    start_date: datetime.date
    contracted_hours: Decimal
    full_time_hours: Decimal
    length_months: int
    review_months: tuple[int, ...]
    optional_review_months: tuple[int, ...]
    direct_observations: int
    supervision_weekly_weeks: int
    supervision_fortnightly_until_month: int
    supervision_monthly_after: bool
    pauses: tuple[Pause, ...] = ()
    extension_days: int = 0


def pro_rata_factor(contracted_hours: Decimal, full_time_hours: Decimal) -> Decimal:
    """How much longer every interval is: 1 for full-time, full-time / contracted hours for part-time."""
    if contracted_hours <= 0:
        raise ValueError("Contracted hours must be more than zero")
    return max(Decimal(1), Decimal(full_time_hours) / Decimal(contracted_hours))


def plus_calendar_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole calendar months, the day clamped to the month's last (31 August + 6 months =
    28 or 29 February), as ``relativedelta(months=months)`` does, without building one: every API read of
    a registration computes about eight of these."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def add_months(day: datetime.date, months: Decimal) -> datetime.date:
    """Calendar months for the whole part (7 September + 6 months = 7 March), average days for the rest."""
    whole = int(months)
    fraction = months - whole
    return plus_calendar_months(day, whole) + datetime.timedelta(
        days=int((fraction * AVERAGE_MONTH_DAYS).to_integral_value())
    )


def shift_for_pauses(day: datetime.date, pauses: tuple[Pause, ...], today: datetime.date) -> datetime.date:
    """Move a due date (computed on the unpaused clock) past every pause that began on or before it."""
    shifted = day
    for pause in sorted(pauses, key=lambda p: p.started_on):
        if pause.started_on <= shifted:
            end = pause.ended_on or max(today, pause.started_on)
            shifted += end - pause.started_on
    return shifted


def end_date(spec: TimelineInput, *, today: datetime.date) -> datetime.date:
    factor = pro_rata_factor(spec.contracted_hours, spec.full_time_hours)
    raw = add_months(spec.start_date, Decimal(spec.length_months) * factor)
    return shift_for_pauses(raw, spec.pauses, today) + datetime.timedelta(days=spec.extension_days)


def milestones(
    spec: TimelineInput,
    *,
    today: datetime.date,
    include_supervision: bool = True,
    end: datetime.date | None = None,
) -> list[Milestone]:
    """Every due date of the programme, in order. ``end`` is ``end_date(spec, today=today)``, passed by a
    caller that has it already."""
    factor = pro_rata_factor(spec.contracted_hours, spec.full_time_hours)
    if end is None:
        end = end_date(spec, today=today)

    def at_month(month: Decimal) -> datetime.date:
        raw = add_months(spec.start_date, month * factor)
        return shift_for_pauses(raw, spec.pauses, today)

    items: list[Milestone] = []
    for month in spec.review_months:
        due = end if month == spec.length_months else at_month(Decimal(month))
        items.append(Milestone("review", f"{month}-month review", due, Decimal(month)))
    for month in spec.optional_review_months:
        items.append(
            Milestone(
                "optional_review",
                f"{month}-month review (optional)",
                at_month(Decimal(month)),
                Decimal(month),
            )
        )
    for number in range(1, spec.direct_observations + 1):
        # Spread evenly so each falls before a review: for three in 12 months, by months 3, 6 and 9.
        month = Decimal(spec.length_months) * number / (spec.direct_observations + 1)
        items.append(Milestone("observation", f"Direct observation {number}", at_month(month), month))
    items.append(Milestone("final_panel", "Internal moderation panel", end + datetime.timedelta(days=28)))
    items.append(Milestone("end", "End of programme", end))
    if include_supervision:
        items.extend(supervision_schedule(spec, today=today))
    return sorted(items, key=lambda m: (m.due, m.kind))


def supervision_schedule(spec: TimelineInput, *, today: datetime.date) -> list[Milestone]:
    """Supervision due dates: weekly, then fortnightly, then monthly, on the pro-rata clock."""
    factor = pro_rata_factor(spec.contracted_hours, spec.full_time_hours)
    week = Decimal(7) * factor
    dates: list[Decimal] = []
    offset = Decimal(0)
    for _ in range(spec.supervision_weekly_weeks):
        offset += week
        dates.append(offset)
    fortnightly_until = Decimal(spec.supervision_fortnightly_until_month) * AVERAGE_MONTH_DAYS * factor
    while offset + 2 * week <= fortnightly_until:
        offset += 2 * week
        dates.append(offset)
    length = Decimal(spec.length_months) * AVERAGE_MONTH_DAYS * factor
    if spec.supervision_monthly_after:
        month = AVERAGE_MONTH_DAYS * factor
        while offset + month <= length:
            offset += month
            dates.append(offset)
    result = []
    for index, days in enumerate(dates, start=1):
        raw = spec.start_date + datetime.timedelta(days=int(days.to_integral_value()))
        result.append(
            Milestone("supervision", f"Supervision {index}", shift_for_pauses(raw, spec.pauses, today))
        )
    return result
