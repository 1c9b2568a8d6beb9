# ruff: noqa: S603 - runs this project's own scripts with fixed arguments.
"""Mixed workload: the day's mix of people on one gunicorn (2 sync workers), beside the bare view.

Issue #19 item 4. Where ``load.py`` drives one endpoint at a time, this drives the pages of five kinds of
user at once, in the weights below, at each user count; the bare view runs first at each count, in the
same server, so throughput and worker CPU per request can be compared with it. It reuses load.py's
preparation, server, sign-in, CPU and locust functions, and writes benchmarks/results/load_mixed.json
and its own section of benchmarks/RESULTS.md (the rest of the file is left as it is).

    .venv/bin/python benchmarks/load_mixed.py [--scale 1] [--users 10,50,100] [--duration 20]

The weights are an assumption, not a measurement (no production traffic exists to measure): most requests
come from the many co-ordinators (about 200 employers, each running registrations all day) and NQSWs
(about 3,200, each on their home page and portfolio a few times a week); fewer from assessors (their
to-do list and reviews); API clients are employers' systems reading registrations; national staff are a
handful of people on heavy pages. Every simulated user sends its next request as soon as the last is
answered (no think time), as load.py does, so the figures are the server's capacity for this mix.

The same file is locust's user file: locust loads it with BENCH_MIX set (the driver does that).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

# role: (weight, signed in as, pages as (name, path template, weight)); {registration} (the NQSW's) and
# {year} are filled in from the preparation step.
MIX = {
    "co-ordinator": (
        30,
        "coordinator@demo.example",
        [
            ("co-ordinator: registrations list", "/registrations/", 3),
            ("co-ordinator: registration page", "/registrations/{registration}/", 3),
            ("co-ordinator: home", "/", 1),
        ],
    ),
    "NQSW": (
        30,
        "nqsw@demo.example",
        [("NQSW: home", "/", 1), ("NQSW: portfolio", "/portfolio/{registration}/", 2)],
    ),
    "assessor": (
        15,
        "assessor@demo.example",
        [("assessor: home (to-do)", "/", 1), ("assessor: reviews list", "/reviews/", 2)],
    ),
    "API client": (
        15,
        None,  # a bearer token for Demo County Council
        [
            ("API: registration detail", "/api/v1/registrations/{registration}/", 3),
            ("API: registration list", "/api/v1/registrations/", 1),
        ],
    ),
    "national staff": (
        10,
        "national@demo.example",
        [
            ("national: overview", "/national/", 1),
            ("national: outcomes", "/national/outcomes/?funding_year={year}", 1),
            ("national: reports", "/national/reports/", 1),
        ],
    ),
}

if os.environ.get("BENCH_MIX"):  # loaded by locust: one HttpUser class a role, weighted
    from locust import HttpUser, constant

    def _page_task(name: str, path: str):
        def task(user):
            with user.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")

        return task

    for _index, (_role, _spec) in enumerate(json.loads(os.environ["BENCH_MIX"]).items()):

        def _on_start(user, headers=_spec["headers"]):
            user.client.headers.update(headers)

        globals()[f"MixUser{_index}"] = type(
            f"MixUser{_index}",
            (HttpUser,),
            {
                "weight": _spec["weight"],
                "wait_time": constant(0),
                "on_start": _on_start,
                "tasks": {_page_task(name, path): weight for name, path, weight in _spec["pages"]},
                "__doc__": _role,
            },
        )


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402

HEADING = "## Mixed workload on the finished platform (issue #19)"


def prepare(database: str) -> dict:
    """Run with ``--prepare``: load.py's preparation, then each role's person (checked to hold the role
    in Demo County Council) and the NQSW's registration."""
    context = load.prepare(database)
    from asye.accounts.models import Membership
    from asye.tenancy.db import tenant_context
    from programmes.models import Registration

    employer_id = context["employer_id"]
    roles = {"co-ordinator": "coordinator", "NQSW": "nqsw", "assessor": "assessor"}
    with tenant_context(employer_id):
        for role, (_, email, _) in MIX.items():
            if (
                role in roles
                and not Membership.objects.filter(
                    employer_id=employer_id, role=roles[role], user__email=email, ended_at__isnull=True
                ).exists()
            ):
                raise SystemExit(f"{email} is not a {role} at Demo County Council in {database}")
        # The NQSW's registration: the co-ordinator's registration page, the API detail and the portfolio
        # (addressed by its registration) all read it.
        registration = Registration.objects.filter(nqsw__email=MIX["NQSW"][1]).values_list("id", flat=True)
        context["registration_id"] = registration.first() or context["registration_id"]
    return context


