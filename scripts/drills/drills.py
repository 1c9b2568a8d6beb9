# ruff: noqa: S603, S607 - runs this project's own tools with fixed arguments; SQL names are fixed.
"""The fault drills (issue #19): each breaks one part of a running stack while people use it, then checks
that nothing was lost or half-written and that nobody saw a traceback. Run one with its script:

    scripts/drills/postgres-restart     scripts/drills/redis-restart     scripts/drills/worker-kill
    scripts/drills/storage-full         scripts/drills/web-worker-kill   scripts/drills/all

Each prints what happened and writes ``scripts/drills/results/<name>.json``; it exits non-zero if a check
failed. ``docs/operations.md`` (Fault drills) says what the last runs found.
"""

from __future__ import annotations

import itertools
import json
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    PYTHON,
    ROOT,
    Platform,
    Tally,
    Traffic,
    form_token,
    say,
    sign_in,
    stage,
    write_result,
)

COORDINATOR = "coordinator@demo.example"
NQSW = "nqsw@demo.example"
SWE_PREFIX = "SW8888"

CREDENTIAL_CODE = """
import uuid
from asye.accounts.actor import build_actor
from asye.accounts.models import User
from asye.api.services import api_token_create
from asye.tenancy.db import tenant_context, tenant_settings
from asye.tenancy.models import Employer
user = User.objects.get(email="coordinator@demo.example")
employer = Employer.objects.get(name="Demo County Council")
with tenant_settings(user_id=user.pk):
    actor = build_actor(user, employer_id=employer.pk)
with tenant_context(employer.pk):
    print(api_token_create(actor=actor, name=f"fault drill {uuid.uuid4()}").secret)
"""


def api_token(platform: Platform) -> str:
    out = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "shell", "-c", CREDENTIAL_CODE],
        env=platform.env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


class Registrar:
    """An API client registering NQSWs as a well-behaved HR system does: each with its own
    Idempotency-Key, sent again with the same key after an error or a lost answer, until it has an answer."""

    series = itertools.count(1)  # each drill's registrar its own numbers, so drills can share one stack

    def __init__(self, platform: Platform, token: str):
        self.platform = platform
        self.prefix = f"{SWE_PREFIX}{next(Registrar.series)}"
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.sent: dict[str, dict] = {}  # key -> {"swe": ..., "final": status or None}
        self.numbers = itertools.count(1)

    def _body(self, number: int) -> dict:
        today = time.strftime("%Y-%m-%d")
        return {
            "first_name": "Drill",
            "last_name": f"Person {number}",
            "email": f"drill.{number}@example.org",
            "swe_number": f"{self.prefix}{number:05d}",
            "qualification_date": "2025-07-01",
            "start_date": today,
            "contracted_hours": "37",
            "service_area": "child_and_family",
        }

    def step(self, tally: Tally) -> None:
        number = next(self.numbers)
        key = str(uuid.uuid4())
        body = self._body(number)
        self.sent[key] = {"swe": body["swe_number"], "final": None}
        for _attempt in range(60):
            try:
                response = requests.post(
                    f"{self.platform.base}/api/v1/registrations/",
                    data=json.dumps(body),
                    headers={**self.headers, "Idempotency-Key": key},
                    timeout=30,
                )
            except requests.RequestException as error:
                tally.record("API register", None, error)
                time.sleep(0.5)
                continue
            tally.record("API register", response)
            if response.status_code < 500 and response.status_code != 429:
                self.sent[key]["final"] = response.status_code
                return
            time.sleep(0.5)


def reader(platform: Platform, email: str, paths: list[str]):
    session = sign_in(platform.base, email)

    def step(tally: Tally) -> None:
        for path in paths:
            try:
                response = session.get(f"{platform.base}{path}", timeout=30)
            except requests.RequestException as error:
                tally.record(f"GET {path}", None, error)
                time.sleep(0.3)
                continue
            tally.record(f"GET {path}", response)
            time.sleep(0.1)

    return step


