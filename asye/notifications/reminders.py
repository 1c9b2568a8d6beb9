"""Reminders as scheduled scans, worked out from the records each day (or week).

Each domain app declares its scans in ``<app>/reminders.py`` as ``SCANS = [Scan(...)]``, listed in
``settings.ASYE_CONTRIBUTIONS["reminders"]``. A scan's ``find(employer_id=, today=)`` runs in that
employer's tenant context and yields ``Due`` reminders: who, what kind, about which record, for which due
date, the message and the page that needs action. The runner delivers each through the sent-log
(``ReminderSent``, unique per person, kind, record and due date) in the transaction that writes the
notification and queues the email, so each reminder reaches each person once however often a scan runs or
a task is redelivered, and a reminder whose task was lost is found again by the next scan.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from django.db import connection, transaction

from asye import clock
from asye.contributions import contributions
from asye.notifications.models import ScanRun
from asye.notifications.outbox import about_of
from asye.notifications.services import notify
from asye.tenancy.db import system_national_context, tenant_context

logger = logging.getLogger(__name__)

DAILY = "daily"
WEEKLY = "weekly"
CADENCES = (DAILY, WEEKLY)
COUNTS = ("scanned", "due", "sent", "skipped_already_sent")


@dataclass(frozen=True)
class Due:
    """One reminder a scan found: ``person`` (a user) should hear ``message`` about ``about`` (a record),
    due ``due_on``; ``link`` is the page where they act."""

    person: object
    kind: str
    about: object
    due_on: datetime.date
    message: str
    link: str = ""


@dataclass(frozen=True)
class Scan:
    """A scan an app declares: its name, daily or weekly, who it reminds and when (for the docs and the
    national jobs page), and ``find(employer_id=, today=) -> Iterable[Due]``."""

    name: str
    cadence: str
    description: str
    find: Callable[..., Iterable[Due]]
    # A national scan (records with no employer, like the national forums): ``find(today=)`` runs once, in
    # the system's national context, and ``claim(due) -> bool`` writes the app's own national sent-log
    # row (False: already sent). Its notifications have no employer, so no employer's request reads them.
    national: bool = False
    claim: Callable[[Due], bool] | None = None
    # A scan whose reminders go to an address with no account (``Due.person`` is then the record that
    # holds the address): ``send(due) -> bool`` delivers one itself, once, through the app's own sent-log
    # (False: already sent), in the scan's transaction and tenant context.
    send: Callable[[Due], bool] | None = None


def all_scans(cadence: str | None = None, *, national: bool = False) -> list[Scan]:
    found = [scan for module in contributions("reminders") for scan in module.SCANS]
    return [
        scan for scan in found if (cadence is None or scan.cadence == cadence) and scan.national == national
    ]


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week: a weekly reminder's due date, so it goes once a week."""
    return day - datetime.timedelta(days=day.weekday())


def reminder_send_once(*, employer_id: int, due: Due) -> bool:
    """Deliver one reminder unless the sent-log already has it: in the caller's transaction and tenant
    context, the log row, the notification and the queued email commit together or not at all."""
    about_type, about_id = about_of(due.about)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO notifications_remindersent "
            "(employer_id, person_id, kind, about_type, about_id, due_on, sent_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
            [employer_id, due.person.pk, due.kind, about_type, about_id, due.due_on, clock.now()],
        )
        inserted = cursor.fetchone() is not None
    if inserted:
        notify(
            person=due.person,
            employer_id=employer_id,
            kind=due.kind,
            message=due.message,
            link=due.link,
        )
    return inserted


