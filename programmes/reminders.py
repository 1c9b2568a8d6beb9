"""The programme's reminders, worked out each day from each open registration's progress (the timeline's
states as ``programmes.progress`` works them out from the work recorded, not the schedule alone), and
each week from its protected time and caseload. Listed in ``settings.ASYE_CONTRIBUTIONS["reminders"]``;
``asye.notifications.reminders`` runs them in the employer's tenant context and sends each once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.urls import reverse

from asye.accounts.models import Role
from asye.notifications.reminders import DAILY, WEEKLY, Due, Scan, people_with_role, week_start
from asye.notifications.weekly import weekly_snapshot_swap
from programmes.models import Registration, RegistrationStatus, RegistrationTransfer
from programmes.progress import registration_progress
from programmes.progress_items import ItemState
from programmes.work_sources import ItemKind

REVIEW_KINDS = (ItemKind.REVIEW, ItemKind.OPTIONAL_REVIEW)
# A supervision session is reminded this many days before it falls due.
SUPERVISION_NOTICE_DAYS = 3
# A transfer request is reminded to the new employer once it has waited this long.
TRANSFER_WAITING_DAYS = 3


def _open_registrations(employer_id: int) -> list[Registration]:
    return list(
        Registration.objects.filter(employer_id=employer_id, status=RegistrationStatus.ACTIVE)
        .select_related("framework_version", "nqsw", "assessor", "line_manager")
        .order_by("pk")
    )


def _people(*people) -> list:
    seen, found = set(), []
    for person in people:
        if person is not None and person.is_active and person.pk not in seen:
            seen.add(person.pk)
            found.append(person)
    return found


def timeline_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    """Reviews opening, due in 14 and in 7 days, overdue; observations behind schedule; the learning
    agreement not signed after the first month; supervision due and overdue. Deferred NQSWs are left out:
    their clock is paused."""
    registrations = _open_registrations(employer_id)
    progress = registration_progress(registrations, today=today)
    coordinators = people_with_role(employer_id, Role.COORDINATOR)
    for registration in registrations:
        p = progress[registration.pk]
        name = registration.full_name
        nqsw, assessor, manager = registration.nqsw, registration.assessor, registration.line_manager
        reviews_link = reverse("reviews:registration", args=[registration.pk])
        support_link = reverse("support:registration", args=[registration.pk])
        for item in p.items:
            days = (item.due - today).days
            if item.kind in REVIEW_KINDS and item.state in (ItemState.DUE, ItemState.UPCOMING):
                if item.state == ItemState.DUE and days > 14:
                    kind, text = (
                        "review.opening",
                        f"{item.label} for {name} can now be held: due {item.due:%-d %B %Y}",
                    )
                elif 7 < days <= 14:
                    kind, text = (
                        "review.due_14",
                        f"{item.label} for {name} is due in {days} days ({item.due:%-d %B %Y})",
                    )
                elif 0 <= days <= 7:
                    kind, text = (
                        "review.due_7",
                        f"{item.label} for {name} is due in {days} days ({item.due:%-d %B %Y})",
                    )
                else:
                    continue
                for person in _people(nqsw, assessor):
                    yield Due(person, kind, registration, item.due, text, reviews_link)
            elif item.kind in REVIEW_KINDS and item.state == ItemState.OVERDUE:
                text = f"{item.label} for {name} is overdue: it was due {item.due:%-d %B %Y}"
                for person in _people(nqsw, assessor, *coordinators):
                    yield Due(person, "review.overdue", registration, item.due, text, reviews_link)
            elif item.kind == ItemKind.OBSERVATION and item.state == ItemState.OVERDUE:
                text = f"{item.label} for {name} is behind schedule: it was due {item.due:%-d %B %Y}"
                for person in _people(nqsw, assessor):
                    yield Due(person, "observation.behind", registration, item.due, text, support_link)
            elif item.kind == ItemKind.AGREEMENT and item.state == ItemState.OVERDUE:
                text = f"The learning agreement for {name} is not signed yet, a month after the start"
                for person in _people(nqsw, assessor, manager):
                    yield Due(person, "agreement.unsigned", registration, item.due, text, support_link)
        # Supervision: the next session not yet held, by the framework's cadence on the pro-rata clock.
        if p.supervision_held < len(p.supervision):
            next_due = p.supervision[p.supervision_held].due
            if p.supervision_held < p.supervision_due:
                held = f"{p.supervision_held} of {p.supervision_due} sessions held"
                text = f"Supervision for {name} is overdue: {held}"
                for person in _people(assessor, manager):
                    yield Due(person, "supervision.overdue", registration, next_due, text, support_link)
            elif 0 <= (next_due - today).days <= SUPERVISION_NOTICE_DAYS:
                text = f"Supervision for {name} is due by {next_due:%-d %B %Y}"
                for person in _people(assessor):
                    yield Due(person, "supervision.due", registration, next_due, text, support_link)


def transfer_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    """Transfer requests waiting for this employer (the new one) to accept or decline, to its
    co-ordinators, once per request."""
    waiting = RegistrationTransfer.objects.filter(
        to_employer_id=employer_id,
        status=RegistrationTransfer.Status.REQUESTED,
        requested_at__date__lte=today - datetime.timedelta(days=TRANSFER_WAITING_DAYS),
    ).order_by("pk")
    coordinators = people_with_role(employer_id, Role.COORDINATOR)
    for transfer in waiting:
        text = f"A transfer of {transfer.full_name} to your organisation is waiting for your decision"
        link = reverse("programmes:transfer_incoming", args=[transfer.pk])
        for person in coordinators:
            yield Due(person, "transfer.waiting", transfer, transfer.requested_at.date(), text, link)


DIGEST_SNAPSHOT = "programmes.weekly_flags"
# The digest's words for each flag, shortest first, as "cleared" counts.
CLEARED_WORDS = {
    "reviews_due": "review due",
    "overdue": "work overdue",
    "supervision": "supervision",
    "protected": "protected time",
    "caseload": "caseload",
}


def week_changes(now: dict[str, list[int]], last_week: dict | None, *, still_open: set[int]) -> str:
    """What changed since last week's digest: flags newly raised, and flags cleared (raised last week on
    a registration still in progress, and not now). Empty without last week's snapshot (the first week,
    or after a gap), so the digest never claims a clearance it cannot know."""
    if last_week is None:
        return ""
    new = sum(len(set(ids) - set(last_week.get(flag, []))) for flag, ids in now.items())
    cleared = {flag: len((set(last_week.get(flag, [])) & still_open) - set(ids)) for flag, ids in now.items()}
    total = sum(cleared.values())
    detail = ", ".join(f"{n} {CLEARED_WORDS[flag]}" for flag, n in cleared.items() if n)
    return f". Since last week: {new} new flag{'s' if new != 1 else ''}, {total} cleared" + (
        f" ({detail})" if detail else ""
    )


def weekly_reminders(*, employer_id: int, today: datetime.date) -> Iterator[Due]:
    """Protected time under its target and caseload over the cap, to the line manager and the
    co-ordinators; and each co-ordinator's digest of the week's flags. Due on the week's Monday, so each
    goes once a week."""
    registrations = _open_registrations(employer_id)
    progress = registration_progress(registrations, today=today)
    coordinators = people_with_role(employer_id, Role.COORDINATOR)
    monday = week_start(today)
    flagged = {"protected": 0, "caseload": 0, "supervision": 0, "reviews_due": 0, "overdue": 0}
    # Which registrations carry each flag this week, kept so next week's digest can say what cleared.
    who: dict[str, list[int]] = {flag: [] for flag in flagged}
    for registration in registrations:
        p = progress[registration.pk]
        name = registration.full_name
        link = reverse("support:registration", args=[registration.pk])
        raised = {
            "supervision": p.supervision_held < p.supervision_due,
            "reviews_due": any(i.kind in REVIEW_KINDS and i.state == ItemState.DUE for i in p.items),
            "overdue": any(i.state == ItemState.OVERDUE for i in p.items),
            "protected": p.protected.flagged,
            "caseload": p.latest_caseload is not None
            and p.caseload_cap is not None
            and p.latest_caseload > p.caseload_cap,
        }
        for flag, on in raised.items():
            if on:
                who[flag].append(registration.pk)
        flagged["supervision"] += raised["supervision"]
        flagged["reviews_due"] += raised["reviews_due"]
        flagged["overdue"] += raised["overdue"]
        if p.protected.flagged:
            flagged["protected"] += 1
            text = (
                f"Protected development time for {name} is below target: {p.protected.hours_text} of "
                f"{p.protected.target.normalize():f} hours so far"
            )
            for person in _people(registration.line_manager, *coordinators):
                yield Due(person, "protected_time.below_target", registration, monday, text, link)
        if (
            p.latest_caseload is not None
            and p.caseload_cap is not None
            and p.latest_caseload > p.caseload_cap
        ):
            flagged["caseload"] += 1
            cap = f"{p.caseload_cap.normalize():f}"
            text = f"The caseload of {name} ({p.latest_caseload}) is over the cap of {cap}"
            for person in _people(registration.line_manager, *coordinators):
                yield Due(person, "caseload.over_cap", registration, monday, text, link)
    last_week = weekly_snapshot_swap(employer_id=employer_id, kind=DIGEST_SNAPSHOT, week=monday, data=who)
    if not coordinators or not registrations:
        return
    summary = (
        f"Your week: {len(registrations)} NQSWs in progress; {flagged['reviews_due']} with a review due, "
        f"{flagged['overdue']} with work overdue, {flagged['supervision']} behind on supervision, "
        f"{flagged['protected']} below protected time, {flagged['caseload']} over the caseload cap"
        f"{week_changes(who, last_week, still_open={r.pk for r in registrations})}"
    )
    employer = registrations[0].employer
    for person in coordinators:
        yield Due(person, "coordinator.weekly_digest", employer, monday, summary, reverse("programmes:list"))


SCANS = [
    Scan(
        "programmes.timeline",
        DAILY,
        "Reviews opening, due in 14 and 7 days and overdue (NQSW and assessor; overdue also co-ordinators); "
        "observations behind schedule (NQSW, assessor); learning agreement unsigned a month after the start "
        "(NQSW, assessor, line manager); supervision due in 3 days (assessor) and overdue (assessor, line "
        "manager)",
        timeline_reminders,
    ),
    Scan(
        "programmes.transfers",
        DAILY,
        "Transfer requests waiting 3 days or more (the new employer's co-ordinators)",
        transfer_reminders,
    ),
    Scan(
        "programmes.weekly",
        WEEKLY,
        "Protected time below target and caseload over the cap (line manager, co-ordinators); the "
        "co-ordinator's weekly digest of flags",
        weekly_reminders,
    ),
]