def recovers(platform: Platform, timeout: float = 60) -> float:
    """Seconds until the health check and a signed-in page both answer normally again."""
    started = time.monotonic()
    platform.wait_healthy(timeout)
    session = sign_in(platform.base, COORDINATOR)
    while time.monotonic() - started < timeout:
        if session.get(f"{platform.base}/registrations/", timeout=30).status_code == 200:
            return round(time.monotonic() - started, 1)
        time.sleep(0.5)
    raise SystemExit("the platform did not recover")


def registrations_checked(platform: Platform, registrar: Registrar) -> dict:
    """Every registration the API confirmed exists once with its audit event; none exists twice; a
    registration never confirmed either exists whole (its answer was lost) or not at all."""
    pg = platform.postgres
    rows = pg.query(
        "SELECT r.swe_number, count(*) FROM programmes_registration r WHERE r.swe_number LIKE %s GROUP BY 1",
        (f"{registrar.prefix}%",),
    )
    counts = dict(rows)
    audited = dict(
        pg.query(
            "SELECT r.swe_number, count(a.id) FROM programmes_registration r LEFT JOIN audit_auditevent a "
            "ON a.object_id = r.id::text AND a.action = 'registration.created' "
            "WHERE r.swe_number LIKE %s GROUP BY 1",
            (f"{registrar.prefix}%",),
        )
    )
    confirmed = [v["swe"] for v in registrar.sent.values() if v["final"] == 201]
    failures = []
    failures += [f"{swe} confirmed but missing" for swe in confirmed if counts.get(swe, 0) != 1]
    failures += [f"{swe} registered {n} times" for swe, n in counts.items() if n > 1]
    failures += [f"{swe} has no audit event" for swe in counts if audited.get(swe, 0) < 1]
    return {
        "sent": len(registrar.sent),
        "confirmed": len(confirmed),
        "unanswered_at_end": sum(1 for v in registrar.sent.values() if v["final"] is None),
        "in_database": len(counts),
        "failures": failures,
    }


def finish(name: str, result: dict, failures: list[str]) -> int:
    result["failures"] = failures
    result["passed"] = not failures
    write_result(name, result)
    print(json.dumps(result, indent=2, default=str))
    say(f"{name}: {'PASSED' if not failures else 'FAILED'}")
    return 0 if not failures else 1


def _under_load(platform: Platform, fault, *, before: float = 6, after: float = 15) -> tuple[dict, Registrar]:
    registrar = Registrar(platform, api_token(platform))
    tally = Tally()
    steps = [
        registrar.step,
        registrar.step,
        reader(platform, COORDINATOR, ["/registrations/", "/"]),
        reader(platform, NQSW, ["/"]),
    ]
    with Traffic(steps, tally):
        time.sleep(before)
        fault_notes = fault()
        time.sleep(after)
    report = tally.report()
    report["fault"] = fault_notes
    return report, registrar


# --- the drills -------------------------------------------------------------------------------------


def postgres_restart(platform: Platform) -> int:
    """PostgreSQL stops as if it crashed (immediate mode) under load, and comes back 5 s later."""

    def fault():
        say("PostgreSQL: immediate stop")
        platform.postgres.stop("immediate")
        time.sleep(5)
        platform.postgres.start()
        say("PostgreSQL: started again")
        return "pg_ctl stop -m immediate; 5 s down; pg_ctl start"

    report, registrar = _under_load(platform, fault)
    report["recovered_in_s"] = recovers(platform)
    report["registrations"] = registrations_checked(platform, registrar)
    failures = [f"{p} (x{n})" for p, n in report["problems"]] + report["registrations"]["failures"]
    return finish("postgres-restart", report, failures)


def _pack_jobs(platform: Platform, count: int, offset: int) -> list[int]:
    """Start portfolio-pack jobs as the co-ordinator (each a PDF of a different NQSW's portfolio)."""
    ids = [
        row[0]
        for row in platform.postgres.query(
            "SELECT r.id FROM programmes_registration r JOIN tenancy_employer e ON e.id = r.employer_id "
            "JOIN portfolios_portfolio p ON p.registration_id = r.id "
            "WHERE e.name = 'Demo County Council' ORDER BY r.id LIMIT %s OFFSET %s",
            (count, offset),
        )
    ]
    session = sign_in(platform.base, COORDINATOR)
    for pk in ids:
        session.get(f"{platform.base}/portfolio/{pk}/pack/", timeout=60, allow_redirects=False)
    return ids