def mix_spec(context: dict, base: str) -> dict:
    """The roles as locust is given them: weight, the Cookie or Authorization header, and the pages."""
    values = {
        "registration": context["registration_id"],
        "year": context["funding_year"],
    }
    spec = {}
    for role, (weight, email, pages) in MIX.items():
        headers = load.sign_in(base, email) if email else {"Authorization": f"Bearer {context['api_token']}"}
        spec[role] = {
            "weight": weight,
            "headers": headers,
            "pages": [(name, path.format(**values), w) for name, path, w in pages],
        }
    return spec


def gunicorn_errors(master: int, since: int) -> list[str]:
    """The lines after ``since`` of the gunicorn log (its stderr) that report an error or a timeout."""
    log = Path(os.readlink(f"/proc/{master}/fd/2"))
    text = log.read_text(errors="replace")[since:]
    return [
        line for line in text.splitlines() if "Error" in line or "CRITICAL" in line or "Traceback" in line
    ]


def run_mix(base: str, spec: dict, *, users_list, duration, master) -> list[dict]:
    load.warm_up(base, [(name, path, s["headers"]) for s in spec.values() for name, path, _ in s["pages"]])
    log = Path(os.readlink(f"/proc/{master}/fd/2"))
    levels = []
    for users in users_list:
        bare = load.locust_run(base, "bare view", "/bench/bare/", {}, users, duration, master)
        print(f"  {users:>3} users bare view {bare}", flush=True)
        log_offset = len(log.read_text(errors="replace"))
        stats, failures, elapsed, cpu_ms = load.locust_headless(
            base, {"BENCH_MIX": json.dumps(spec)}, users, duration, master, locustfile=__file__
        )
        mix = load.with_ratios(
            load.summary(next(r for r in stats if r["Name"] == "Aggregated"), cpu_ms, elapsed), bare
        )
        pages = [
            {"page": row["Name"], **load.summary(row, 0, elapsed)}
            for row in stats
            if row["Name"] != "Aggregated"
        ]
        for page in pages:  # the workers' CPU is not split between the pages
            del page["cpu_ms_per_request"], page["wall_s"]
        level = {
            "users": users,
            "bare": bare,
            "mix": mix,
            "pages": pages,
            "failures": [
                {"page": f["Name"], "error": f["Error"], "occurrences": int(f["Occurrences"])}
                for f in failures
            ],
            "server_errors_logged": gunicorn_errors(master, log_offset)[:20],
        }
        print(f"  {users:>3} users mix {mix}; failures {level['failures']}", flush=True)
        levels.append(level)
    return levels


