# ruff: noqa: S603, S607 - runs this project's own tools (gunicorn, locust, psql, git) with fixed arguments.
"""Load test: gunicorn (2 sync workers) on PostgreSQL as the application role, driven by locust.

For each database (``--scales 1,100`` means asye_bench1 and asye_bench100, built by benchmarks/generate.py
when missing or with ``--generate``), this script:

1. prepares the run in a Django process of its own (an API token for Demo County Council, one of its
   registrations, the funding year with most registrations, the largest employer's co-ordinator);
2. starts gunicorn with the project's WSGI application, 2 sync workers, ``benchmarks.settings_bench``
   (production settings with DEBUG off, PostgreSQL as ``asye_app`` with row-level security in force, Redis;
   no second factor for the demo logins, and the two bare baseline views), and signs in through the real
   sign-in page as the co-ordinator and as national staff;
3. at the scales in ``--load-scales`` (default 1): for each number of users (1, 10, 50, 100) and each round
   (3), runs locust headless against each endpoint in turn, interleaved (the bare view first, then the
   others, so the baseline is always measured minutes, not hours, from what it is compared with), and
   reads the gunicorn workers' CPU time from /proc/<pid>/stat before and after each run: throughput,
   p50/p95/p99 and worker CPU per request, and the ratios against the bare view of the same round; the
   tables give the median over the rounds;
4. at every scale: times each national page, and the largest employer's registrations list (plain and
   filtered), one request at a time as a single user;
5. writes benchmarks/results/load.json and benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/load.py --scales 1,100 [--load-scales 1] [--users 1,10,50,100] \
        [--rounds 3] [--duration 10] [--generate]

The same file is locust's user file: locust loads it with BENCH_PATH set (the driver does that).
"""

from __future__ import annotations

import os

if os.environ.get("BENCH_PATH"):  # loaded by locust: one endpoint, hit as fast as the server answers
    import json as _json

    from locust import HttpUser, constant, task

    class BenchUser(HttpUser):
        wait_time = constant(0)

        def on_start(self):
            self.client.headers.update(_json.loads(os.environ.get("BENCH_HEADERS", "{}")))

        @task
        def hit(self):
            with self.client.get(
                os.environ["BENCH_PATH"],
                name=os.environ.get("BENCH_NAME", "endpoint"),
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")


import argparse
import csv
import json
import platform
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benchmarks" / "results"
DEFAULT_RESULTS = ROOT / "benchmarks" / "RESULTS.md"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DEMO_PASSWORD = "demo-asye-2026!"  # noqa: S105 - the published demo password (demo/national_picture.py)
TICKS = os.sysconf("SC_CLK_TCK")
STATIC_ROOT = os.environ.get(
    "ASYE_BENCH_STATIC_ROOT", os.path.join(tempfile.gettempdir(), "asye-bench-static")
)


def database_env(database: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_OWNER_URL", "ASYE_TESTING")}
    host = os.environ.get("ASYE_BENCH_PGHOST", "127.0.0.1:5432")
    env.update(
        DATABASE_URL=f"postgresql://asye_app@{host}/{database}",
        REDIS_URL=os.environ.get("ASYE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        ASYE_CACHE_PREFIX=f"asye-bench-{database}",
        DJANGO_SETTINGS_MODULE="benchmarks.settings_bench",
        PYTHONPATH=str(ROOT),
        ASYE_LOG_LEVEL="WARNING",
        ASYE_STATIC_ROOT=STATIC_ROOT,
    )
    return env


def deploy(database: str) -> None:
    """As a release does: apply migrations made since the data was built (as the owner role), and
    collect the static files (DEBUG is off, so pages need the hashed files' manifest)."""
    host = os.environ.get("ASYE_BENCH_PGHOST", "127.0.0.1:5432")
    owner = {**database_env(database), "DATABASE_OWNER_URL": f"postgresql://asye_owner@{host}/{database}"}
    subprocess.run([PYTHON, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"], env=owner, check=True)
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"],
        env=database_env(database),
        check=True,
    )


# --- 1. preparing a run (in a Django process of its own) ------------------------------------------


def prepare(database: str) -> dict:
    """Run with ``--prepare``: print what the run needs, made through the services as the app role."""
    os.environ.update(database_env(database))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from asye.accounts.actor import build_actor
    from asye.accounts.models import User
    from asye.api.services import api_token_create
    from asye.tenancy.db import tenant_context, tenant_settings
    from asye.tenancy.models import Employer
    from programmes.models import Registration

    dataset = json.loads((RESULTS_DIR / f"dataset-{database}.json").read_text())
    coordinator = User.objects.get(email="coordinator@demo.example")
    employer = Employer.objects.get(name="Demo County Council")
    with tenant_settings(user_id=coordinator.pk):
        actor = build_actor(coordinator, employer_id=employer.pk)
    with tenant_context(employer.pk):
        secret = api_token_create(actor=actor, name=f"load benchmark {time.time():.0f}").secret
        registration_id = Registration.objects.order_by("id").values_list("id", flat=True).first()
    by_year = dataset["registrations_by_funding_year"]
    return {
        "dataset": dataset,
        "api_token": secret,
        "registration_id": registration_id,
        "funding_year": max(by_year, key=lambda label: by_year[label]),
        "employer_id": employer.pk,
    }


# --- 2. the server and the sign-ins ---------------------------------------------------------------


@contextmanager
def gunicorn(database: str, port: int):
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "asye.wsgi:application",
        "--workers=2",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--timeout=60",
        "--chdir",
        str(ROOT),
    ]
    log = tempfile.NamedTemporaryFile("w+", prefix="bench-gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(command, env=database_env(database), stdout=log, stderr=log)
    try:
        import requests

        for _ in range(150):
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {log.name}")
            time.sleep(0.2)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def workers(master: int) -> list[int]:
    try:
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in text.split()]


def cpu_ticks(pids: list[int]) -> dict[int, int]:
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15 of stat)
    return ticks


def sign_in(base: str, email: str) -> dict[str, str]:
    """Sign in through the real sign-in page; returns the Cookie header of the signed-in session."""
    import requests

    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "login": email, "password": DEMO_PASSWORD},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=60,
    )
    if "sessionid" not in session.cookies or "accounts/login" in response.url:
        raise SystemExit(f"could not sign in as {email} (status {response.status_code}, at {response.url})")
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in session.cookies.items())}