def _jobs_state(platform: Platform, since: float) -> dict:
    rows = platform.postgres.query(
        "SELECT status, count(*) FROM jobs_job WHERE created_at >= to_timestamp(%s) GROUP BY 1", (since,)
    )
    return dict(rows)


def _wait_jobs_finished(platform: Platform, since: float, timeout: float) -> tuple[dict, float]:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        state = _jobs_state(platform, since)
        if not any(state.get(s) for s in ("queued", "running")):
            return state, round(time.monotonic() - started, 1)
        time.sleep(2)
    return _jobs_state(platform, since), round(time.monotonic() - started, 1)


def redis_restart(platform: Platform) -> int:
    """Redis (cache and Celery's broker) is killed and comes back empty: queued tasks are gone."""
    since = time.time()

    def fault():
        platform.stop_process(platform.worker)  # nothing takes the jobs before Redis goes
        _pack_jobs(platform, 3, 0)
        say("Redis: killed with the jobs' messages in it")
        platform.redis.stop()
        time.sleep(5)
        platform.redis.start()
        platform.start_worker()
        say("Redis: started again, empty; worker started")
        return "3 portfolio-pack jobs queued; redis killed; 5 s down; started empty; worker started"

    report, registrar = _under_load(platform, fault)
    report["recovered_in_s"] = recovers(platform)
    report["jobs"], report["jobs_finished_after_s"] = _wait_jobs_finished(platform, since, 240)
    report["registrations"] = registrations_checked(platform, registrar)
    failures = [f"{p} (x{n})" for p, n in report["problems"]] + report["registrations"]["failures"]
    if not report["jobs"].get("done") or set(report["jobs"]) != {"done"}:
        failures.append(f"jobs after the restart: {report['jobs']}")
    return finish("redis-restart", report, failures)


def worker_kill(platform: Platform) -> int:
    """The Celery worker (its main process and its pool) is killed with SIGKILL while it makes a PDF."""
    since = time.time()
    _pack_jobs(platform, 2, 10)
    for _ in range(200):
        if _jobs_state(platform, since).get("running"):
            break
        time.sleep(0.1)
    state_at_kill = _jobs_state(platform, since)
    say(f"jobs at the kill: {state_at_kill}; SIGKILL to the worker and its pool")
    children = Path(f"/proc/{platform.worker.pid}/task/{platform.worker.pid}/children").read_text().split()
    platform.worker.send_signal(signal.SIGKILL)
    for pid in children:
        subprocess.run(["kill", "-9", pid], check=False)
    platform.worker.wait()
    time.sleep(2)
    platform.start_worker()
    report = {"jobs_at_kill": state_at_kill}
    report["jobs"], report["jobs_finished_after_s"] = _wait_jobs_finished(platform, since, 240)
    files = platform.postgres.query(
        "SELECT count(*), count(DISTINCT result) FROM jobs_job WHERE created_at >= to_timestamp(%s) "
        "AND status = 'done' AND result <> ''",
        (since,),
    )[0]
    report["result_files"] = {"jobs_with_a_file": files[0], "distinct_files": files[1]}
    failures = []
    if not state_at_kill.get("running"):
        failures.append("no job was running when the worker was killed (the drill did not test anything)")
    if not report["jobs"].get("done") or set(report["jobs"]) != {"done"}:
        failures.append(f"jobs after the kill: {report['jobs']}")
    return finish("worker-kill", report, failures)


