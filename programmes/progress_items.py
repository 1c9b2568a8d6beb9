"""What an NQSW's progress holds, as ``programmes.progress`` works it out: each timeline item and its
state, protected time against its target, the dashboard flags with their labels, and the whole
``Progress`` of one registration.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from programmes.timeline import Milestone


class ItemState:
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    NOT_NEEDED = "not_needed"


STATE_LABELS = {
    ItemState.DONE: ("Done", "green"),
    ItemState.DUE: ("Due", "yellow"),
    ItemState.OVERDUE: ("Overdue", "red"),
    ItemState.UPCOMING: ("Upcoming", "blue"),
    ItemState.NOT_NEEDED: ("Not needed", "grey"),
}
OPEN_STATES = (ItemState.DUE, ItemState.OVERDUE, ItemState.UPCOMING)


class Flag:
    ON_TRACK = "on_track"
    REVIEW_DUE = "review_due"
    WORK_OVERDUE = "work_overdue"
    OVERDUE = "overdue"  # supervision (the name the dashboard's filter has always used)
    CASELOAD_OVER_CAP = "caseload_over_cap"
    PROTECTED_TIME_BELOW_TARGET = "protected_time_below_target"
    DEFERRED = "deferred"


FLAG_LABELS = {
    Flag.ON_TRACK: ("On track", "green"),
    Flag.REVIEW_DUE: ("Review due", "yellow"),
    Flag.WORK_OVERDUE: ("Work overdue", "red"),
    Flag.OVERDUE: ("Supervision overdue", "red"),
    Flag.CASELOAD_OVER_CAP: ("Caseload over cap", "red"),
    Flag.PROTECTED_TIME_BELOW_TARGET: ("Protected time below target", "orange"),
    Flag.DEFERRED: ("Deferred", "grey"),
}


# --- What each registration's progress holds -----------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    kind: str
    label: str
    due: datetime.date
    opens: datetime.date
    state: str
    key: int | None = None
    done_on: datetime.date | None = None
    url: str = ""

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state][0]

    @property
    def state_colour(self) -> str:
        return STATE_LABELS[self.state][1]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


@dataclass(frozen=True)
class ProtectedTime:
    """Protected development time against the pro-rata target for the weeks actually worked."""

    hours: Decimal
    target: Decimal
    weeks: int
    percent: Decimal | None  # of the target; None while the target is nothing
    short: Decimal  # hours below the target (0 when on or above it)
    tolerance_percent: Decimal
    settling_in: bool  # still in the first weeks worked, when nothing is flagged
    flagged: bool

    @property
    def hours_text(self) -> str:
        """The hours as people write them: 40.7, 3.25, 12 (not 40.70, 12.00)."""
        return f"{self.hours.normalize():f}"

    @property
    def short_text(self) -> str:
        return f"{self.short.normalize():f}"


@dataclass
class Progress:
    registration_id: int
    today: datetime.date
    items: list[TimelineItem]
    end: datetime.date
    planned_end: datetime.date  # the end without the extension
    supervision: list[Milestone]
    supervision_held: int
    supervision_due: int
    protected: ProtectedTime
    latest_caseload: int | None = None
    caseload_cap: Decimal | None = None
    flags: list[str] = field(default_factory=list)

    @property
    def next_item(self) -> TimelineItem | None:
        return next((item for item in self.items if item.is_open), None)

    @property
    def next_due(self) -> datetime.date | None:
        item = self.next_item
        return item.due if item else None

    @property
    def next_due_label(self) -> str:
        item = self.next_item
        return item.label if item else ""

    @property
    def next_items(self) -> list[TimelineItem]:
        """Every open item due the same day as the next one (an observation often falls on a review's)."""
        first = self.next_item
        return [item for item in self.items if first and item.is_open and item.due == first.due]

    @property
    def protected_hours(self) -> Decimal:
        return self.protected.hours

    @property
    def protected_target(self) -> Decimal:
        return self.protected.target

    @property
    def tags(self) -> list[tuple[str, str]]:
        return [FLAG_LABELS[flag] for flag in self.flags]