# --- 3. load --------------------------------------------------------------------------------------


def endpoints(context: dict, coordinator: dict, national: dict) -> list[tuple[str, str, dict]]:
    api = {"Authorization": f"Bearer {context['api_token']}"}
    year = context["funding_year"]
    return [
        ("bare view", "/bench/bare/", {}),
        ("bare lookup", f"/bench/lookup/?id={context['employer_id']}", {}),
        ("healthz", "/healthz", {}),
        ("API registration detail", f"/api/v1/registrations/{context['registration_id']}/", api),
        ("API registration list", "/api/v1/registrations/", api),
        ("co-ordinator registrations", "/registrations/", coordinator),
        ("co-ordinator ?status=overdue", "/registrations/?status=overdue", coordinator),
        ("national outcomes", f"/national/outcomes/?funding_year={year}", national),
        ("national budget", "/national/funding/budget/", national),
    ]


def chosen(targets: list[tuple[str, str, dict]], names: str | None) -> list[tuple[str, str, dict]]:
    """The targets named in ``names`` (comma-separated; all without it), the bare view always first."""
    if not names:
        return targets
    wanted = {name.strip() for name in names.split(",")}
    unknown = wanted - {name for name, _, _ in targets}
    if unknown:
        raise SystemExit(f"No such endpoint: {', '.join(sorted(unknown))}")
    return [target for target in targets if target[0] == "bare view" or target[0] in wanted]


def locust_headless(
    base: str, extra_env: dict, users: int, duration: int, master: int, locustfile: str = __file__
) -> tuple[list[dict], list[dict], float, float]:
    """One headless locust run against gunicorn: locust's stats and failures rows (from its CSV files),
    the wall time, and the gunicorn workers' CPU milliseconds over the run."""
    with tempfile.TemporaryDirectory(prefix="bench-locust-") as folder:
        pids = workers(master)
        before, started = cpu_ticks(pids), time.perf_counter()
        subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "locust"),
                "-f",
                locustfile,
                "--headless",
                f"--users={users}",
                f"--spawn-rate={users}",
                f"--run-time={duration}s",
                f"--host={base}",
                f"--csv={folder}/run",
                "--only-summary",
                "--loglevel=ERROR",
                "--stop-timeout=30",
            ],
            env={**os.environ, **extra_env},
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
        after = cpu_ticks(pids)
        with open(f"{folder}/run_stats.csv") as handle:
            stats = list(csv.DictReader(handle))
        with open(f"{folder}/run_failures.csv") as handle:
            failures = list(csv.DictReader(handle))
    cpu_ms = sum(after[pid] - before.get(pid, after[pid]) for pid in after) * 1000 / TICKS
    return stats, failures, elapsed, cpu_ms


