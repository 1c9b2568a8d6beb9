"""Where each NQSW's year stands, worked out from the work recorded: every timeline item's state, what is
due next, protected time against its pro-rata target, and the dashboard flags. This is the one definition
the registrations list, the registration and support pages, the NQSW's own page and their calendar feed
all read (the lists through the copy kept on the registration, ``programmes.progress_store``).

Programmes does not import the apps that record the work. They tell it what is done through work
sources (``programmes.work_sources``): ``register_work_source(fn)`` from their ``AppConfig.ready()``;
``fn(registration_ids)`` returns ``WorkRecord``s (a review by month, an observation by number, the
learning agreement, the panel), each with the day it was done (``None`` while started but not done) and
a link to it. Every source answers for many registrations in a fixed number of queries, so
``registration_progress`` does too.

Each item's state, for an open registration:
- done: a record says so (a locked review, a completed observation, a signed agreement, the panel's
  endorsement), with its date and a link;
- not needed: an optional review nobody asked for, an agreement the framework does not require, anything
  falling after a scheduled withdrawal or transfer; after completion, withdrawal or transfer, every item
  that was not done;
- overdue: its due date has passed (the end of the programme itself is never overdue);
- due: its window has opened (a review ``review_window_weeks`` before its date, any other item
  ``WINDOW_WEEKS`` before; the agreement from the start; the panel from the end of the programme);
- upcoming: before its window.
"What is due next" is the first item, in date order, that is neither done nor not needed.

The shapes it returns (items, states, flags, ``Progress``) are ``programmes.progress_items``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db.models import Count, Max, Sum

from programmes.models import (
    CaseloadRecord,
    Deferral,
    ProtectedTimeLog,
    Registration,
    RegistrationStatus,
    SupervisionSession,
)
from programmes.progress_items import Flag, ItemState, Progress, ProtectedTime, TimelineItem
from programmes.timeline import (
    Pause,
    TimelineInput,
    end_date,
    milestones,
    shift_for_pauses,
    supervision_schedule,
)
from programmes.work_sources import (  # the sources' vocabulary, read by the pages from here too
    ItemKind,
    WorkRecord,
    register_work_source,  # noqa: F401
    work_records,
)

# Items other than reviews are due from this many weeks before their date.
WINDOW_WEEKS = 4
# The learning agreement is due this many weeks after the start (moved by deferrals).
AGREEMENT_WEEKS = 4
# A supervision counts as overdue a week after its due date.
SUPERVISION_GRACE_DAYS = 7


# Same-day items in the order the work happens: the observation feeds the review, the review the end.
KIND_ORDER = {
    ItemKind.AGREEMENT: 0,
    ItemKind.OBSERVATION: 1,
    ItemKind.REVIEW: 2,
    ItemKind.OPTIONAL_REVIEW: 3,
    ItemKind.END: 4,
    ItemKind.FINAL_PANEL: 5,
}


def timeline_spec(registration: Registration, deferrals: Iterable[Deferral]) -> TimelineInput:
    version = registration.framework_version
    return TimelineInput(
        start_date=registration.start_date,
        contracted_hours=registration.contracted_hours,
        full_time_hours=version.full_time_hours,
        length_months=version.length_months,
        review_months=tuple(version.review_months),
        optional_review_months=tuple(version.optional_review_months or ()),
        direct_observations=version.direct_observations,
        supervision_weekly_weeks=version.supervision_weekly_weeks,
        supervision_fortnightly_until_month=version.supervision_fortnightly_until_month,
        supervision_monthly_after=version.supervision_monthly_after,
        pauses=tuple(Pause(d.started_on, d.ended_on) for d in deferrals),
        extension_days=registration.extension_days,
    )


def weeks_worked(start: datetime.date, until: datetime.date, pauses: Iterable[Deferral]) -> int:
    """Whole weeks from the start to ``until``, less the days paused by deferrals."""
    if until <= start:
        return 0
    days = (until - start).days
    for pause in pauses:
        end = min(pause.ended_on or until, until)
        days -= max(0, (end - max(pause.started_on, start)).days)
    return max(0, days) // 7


def _state(
    *,
    kind: str,
    due: datetime.date,
    opens: datetime.date,
    done: bool,
    needed: bool,
    registration: Registration,
    today: datetime.date,
) -> str:
    if done:
        return ItemState.DONE
    if not registration.is_open or not needed:
        return ItemState.NOT_NEEDED
    if registration.ending_on is not None and due > registration.ending_on:
        return ItemState.NOT_NEEDED
    if today > due and kind != ItemKind.END:
        return ItemState.OVERDUE
    if today >= opens:
        return ItemState.DUE
    return ItemState.UPCOMING


def timeline_items(
    registration: Registration, spec: TimelineInput, records: list[WorkRecord], *, today: datetime.date
) -> list[TimelineItem]:
    """Every item of the registration's timeline with its state (see the module's docstring)."""
    version = registration.framework_version
    end = end_date(spec, today=today)
    review_window = datetime.timedelta(weeks=version.review_window_weeks)
    window = datetime.timedelta(weeks=WINDOW_WEEKS)
    found = {(record.kind, record.key): record for record in records}
    completed = registration.status == RegistrationStatus.COMPLETED
    items: list[TimelineItem] = []

    def add(kind, label, due, opens, *, key=None, record=None, needed=True, done_on=None, done=None):
        done_on = done_on or (record.done_on if record else None)
        is_done = bool(done_on) if done is None else done
        state = _state(
            kind=kind,
            due=due,
            opens=opens,
            done=is_done,
            needed=needed,
            registration=registration,
            today=today,
        )
        items.append(
            TimelineItem(
                kind=kind,
                label=label,
                due=due,
                opens=min(opens, due),
                state=state,
                key=key,
                done_on=done_on if is_done else None,
                url=record.url if record else "",
            )
        )

    agreement = found.get((ItemKind.AGREEMENT, None))
    agreement_due = shift_for_pauses(
        spec.start_date + datetime.timedelta(weeks=AGREEMENT_WEEKS), spec.pauses, today
    )
    add(
        ItemKind.AGREEMENT,
        "Learning agreement signed",
        agreement_due,
        spec.start_date,
        record=agreement,
        needed=version.requires_signed_agreement,
        # A change of assessor or line manager means the agreement must be signed again.
        done=bool(agreement and agreement.done_on and not registration.learning_agreement_needs_signing),
    )
    observation_number = 0
    for milestone in milestones(spec, today=today, include_supervision=False):
        if milestone.kind == "observation":
            observation_number += 1
            add(
                ItemKind.OBSERVATION,
                milestone.label,
                milestone.due,
                milestone.due - window,
                key=observation_number,
                record=found.get((ItemKind.OBSERVATION, observation_number)),
            )
        elif milestone.kind in (ItemKind.REVIEW, ItemKind.OPTIONAL_REVIEW):
            month = int(milestone.month)
            record = found.get((ItemKind.REVIEW, month))
            add(
                milestone.kind,
                milestone.label,
                milestone.due,
                milestone.due - review_window,
                key=month,
                record=record,
                # An optional review is needed once someone has added it.
                needed=milestone.kind == ItemKind.REVIEW or record is not None,
            )
        elif milestone.kind == "end":
            add(
                ItemKind.END,
                milestone.label,
                end,
                end,
                done_on=registration.outcome_date if completed else None,
                done=completed,
            )
        elif milestone.kind == "final_panel":
            record = found.get((ItemKind.FINAL_PANEL, None))
            fallback = registration.outcome_date if completed else None
            add(
                ItemKind.FINAL_PANEL,
                milestone.label,
                milestone.due,
                end,
                record=record,
                done_on=(record.done_on if record else None) or fallback,
            )
    return sorted(items, key=lambda item: (item.due, KIND_ORDER[item.kind], item.key or 0))


def protected_time(
    registration: Registration,
    *,
    hours: Decimal,
    pauses: Iterable[Deferral],
    end: datetime.date,
    today: datetime.date,
) -> ProtectedTime:
    """Hours logged against contracted hours x the framework's percentage x the weeks worked to date (to
    the end of the programme, or the day it ended). Flagged only for a programme in progress, past its
    settling-in weeks, more than the tolerance below the target."""
    version = registration.framework_version
    until = min(today, end)
    for ended in (registration.ended_at, registration.outcome_date):
        if ended is not None:
            until = min(until, ended)
    weeks = weeks_worked(registration.start_date, until, pauses)
    target = (registration.contracted_hours * version.protected_time_percent / 100 * weeks).quantize(
        Decimal("0.1")
    )
    percent = (hours * 100 / target).quantize(Decimal("0.1")) if target else None
    tolerance = version.protected_time_tolerance_percent
    settling_in = weeks < version.protected_time_settling_in_weeks
    below = hours < target * (100 - tolerance) / 100
    return ProtectedTime(
        hours=hours,
        target=target,
        weeks=weeks,
        percent=percent,
        short=max(Decimal(0), target - hours),
        tolerance_percent=tolerance,
        settling_in=settling_in,
        flagged=registration.status == RegistrationStatus.ACTIVE and below and not settling_in,
    )


def caseload_cap(*, team_average: Decimal, caseload_cap_percent: Decimal) -> Decimal:
    """The most cases the NQSW should hold: the framework's percentage of the team's average."""
    return (team_average * caseload_cap_percent / 100).quantize(Decimal("0.1"))


def _latest_caseloads(ids: Sequence[int]) -> dict[int, CaseloadRecord]:
    latest_dates = (
        CaseloadRecord.objects.filter(registration_id__in=ids)
        .values("registration_id")
        .annotate(last=Max("recorded_on"))
    )
    wanted = {(row["registration_id"], row["last"]) for row in latest_dates}
    latest: dict[int, CaseloadRecord] = {}
    for record in CaseloadRecord.objects.filter(registration_id__in=ids).order_by("recorded_on", "id"):
        if (record.registration_id, record.recorded_on) in wanted:
            latest[record.registration_id] = record
    return latest


def registration_progress(
    registrations: Sequence[Registration], *, today: datetime.date
) -> dict[int, Progress]:
    """Progress of each registration (by id), its framework version already loaded. A fixed number of
    queries whatever the number of registrations (one per table read, and each work source's own)."""
    ids = [r.pk for r in registrations]
    deferrals: dict[int, list[Deferral]] = defaultdict(list)
    for deferral in Deferral.objects.filter(registration_id__in=ids).order_by("started_on", "id"):
        deferrals[deferral.registration_id].append(deferral)
    records = work_records(ids)
    hours = dict(
        ProtectedTimeLog.objects.filter(registration_id__in=ids, taken_on__lte=today)
        .values_list("registration_id")
        .annotate(total=Sum("hours"))
    )
    sessions = dict(
        SupervisionSession.objects.filter(registration_id__in=ids, held_on__lte=today)
        .values_list("registration_id")
        .annotate(n=Count("id"))
    )
    latest = _latest_caseloads(ids)
    grace = today - datetime.timedelta(days=SUPERVISION_GRACE_DAYS)

    result: dict[int, Progress] = {}
    for registration in registrations:
        version = registration.framework_version
        pauses = deferrals[registration.pk]
        spec = timeline_spec(registration, pauses)
        end = end_date(spec, today=today)
        supervision = supervision_schedule(spec, today=today)
        progress = Progress(
            registration_id=registration.pk,
            today=today,
            items=timeline_items(registration, spec, records.get(registration.pk, []), today=today),
            end=end,
            planned_end=end - datetime.timedelta(days=registration.extension_days),
            supervision=supervision,
            supervision_held=sessions.get(registration.pk, 0),
            supervision_due=sum(1 for m in supervision if m.due <= grace),
            protected=protected_time(
                registration,
                hours=hours.get(registration.pk) or Decimal(0),
                pauses=pauses,
                end=end,
                today=today,
            ),
        )
        record = latest.get(registration.pk)
        if record is not None:
            progress.latest_caseload = record.caseload
            progress.caseload_cap = caseload_cap(
                team_average=record.team_average, caseload_cap_percent=version.caseload_cap_percent
            )
        progress.flags = _flags(registration, progress)
        result[registration.pk] = progress
    return result


def _flags(registration: Registration, progress: Progress) -> list[str]:
    flags: list[str] = []
    if not registration.is_open:
        return flags
    if registration.status == RegistrationStatus.DEFERRED:
        flags.append(Flag.DEFERRED)
    else:
        # A deferred NQSW's clock is paused: nothing of theirs is coming due or falling behind.
        if any(
            item.kind in (ItemKind.REVIEW, ItemKind.OPTIONAL_REVIEW) and item.state == ItemState.DUE
            for item in progress.items
        ):
            flags.append(Flag.REVIEW_DUE)
        if any(item.state == ItemState.OVERDUE for item in progress.items):
            flags.append(Flag.WORK_OVERDUE)
        if progress.supervision_held < progress.supervision_due:
            flags.append(Flag.OVERDUE)
        if progress.protected.flagged:
            flags.append(Flag.PROTECTED_TIME_BELOW_TARGET)
    if progress.latest_caseload is not None and progress.latest_caseload > progress.caseload_cap:
        flags.append(Flag.CASELOAD_OVER_CAP)
    if not flags:
        flags.append(Flag.ON_TRACK)
    return flags