def storage_full(platform: Platform) -> int:
    """The upload storage has no space left when an NQSW adds a file to their evidence."""
    media = platform.media
    evidence = platform.postgres.query(
        "SELECT ev.id FROM portfolios_evidence ev JOIN portfolios_portfolio p ON p.id = ev.portfolio_id "
        "JOIN programmes_registration r ON r.id = p.registration_id "
        "JOIN accounts_user u ON u.id = r.nqsw_id "
        "WHERE u.email = %s AND ev.status = 'draft' ORDER BY ev.id LIMIT 1",
        (NQSW,),
    )[0][0]
    files_before = _file_rows(platform)
    filler = media / "filler"
    subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], stderr=subprocess.DEVNULL, check=False)
    say(f"storage full: {subprocess.run(['df', '-h', str(media)], capture_output=True, text=True).stdout}")
    session = sign_in(platform.base, NQSW)
    tally = Tally()
    full = _upload(platform, session, evidence, tally)
    after_full = _file_rows(platform)
    filler.unlink()
    space = _upload(platform, session, evidence, tally)
    after_space = _file_rows(platform)
    missing = [name for name in after_space["names"] if not (media / name).exists()]
    on_disk = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file() and "/evidence/" in str(p)}
    orphans = sorted(on_disk - set(after_space["names"]))
    report = {
        "answer_when_full": full,
        "answer_with_space": space,
        "file_rows": {
            "before": files_before["count"],
            "full": after_full["count"],
            "space": after_space["count"],
        },
        "rows_without_a_file": missing,
        "files_without_a_row": orphans,
        **tally.report(),
    }
    failures = [f"{p} (x{n})" for p, n in report["problems"]]
    if report["file_rows"]["full"] != report["file_rows"]["before"]:
        failures.append("a file row was saved although its file could not be stored")
    if report["file_rows"]["space"] != report["file_rows"]["before"] + 1:
        failures.append("the upload did not succeed once there was space")
    if missing:
        failures.append(f"rows without their file: {missing}")
    if report["files_without_a_row"]:
        failures.append(f"partly written files left behind: {report['files_without_a_row']}")
    if "could not be saved" not in full.get("text", "") and full.get("status") != 503:
        failures.append("the person was not told clearly that the file could not be saved")
    return finish("storage-full", report, failures)


def _file_rows(platform: Platform) -> dict:
    rows = platform.postgres.query("SELECT storage_name FROM portfolios_evidencefile ORDER BY id")
    return {"count": len(rows), "names": [r[0] for r in rows]}


def _upload(platform: Platform, session, evidence: int, tally: Tally) -> dict:
    url = f"{platform.base}/portfolio/evidence/{evidence}/files/add/"
    token = form_token(session, url)
    page = session.get(url, timeout=30).text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = session.post(
        url,
        data={"csrfmiddlewaretoken": token, "version": version},
        files={"file": ("notes.pdf", b"%PDF-1.4\n" + b"x" * 200_000 + b"\n%%EOF\n", "application/pdf")},
        headers={"Referer": url},
        timeout=60,
    )
    tally.record("upload", response)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))
    summary = re.search(r"There is a problem(.{0,200})", text)
    return {"status": response.status_code, "text": summary.group(0) if summary else text[:200]}


def web_worker_kill(platform: Platform) -> int:
    """A gunicorn worker is killed with SIGKILL in the middle of requests, five times, two seconds apart."""

    def fault():
        killed = []
        for _ in range(5):
            workers = platform.web_workers()
            if workers:
                subprocess.run(["kill", "-9", str(workers[0])], check=False)
                killed.append(workers[0])
            time.sleep(2)
        return f"SIGKILL to web workers {killed}"

    report, registrar = _under_load(platform, fault, before=4, after=10)
    report["recovered_in_s"] = recovers(platform)
    report["web_workers_after"] = len(platform.web_workers())
    report["registrations"] = registrations_checked(platform, registrar)
    failures = [f"{p} (x{n})" for p, n in report["problems"]] + report["registrations"]["failures"]
    if report["web_workers_after"] != 2:
        failures.append(f"gunicorn has {report['web_workers_after']} workers after the drill")
    return finish("web-worker-kill", report, failures)


DRILLS = {
    "postgres-restart": postgres_restart,
    "redis-restart": redis_restart,
    "worker-kill": worker_kill,
    "storage-full": storage_full,
    "web-worker-kill": web_worker_kill,
}


def main(argv: list[str]) -> int:
    names = list(DRILLS) if argv[1:] == ["all"] else argv[1:]
    if not names or any(name not in DRILLS for name in names):
        print(f"usage: drills.py {{{','.join(DRILLS)}}}... | all", file=sys.stderr)
        return 2
    with stage() as platform:  # one stack; each drill leaves it working for the next
        return max([DRILLS[name](platform) for name in names])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
