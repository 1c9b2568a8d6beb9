"""The SIGKILL drill (issue #15, "Dependable"): a real Celery worker on Redis runs the daily reminder scan,
is killed with SIGKILL in the middle of it, and is started again; afterwards no reminder is missing and
none was sent twice (the sent-log in the database, late acknowledgement, the outbox's row lock).

It starts worker processes, so it runs only when asked:
``ASYE_DRILL=1 scripts/test tests/notifications/test_worker_drill.py -s`` (it prints what it saw).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from asye.celery import app
from asye.notifications import reminders
from asye.notifications.models import OutboxEmail, ReminderSent, ScanRun
from asye.notifications.tasks import reminders_scan
from asye.tenancy.db import tenant_context
from tests.conftest import _tenant
from tests.notifications.conftest import start_for_review_in
from tests.today import TODAY

pytestmark = pytest.mark.skipif(not os.environ.get("ASYE_DRILL"), reason="the SIGKILL drill: ASYE_DRILL=1")
EMPLOYERS = 12
ROOT = Path(__file__).resolve().parents[2]


def _worker(env) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "asye",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _done_employers(unscoped) -> int:
    with unscoped():
        return (
            ScanRun.objects.filter(employer__isnull=False, status=ScanRun.Status.DONE)
            .values("employer")
            .distinct()
            .count()
        )


def _emails(maildir: str) -> Counter:
    sent = Counter()
    for path in Path(maildir).iterdir():
        text = path.read_text(errors="replace")
        for message in text.split("-" * 79):
            to = next((line for line in message.splitlines() if line.startswith("To: ")), None)
            subject = next((line for line in message.splitlines() if line.startswith("Subject: ")), None)
            if to:
                sent[(to, subject)] += 1
    return sent


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_scan_leaves_nothing_missing_and_nothing_doubled(
    enrolled, unscoped, broker_url=None
):
    tenants = [_tenant(f"Drill{i:02d} Council") for i in range(EMPLOYERS)]
    for i, tenant in enumerate(tenants):
        enrolled(tenant, start_for_review_in(10), swe_number=f"SW6000{i:02d}")
    # What is due, worked out without sending anything.
    expected = 0
    for tenant in tenants:
        with tenant_context(tenant.employer.pk):
            expected += sum(
                len(list(s.find(employer_id=tenant.employer.pk, today=TODAY)))
                for s in reminders.all_scans("daily")
            )
    db = connection.settings_dict
    maildir = tempfile.mkdtemp(prefix="asye-drill-mail-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.drill_settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": app.conf.broker_url,
        "ASYE_DRILL_MAILDIR": maildir,
    }
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    started = time.monotonic()
    worker = _worker(env)
    killed_at = None
    try:
        reminders_scan.delay("daily")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = _done_employers(unscoped)
            if 2 <= done < EMPLOYERS:
                os.killpg(worker.pid, signal.SIGKILL)  # the worker this test started, and its children
                worker.wait()
                killed_at = done
                break
            time.sleep(0.1)
        assert killed_at is not None, "the scan finished (or never started) before it could be killed"
        worker = _worker(env)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with unscoped():
                pending = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).count()
            if _done_employers(unscoped) == EMPLOYERS and pending == 0:
                break
            time.sleep(0.5)
    finally:
        app.conf.CELERY_TASK_ALWAYS_EAGER = True
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=20)
    with unscoped():
        logged = ReminderSent.objects.count()
        sent = OutboxEmail.objects.filter(status=OutboxEmail.Status.SENT).count()
    emails = _emails(maildir)
    print(
        f"\ndrill: {EMPLOYERS} employers, {expected} reminders due; killed after {killed_at} employers; "
        f"sent-log {logged}, outbox sent {sent}, emails written {sum(emails.values())}, "
        f"doubled {sum(n - 1 for n in emails.values() if n > 1)}, took {time.monotonic() - started:.1f} s"
    )
    assert logged == expected, "a reminder is missing (or extra) in the sent-log"
    assert sent == expected and sum(emails.values()) == expected, "an email is missing"
    assert all(n == 1 for n in emails.values()), "an email was sent twice"