def summary(row: dict, cpu_ms: float, elapsed: float) -> dict:
    """A locust stats row as the report's figures; CPU per request over the row's requests."""
    count = int(row["Request Count"])
    return {
        "requests": count,
        "failures": int(row["Failure Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "cpu_ms_per_request": round(cpu_ms / count, 2) if count else None,
        "wall_s": round(elapsed, 1),
    }


def locust_run(
    base: str, name: str, path: str, headers: dict, users: int, duration: int, master: int
) -> dict:
    extra_env = {"BENCH_PATH": path, "BENCH_NAME": name, "BENCH_HEADERS": json.dumps(headers)}
    stats, _, elapsed, cpu_ms = locust_headless(base, extra_env, users, duration, master)
    return summary(next(r for r in stats if r["Name"] == name), cpu_ms, elapsed)


def with_ratios(result: dict, bare: dict | None) -> dict:
    """Adds the throughput and CPU-per-request ratios against the bare view of the same round."""
    if bare and bare["rps"] and result["rps"]:
        result["rps_ratio"] = round(result["rps"] / bare["rps"], 3)
    if bare and bare["cpu_ms_per_request"] and result["cpu_ms_per_request"]:
        result["cpu_ratio"] = round(result["cpu_ms_per_request"] / bare["cpu_ms_per_request"], 2)
    return result


def warm_up(base: str, targets) -> None:
    """Six requests to every (name, path, headers) target, so that both workers have served each."""
    import requests

    for name, path, headers in targets:
        for _ in range(6):
            status = requests.get(
                base + path, headers=headers, allow_redirects=False, timeout=120
            ).status_code
        print(f"  warm-up {name}: {status}", flush=True)


def run_load(base: str, targets, *, users_list, rounds, duration, master) -> list[dict]:
    warm_up(base, targets)
    runs = []
    for users in users_list:
        for round_number in range(1, rounds + 1):
            bare = None
            for name, path, headers in targets:
                result = locust_run(base, name, path, headers, users, duration, master)
                if name == "bare view":
                    bare = result
                with_ratios(result, bare)
                runs.append({"endpoint": name, "path": path, "users": users, "round": round_number, **result})
                print(f"  {users:>3} users round {round_number} {name:30} {result}", flush=True)
    return runs


def medians(runs: list[dict]) -> list[dict]:
    table = []
    keys = ("rps", "p50_ms", "p95_ms", "p99_ms", "cpu_ms_per_request", "rps_ratio", "cpu_ratio")
    for users in sorted({r["users"] for r in runs}):
        for name in dict.fromkeys(r["endpoint"] for r in runs):
            group = [r for r in runs if r["users"] == users and r["endpoint"] == name]
            row = {"endpoint": name, "users": users, "rounds": len(group)}
            for key in keys:
                values = [r[key] for r in group if r.get(key) is not None]
                row[key] = round(statistics.median(values), 3) if values else None
            row["failures"] = sum(r["failures"] for r in group)
            row["requests"] = sum(r["requests"] for r in group)
            table.append(row)
    return table


# --- 4. single-user page timings ------------------------------------------------------------------


def single_user(base: str, context: dict, national: dict, largest: dict, repeats: int) -> list[dict]:
    import requests

    year = context["funding_year"]
    pages = [
        ("national overview", "/national/", national),
        ("national employers", "/national/employers/", national),
        ("national audit", "/national/audit/", national),
        ("national review queue", "/national/registrations/", national),
        ("national moderation", "/national/moderation/", national),
        ("national good practice", "/national/moderation/good-practice/", national),
        ("national exemplars", "/national/moderation/exemplars/", national),
        ("national outcomes", f"/national/outcomes/?funding_year={year}", national),
        ("national funding overview", "/national/funding/", national),
        ("national claims", "/national/funding/claims/", national),
        ("national statements", "/national/funding/statements/", national),
        ("national grant applications", "/national/funding/grant-applications/", national),
        ("national budget", "/national/funding/budget/", national),
        ("largest employer: registrations", "/registrations/", largest),
        ("largest employer: ?status=overdue", "/registrations/?status=overdue", largest),
        ("largest employer: ?status=open", "/registrations/?status=open", largest),
        ("largest employer: ?status=review_due", "/registrations/?status=review_due", largest),
    ]
    rows = []
    for name, path, headers in pages:
        timings, statuses = [], set()
        for attempt in range(repeats + 1):  # the first is a warm-up
            started = time.perf_counter()
            try:
                status = requests.get(
                    base + path, headers=headers, allow_redirects=False, timeout=120
                ).status_code
            except requests.RequestException as error:
                status = type(error).__name__
            if attempt:
                timings.append(time.perf_counter() - started)
                statuses.add(status)
        row = {
            "page": name,
            "path": path,
            "median_s": round(statistics.median(timings), 3),
            "max_s": round(max(timings), 3),
            "status": "/".join(str(s) for s in sorted(statuses, key=str)),
        }
        rows.append(row)
        print(f"  {name:40} {row}", flush=True)
    return rows


# --- 5. the report --------------------------------------------------------------------------------


def machine() -> dict:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
        "?",
    )
    memory = next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    postgres = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "asye_app", "-d", "postgres", "-Atc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": postgres or "?",
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "load_average_at_start": os.getloadavg(),
    }