def _run_scans(
    scans: Iterable[Scan],
    *,
    job: str,
    employer_id: int | None,
    context: Callable[[], AbstractContextManager],
    deliver: Callable[[Scan], tuple[int, int]],
    failure: tuple,
) -> Counter:
    """Run each scan in a transaction of its own inside ``context()`` (an employer's tenant context or the
    system's national context): ``deliver(scan)`` finds its reminders and sends them, answering how many
    were due and how many sent. A failing scan is logged (``failure``: the message and its arguments after
    the scan's name) and recorded and the others still run; the run and its counts are kept as a
    ``ScanRun``. Returns the counts and, under ``failed``, how many scans failed."""
    counts: Counter = Counter(dict.fromkeys(COUNTS, 0))
    with context():
        run = ScanRun.objects.create(employer_id=employer_id, job=job, started_at=clock.now())
    errors = []
    for scan in scans:
        try:
            with context(), transaction.atomic():
                due, sent = deliver(scan)
        except Exception as error:
            message, *args = failure
            logger.exception(message, scan.name, *args)
            errors.append(f"{scan.name}: {type(error).__name__}")
            counts["failed"] += 1
            continue
        counts["scanned"] += 1
        counts["due"] += due
        counts["sent"] += sent
        counts["skipped_already_sent"] += due - sent
    with context():
        ScanRun.objects.filter(pk=run.pk).update(
            status=ScanRun.Status.FAILED if errors else ScanRun.Status.DONE,
            finished_at=clock.now(),
            counts=dict(counts),
            error="; ".join(errors)[:300],
        )
    return counts


def run_employer(*, employer_id: int, cadence: str | None, today: datetime.date) -> Counter:
    """Run every scan of ``cadence`` (None: all) for one employer, each in a transaction of its own in the
    employer's tenant context; a failing scan is recorded and the others still run. Returns the counts
    and, under ``failed``, how many scans failed."""

    def deliver(scan: Scan) -> tuple[int, int]:
        found = list(scan.find(employer_id=employer_id, today=today))
        if scan.send is not None:
            return len(found), sum(scan.send(due) for due in found)
        return len(found), sum(reminder_send_once(employer_id=employer_id, due=due) for due in found)

    return _run_scans(
        all_scans(cadence),
        job=f"reminders.{cadence or 'all'}",
        employer_id=employer_id,
        context=lambda: tenant_context(employer_id),
        deliver=deliver,
        failure=("Reminder scan %s failed for employer %s", employer_id),
    )


def national_send_once(*, scan: Scan, due: Due) -> bool:
    """Deliver one reminder of a national scan unless its sent-log has it: the log row (``scan.claim``) and
    the notification (no employer) commit together or not at all."""
    if not scan.claim(due):
        return False
    notify(person=due.person, employer_id=None, kind=due.kind, message=due.message, link=due.link)
    return True


def run_national(*, cadence: str | None, today: datetime.date) -> Counter:
    """Run every national scan of ``cadence`` (None: all) once, each in a transaction of its own in the
    system's national context; a failing scan is recorded and the others still run."""
    scans = all_scans(cadence, national=True)
    if not scans:
        return Counter(dict.fromkeys(COUNTS, 0))

    def deliver(scan: Scan) -> tuple[int, int]:
        found = list(scan.find(today=today))
        return len(found), sum(national_send_once(scan=scan, due=due) for due in found)

    return _run_scans(
        scans,
        job=f"reminders.national.{cadence or 'all'}",
        employer_id=None,
        context=system_national_context,
        deliver=deliver,
        failure=("National reminder scan %s failed",),
    )


def employer_ids() -> list[int]:
    from asye.tenancy.models import Employer

    with system_national_context():
        return list(Employer.objects.order_by("pk").values_list("pk", flat=True))


def run_all(*, cadence: str | None = None, today: datetime.date | None = None) -> Counter:
    """Every scan for every employer, here and now (the ``reminders --run-now`` command); one employer's
    failure does not stop the others."""
    today = today or clock.today()
    total: Counter = Counter(dict.fromkeys(COUNTS, 0))
    for employer_id in employer_ids():
        try:
            total.update(run_employer(employer_id=employer_id, cadence=cadence, today=today))
        except Exception:
            logger.exception("Reminders failed for employer %s", employer_id)
            total["failed"] += 1
    total.update(run_national(cadence=cadence, today=today))
    return total


def people_with_role(employer_id: int, role: str) -> list:
    """The active people holding ``role`` at the employer (co-ordinators, say), in a fixed order."""
    from asye.accounts.models import Membership, User

    ids = Membership.objects.active().filter(employer_id=employer_id, role=role).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))
