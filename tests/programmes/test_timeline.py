"""The timeline: review points, pro-rata for part-time, deferral moves every later date, extension."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from programmes.timeline import (
    Pause,
    TimelineInput,
    end_date,
    milestones,
    plus_calendar_months,
    pro_rata_factor,
    supervision_schedule,
)

START = datetime.date(2026, 9, 7)


def spec(**overrides) -> TimelineInput:
    values = {
        "start_date": START,
        "contracted_hours": Decimal("37"),
        "full_time_hours": Decimal("37"),
        "length_months": 12,
        "review_months": (3, 6, 12),
        "optional_review_months": (9,),
        "direct_observations": 3,
        "supervision_weekly_weeks": 6,
        "supervision_fortnightly_until_month": 6,
        "supervision_monthly_after": True,
    }
    values.update(overrides)
    return TimelineInput(**values)


def due(items, label):
    return next(m.due for m in items if m.label == label)


def test_full_time_reviews_fall_at_3_6_and_12_months():
    items = milestones(spec(), today=START)
    assert due(items, "3-month review") == datetime.date(2026, 12, 7)
    assert due(items, "6-month review") == datetime.date(2027, 3, 7)
    assert due(items, "12-month review") == end_date(spec(), today=START) == datetime.date(2027, 9, 7)
    assert [m.label for m in items if m.kind == "observation"] == [
        "Direct observation 1",
        "Direct observation 2",
        "Direct observation 3",
    ]


def test_part_time_is_pro_rata():
    assert pro_rata_factor(Decimal("18.5"), Decimal("37")) == 2
    half = spec(contracted_hours=Decimal("18.5"))
    assert end_date(half, today=START) == datetime.date(2028, 9, 7)  # 24 months
    assert due(milestones(half, today=START), "3-month review") == datetime.date(2027, 3, 7)
    # Over full-time hours is not faster than full-time.
    assert pro_rata_factor(Decimal("40"), Decimal("37")) == 1


def test_a_deferral_moves_every_later_date_by_its_length():
    base = milestones(spec(), today=START)
    paused = spec(pauses=(Pause(datetime.date(2027, 1, 4), datetime.date(2027, 3, 1)),))  # 56 days
    moved = milestones(paused, today=datetime.date(2027, 3, 2))
    assert due(moved, "3-month review") == due(base, "3-month review")  # before the pause: unchanged
    assert due(moved, "6-month review") == due(base, "6-month review") + datetime.timedelta(days=56)
    assert end_date(paused, today=START) == datetime.date(2027, 9, 7) + datetime.timedelta(days=56)


def test_an_open_deferral_keeps_moving_dates_until_it_ends():
    paused = spec(pauses=(Pause(datetime.date(2027, 1, 4), None),))
    on_day_10 = end_date(paused, today=datetime.date(2027, 1, 14))
    on_day_20 = end_date(paused, today=datetime.date(2027, 1, 24))
    assert on_day_20 - on_day_10 == datetime.timedelta(days=10)


def test_an_extension_moves_only_the_end():
    extended = milestones(spec(extension_days=30), today=START)
    base = milestones(spec(), today=START)
    assert due(extended, "6-month review") == due(base, "6-month review")
    assert due(extended, "12-month review") == due(base, "12-month review") + datetime.timedelta(days=30)
    assert due(extended, "Internal moderation panel") == due(
        base, "Internal moderation panel"
    ) + datetime.timedelta(days=30)


def test_supervision_is_weekly_then_fortnightly_then_monthly():
    sessions = [m.due for m in supervision_schedule(spec(), today=START)]
    gaps = [(b - a).days for a, b in zip([START, *sessions], sessions, strict=False)]
    assert gaps[:6] == [7] * 6
    assert set(gaps[6:15]) == {14}
    assert all(29 <= g <= 31 for g in gaps[-5:])
    assert sessions[-1] <= end_date(spec(), today=START)


@given(
    day=st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2090, 12, 31)),
    months=st.integers(min_value=-120, max_value=240),
)
def test_calendar_months_move_as_relativedelta_does(day, months):
    """Whole months as relativedelta counts them, the day clamped to the month's end (31 August + 6 months
    is the last day of February, 29 February + 12 months is 28 February)."""
    assert plus_calendar_months(day, months) == day + relativedelta(months=months)


def test_the_end_passed_in_is_the_end_milestones_would_work_out():
    pauses = (Pause(datetime.date(2026, 12, 1), datetime.date(2027, 1, 15)),)
    for values in ({}, {"contracted_hours": Decimal("22.5")}, {"pauses": pauses, "extension_days": 30}):
        given_spec = spec(**values)
        today = datetime.date(2027, 3, 1)
        end = end_date(given_spec, today=today)
        assert milestones(given_spec, today=today, end=end) == milestones(given_spec, today=today)