def fmt(value, digits=1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def write_markdown(report: dict, path: Path) -> None:
    m = report["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Written by `benchmarks/load.py` (see benchmarks/README.md). Rerun with the command below; every",
        "figure comes from that one run.",
        "",
        f"- Command: `{report['command']}`",
        f"- When: {report['when']}; commit {m['commit']}",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; {m['os']}; Python {m['python']}; "
        f"PostgreSQL {m['postgresql']}; load average at start "
        + ", ".join(f"{x:.2f}" for x in m["load_average_at_start"]),
        "- Server: gunicorn, 2 sync workers, `benchmarks.settings_bench` (DEBUG off, PostgreSQL as the "
        "application role `asye_app` with row-level security in force, Redis); locust on the same machine.",
        f"- Load: locust headless, no wait between requests, {report['duration_s']} s per run, "
        f"{report['rounds']} rounds, endpoints interleaved within each round (bare view first); "
        "tables show the median over the rounds. *CPU/req* is the gunicorn workers' user+system CPU "
        "(/proc/<pid>/stat) over the run divided by the requests served (PostgreSQL's own CPU is not in it); "
        "*x bare* compares with the bare view of the same round (throughput ratio; CPU ratio).",
        "",
    ]
    for scale in report["scales"]:
        data = scale["dataset"]["rows"]
        largest = scale["dataset"]["largest_employer"]
        lines += [
            f"## {scale['scale']}x a national year (`{scale['database']}`)",
            "",
            f"{data['tenancy_employer']:,} employers, {data['accounts_user']:,} people, "
            f"{data['programmes_registration']:,} registrations, {data['funding_claim']:,} claims, "
            f"{data['reviews_review']:,} reviews, {data['portfolios_evidence']:,} pieces of evidence, "
            f"{data['audit_auditevent']:,} audit events. Largest employer: {largest['name']} "
            f"({largest['registrations']:,} registrations). Funding year of the national pages: "
            f"{scale['funding_year']}. Built in {scale['dataset']['timings'].get('total_s', '?')} s.",
            "",
        ]
        if scale.get("load"):
            lines += [
                "### Under load",
                "",
                "| endpoint | users | req/s | x bare (req/s) | p50 ms | p95 ms | p99 ms | CPU/req ms "
                "| x bare (CPU) | failures |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for row in scale["load"]:
                lines.append(
                    f"| {row['endpoint']} | {row['users']} | {fmt(row['rps'])} | "
                    f"{fmt(row['rps_ratio'], 2)} | "
                    f"{fmt(row['p50_ms'], 0)} | {fmt(row['p95_ms'], 0)} | {fmt(row['p99_ms'], 0)} | "
                    f"{fmt(row['cpu_ms_per_request'], 1)} | {fmt(row['cpu_ratio'], 1)} | "
                    f"{row['failures']:,} of {row['requests']:,} |"
                )
            lines.append("")
        lines += [
            f"### One user at a time ({report['repeats']} requests after a warm-up)",
            "",
            "| page | median s | max s | status |",
            "|---|---:|---:|---|",
        ]
        for row in scale["single_user"]:
            lines.append(
                f"| {row['page']} (`{row['path']}`) | {row['median_s']:.3f} | {row['max_s']:.3f} "
                f"| {row['status']} |"
            )
        lines.append("")
    lines += [
        "## Reading these figures",
        "",
        "- locust, gunicorn's two workers and PostgreSQL share the machine's cores, and the load",
        "  average at the start (above) says what else was running: absolute throughput is this machine's",
        "  on that day. The ratios to the bare view, measured minutes apart in the same round, are what to",
        "  compare between runs.",
        "- At 50 and 100 users two sync workers queue the requests, so latency grows with the user count",
        "  while throughput stays flat; a run's in-flight requests are let finish, so a response slower than",
        "  the run still counts. CPU per request leaves out PostgreSQL's own CPU (a national page's",
        "  aggregates).",
        "- Single-user timings are wall-clock from the client, one request at a time, after a warm-up.",
        "",
    ]
    lines += report.get("notes", [])
    path.write_text("\n".join(lines) + "\n")


# --- the driver -----------------------------------------------------------------------------------


def ensure_dataset(scale: int, database: str, generate: bool) -> None:
    if generate or not (RESULTS_DIR / f"dataset-{database}.json").exists():
        command = [
            PYTHON,
            str(ROOT / "benchmarks" / "generate.py"),
            f"--scale={scale}",
            f"--database={database}",
        ]
        subprocess.run([*command, "--rebuild"], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prepare", metavar="DATABASE", help=argparse.SUPPRESS)
    parser.add_argument("--scales", default="1,100", help="comma-separated: 1, 10, 100 (default 1,100)")
    parser.add_argument("--load-scales", default="1", help="scales that get the load test (default 1)")
    parser.add_argument("--database-prefix", default="asye_bench", help="database = prefix + scale")
    parser.add_argument("--users", default="1,10,50,100")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per locust run")
    parser.add_argument("--repeats", type=int, default=3, help="timed requests per page, one user")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--generate", action="store_true", help="rebuild the databases first")
    parser.add_argument("--results", default=str(DEFAULT_RESULTS))
    parser.add_argument(
        "--endpoints",
        help="only these endpoints under load, by name, comma-separated (e.g. 'API registration detail'); "
        "the bare view always runs first as the baseline, and the single-user pages are skipped",
    )
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.prepare)))
        return

    base = f"http://127.0.0.1:{args.port}"
    report = {
        "command": ".venv/bin/python benchmarks/load.py " + shlex.join(sys.argv[1:]),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "duration_s": args.duration,
        "rounds": args.rounds,
        "repeats": args.repeats,
        "scales": [],
    }
    load_scales = {int(s) for s in args.load_scales.split(",") if s}
    for scale in [int(s) for s in args.scales.split(",")]:
        database = f"{args.database_prefix}{scale}"
        print(f"== {scale}x: {database}", flush=True)
        ensure_dataset(scale, database, args.generate)
        deploy(database)
        prepared = subprocess.run(
            [PYTHON, __file__, "--prepare", database], capture_output=True, text=True, check=True
        )
        context = json.loads(prepared.stdout.strip().splitlines()[-1])
        with gunicorn(database, args.port) as server:
            coordinator = sign_in(base, "coordinator@demo.example")
            national = sign_in(base, "national@demo.example")
            largest = sign_in(base, context["dataset"]["largest_employer"]["coordinator_email"])
            entry = {
                "scale": scale,
                "database": database,
                "dataset": context["dataset"],
                "funding_year": context["funding_year"],
            }
            if scale in load_scales:
                runs = run_load(
                    base,
                    chosen(endpoints(context, coordinator, national), args.endpoints),
                    users_list=[int(u) for u in args.users.split(",")],
                    rounds=args.rounds,
                    duration=args.duration,
                    master=server.pid,
                )
                entry["runs"], entry["load"] = runs, medians(runs)
            entry["single_user"] = (
                [] if args.endpoints else single_user(base, context, national, largest, args.repeats)
            )
        report["scales"].append(entry)
        # A partial run (another --results file) gets its JSON beside it; results/load.json is the report's.
        markdown = Path(args.results)
        default = markdown.resolve() == DEFAULT_RESULTS.resolve()
        figures = RESULTS_DIR / "load.json" if default else markdown.with_suffix(".json")
        figures.parent.mkdir(exist_ok=True)
        figures.write_text(json.dumps(report, indent=2, default=str) + "\n")
        write_markdown(report, markdown)
    print(f"wrote {args.results} and {figures}")


if __name__ == "__main__":
    main()