def markdown(report: dict) -> list[str]:
    fmt = load.fmt
    m, rows = report["machine"], report["rows"]
    weights = ", ".join(f"{role} {weight}" for role, (weight, _, _) in MIX.items())
    lines = [
        HEADING,
        "",
        "Written by `benchmarks/load_mixed.py` (see benchmarks/README.md); every figure from one run.",
        "",
        f"- Command: `{report['command']}`",
        f"- When: {report['when']}; commit {m['commit']}; database `{report['database']}` "
        f"({report['scale']}x a national year: {rows['tenancy_employer']:,} employers, "
        f"{rows['accounts_user']:,} people, {rows['programmes_registration']:,} registrations)",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; PostgreSQL {m['postgresql']}; "
        "load average at start " + ", ".join(f"{x:.2f}" for x in m["load_average_at_start"]),
        "- Server: gunicorn, 2 sync workers, `benchmarks.settings_bench` (DEBUG off, PostgreSQL as "
        "`asye_app` with row-level security, Redis db 14); locust on the same machine, no think time, "
        f"{report['duration_s']} s per run, one round; the bare view first at each user count.",
        f"- Mix (weights of simulated users; an assumption, see the script's docstring): {weights}. "
        "Within a role: "
        + "; ".join(
            f"{role}: " + ", ".join(f"{name.split(': ', 1)[1]} {w}" for name, _, w in pages)
            for role, (_, _, pages) in MIX.items()
        )
        + ".",
        "",
        "| users | run | req/s | x bare (req/s) | p50 ms | p95 ms | p99 ms | CPU/req ms | x bare (CPU) "
        "| failures |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in report["levels"]:
        for label, row in (("bare view", level["bare"]), ("mix", level["mix"])):
            lines.append(
                f"| {level['users']} | {label} | {fmt(row['rps'])} | {fmt(row.get('rps_ratio'), 2)} | "
                f"{fmt(row['p50_ms'], 0)} | {fmt(row['p95_ms'], 0)} | {fmt(row['p99_ms'], 0)} | "
                f"{fmt(row['cpu_ms_per_request'], 1)} | {fmt(row.get('cpu_ratio'), 1)} | "
                f"{row['failures']:,} of {row['requests']:,} |"
            )
    lines += [
        "",
        "The mix's pages (same runs; CPU is not split between pages):",
        "",
        "| page | "
        + " | ".join(f"{level['users']} users p50 / p95 / p99 ms" for level in report["levels"])
        + " | failures |",
        "|---|" + "---:|" * (len(report["levels"]) + 1),
    ]
    names = dict.fromkeys(page["page"] for level in report["levels"] for page in level["pages"])
    for name in names:
        cells, failed, total = [], 0, 0
        for level in report["levels"]:
            page = next((p for p in level["pages"] if p["page"] == name), None)
            cells.append(
                f"{fmt(page['p50_ms'], 0)} / {fmt(page['p95_ms'], 0)} / {fmt(page['p99_ms'], 0)}"
                if page
                else "-"
            )
            failed += page["failures"] if page else 0
            total += page["requests"] if page else 0
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {failed:,} of {total:,} |")
    errors = [(level["users"], f) for level in report["levels"] for f in level["failures"]]
    logged = [(level["users"], line) for level in report["levels"] for line in level["server_errors_logged"]]
    lines += [
        "",
        "Failures: "
        + (
            "; ".join(f"{users} users, {f['page']}: {f['error']} x{f['occurrences']}" for users, f in errors)
            or "none"
        )
        + ". Errors in the gunicorn log during the mix: "
        + ("; ".join(f"{users} users: `{line.strip()[:160]}`" for users, line in logged) or "none")
        + ".",
    ]
    return [*lines, "", *reading(report)]


def spread(level: dict) -> str:
    """Whether the pages' medians differ at one user count, or all wait alike in the workers' queue."""
    pages = sorted(level["pages"], key=lambda page: page["p50_ms"])
    if not pages or not pages[0]["p50_ms"]:
        return ""
    slow, fast = pages[-1], pages[0]
    if slow["p50_ms"] <= 1.3 * fast["p50_ms"]:
        return (
            f"At {level['users']} users every page's median is within 30% of the others' "
            f"({fast['p50_ms']:,.0f} to {slow['p50_ms']:,.0f} ms): the time is spent waiting for a worker, "
            "not in the page."
        )
    return (
        f"At {level['users']} users the slowest page is {slow['page']} (median {slow['p50_ms']:,.0f} ms), "
        f"the fastest {fast['page']} ({fast['p50_ms']:,.0f} ms)."
    )


def reading(report: dict) -> list[str]:
    """How to read the run, with its own figures (regenerated with them)."""
    levels = report["levels"]
    mix = [level["mix"] for level in levels]
    rps = [row["rps"] for row in mix]
    cpu = [row["cpu_ms_per_request"] for row in mix if row["cpu_ms_per_request"]]
    ratios = [row["rps_ratio"] for row in mix if row.get("rps_ratio")]
    queue = "; ".join(
        f"{level['users']} users: {level['users'] / level['mix']['rps']:.2f} s expected, "
        f"{level['mix']['p50_ms'] / 1000:.2f} s measured"
        for level in levels
        if level["mix"]["rps"]
    )
    failed = sum(row["failures"] for row in mix)
    logged = sum(len(level["server_errors_logged"]) for level in levels)
    at_50 = next((level["mix"] for level in levels if level["users"] == 50), None)
    lines = [
        "Reading this run:",
        "",
        f"- **Throughput** is {min(rps):.0f} to {max(rps):.0f} requests a second from "
        f"{levels[0]['users']} to {levels[-1]['users']} users ({min(ratios):.2f} to {max(ratios):.2f}x "
        "the bare view's)"
        + (
            ": flat, so with no think time the two sync workers on two cores are busy from the lowest count "
            "and more users only queue."
            if max(rps) <= 1.25 * min(rps)
            else "."
        )
        + f" The median wait against users divided by throughput (Little's law for a full queue): {queue}. "
        + spread(levels[-1]),
        f"- **Worker CPU per request** for the mix is {min(cpu):.0f} to {max(cpu):.0f} ms, "
        f"{min(r['cpu_ratio'] for r in mix):.0f} to {max(r['cpu_ratio'] for r in mix):.0f}x the bare view's; "
        "PostgreSQL's CPU, Redis and locust share the same two cores and are not in it.",
        "- **Errors**: "
        + (
            "no request failed at any count (no 5xx, no time-outs: gunicorn's limit is 60 s) and gunicorn "
            "logged no error."
            if not failed and not logged
            else f"{failed} failed requests and {logged} error lines in the gunicorn log (listed above)."
        ),
    ]
    if at_50:
        lines.append(
            f"- Against issue #14's target of p95 under 200 ms at 50 users: the mix's p95 at 50 users is "
            f"{at_50['p95_ms'] / 1000:.1f} s on this machine, because 50 users without think time keep "
            "25 requests queued behind each of the two workers; the target needs more workers and cores "
            "(docs/scaling.md), or users who think between requests, as real people do."
        )
    return lines


def replace_section(path: Path, lines: list[str]) -> None:
    """Writes this script's section of RESULTS.md: in place of the old one, or at the end."""
    text = path.read_text() if path.exists() else ""
    section = "\n".join(lines).rstrip() + "\n"
    if HEADING in text:
        start = text.index(HEADING)
        following = text.find("\n## ", start + len(HEADING))
        rest = text[following + 1 :] if following >= 0 else ""
        text = text[:start] + section + ("\n" + rest if rest else "")
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prepare", metavar="DATABASE", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=int, default=1, help="the generate.py database to serve (default 1)")
    parser.add_argument("--database-prefix", default="asye_bench")
    parser.add_argument("--users", default="10,50,100")
    parser.add_argument("--duration", type=int, default=20, help="seconds per locust run")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--results", default=str(ROOT / "benchmarks" / "RESULTS.md"))
    args = parser.parse_args()
    if args.prepare:
        print(json.dumps(prepare(args.prepare)))
        return

    database = f"{args.database_prefix}{args.scale}"
    base = f"http://127.0.0.1:{args.port}"
    machine = load.machine()  # before this script's own migrate and preparation load the machine
    load.ensure_dataset(args.scale, database, generate=False)
    load.deploy(database)
    prepared = subprocess.run(
        [load.PYTHON, __file__, "--prepare", database], capture_output=True, text=True, check=True
    )
    context = json.loads(prepared.stdout.strip().splitlines()[-1])
    report = {
        "command": ".venv/bin/python benchmarks/load_mixed.py " + shlex.join(sys.argv[1:]),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        "database": database,
        "scale": args.scale,
        "rows": context["dataset"]["rows"],
        "duration_s": args.duration,
        "mix": {role: {"weight": w, "pages": pages} for role, (w, _, pages) in MIX.items()},
    }
    with load.gunicorn(database, args.port) as server:
        spec = mix_spec(context, base)
        report["levels"] = run_mix(
            base,
            spec,
            users_list=[int(u) for u in args.users.split(",")],
            duration=args.duration,
            master=server.pid,
        )
    load.RESULTS_DIR.mkdir(exist_ok=True)
    (load.RESULTS_DIR / "load_mixed.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    replace_section(Path(args.results), markdown(report))
    print(f"wrote {args.results} (its mixed-workload section) and benchmarks/results/load_mixed.json")


if __name__ == "__main__":
    main()
