"""How long the legacy portal import takes, and how much memory it holds, on PostgreSQL as the application
role with row-level security.

Builds its own database as production has it (db_bootstrap, migrate as owner), generates a realistic
export of fictional people (191 employers spread over the national report's types and regions,
registrations over four cohorts, both service areas, a mix of outcomes and of spellings of gender and
ethnicity), then:

- times a first import of --rows registrations (everything created) and a second (nothing changes), and
  counts the SQL statements each sends;
- for each of --sizes, imports a generated export into a fresh database through the command, as national
  staff run it, in a process of its own, and measures rows a second and the peak memory the import adds
  to the process (the peak resident set size during the import less the size when it started; with
  --tracemalloc also the peak of Python's own allocations). Flat memory means the two sizes show about the
  same peak.

Prints the figures and writes benchmarks/results/import_portal_export.json.

    .venv/bin/python benchmarks/import_portal_export.py [--rows 3500] [--sizes 20000,80000] [--tracemalloc]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgresql://asye_app@127.0.0.1:5432/asye_bench_import")
os.environ.setdefault("DATABASE_OWNER_URL", "postgresql://asye_owner@127.0.0.1:5432/asye_bench_import")
os.environ.setdefault("ASYE_TESTING", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asye.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from programmes.legacy_import import EMPLOYER_COLUMNS, REGISTRATION_COLUMNS  # noqa: E402

SEED = 2025
COHORTS = ("2021-22", "2022-23", "2023-24", "2024-25")
# The national report 2023-24 (section 3.1), as the export spells them: employers by type and region.
TYPES = [
    ("Local authority", 142),
    ("Private, voluntary and independent (PVI)", 21),
    ("Fostering", 19),
    ("NHS", 9),
]
REGIONS = [
    ("North East", 13),
    ("North West", 29),
    ("Yorkshire and Humber", 19),
    ("East of England", 16),
    ("East Midlands", 10),
    ("West Midlands", 20),
    ("South East", 26),
    ("South West", 18),
    ("London", 40),
]
PLACES = (
    "Ashby Bramford Carrow Dunmore Elsworth Fenwick Garside Holloway Ingleby Jarrow Kestle Langdon "
    "Marwick Northby Ockley Penrith Quarrendon Rydal Selsby Thornbury Upwell Varley Wexcombe Yarrowby"
).split()
KINDS = {
    "Local authority": ["County Council", "City Council", "Borough Council", "Council"],
    "Private, voluntary and independent (PVI)": ["Care Trust", "Family Services", "Support Partnership"],
    "Fostering": ["Fostering", "Foster Care"],
    "NHS": ["NHS Foundation Trust", "Health and Care Trust"],
}
FIRST_NAMES = (
    "Aisha Alex Amara Ben Callum Chen Chloe Daniel Deepa Eilidh Ewa Faisal Grace Hannah Ibrahim Isla Jack "
    "Jade Kofi Laura Leah Marek Maya Mohammed Nadia Niamh Olu Priya Rachel Rhys Ruth Sam Sara Tariq Tom "
    "Uma Will Yasmin Zoe"
).split()
LAST_NAMES = (
    "Adeyemi Ahmed Baker Begum Clarke Davies Edwards Evans Fletcher Green Hall Hughes Iqbal Jones Kaur "
    "Khan Kowalski Lewis Mensah Morgan Nowak Okafor Patel Price Roberts Shah Smith Taylor Thomas Walker "
    "Williams Wright Young"
).split()
GENDERS = [("Female", 70), ("Male", 18), ("F", 4), ("M", 2), ("Non-binary", 1), ("", 4), ("Not known", 1)]
ETHNICITIES = [
    ("White - British", 55),
    ("White - Any other White background", 5),
    ("White Irish", 2),
    ("Asian or Asian British - Indian", 4),
    ("Asian or Asian British - Pakistani", 4),
    ("Black or Black British - African", 9),
    ("Black or Black British - Caribbean", 3),
    ("Mixed - White and Black Caribbean", 2),
    ("Mixed", 2),
    ("Arab", 1),
    ("Prefer not to say", 5),
    ("", 6),
    ("BME", 2),  # not a GOV.UK category: imported as 'prefer not to say'
]


def weighted(rng: random.Random, pairs):
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


def generate(rows: int) -> tuple[bytes, bytes]:
    """A deterministic export: the same bytes on every run."""
    employers_out, registrations_out = io.StringIO(), io.StringIO()
    write_export(rows, employers_out, registrations_out)
    return employers_out.getvalue().encode(), registrations_out.getvalue().encode()


def write_export(rows: int, employers_out, out) -> None:
    """Write a deterministic export of ``rows`` registrations to two text streams, row by row."""
    rng = random.Random(SEED)
    types = [name for name, count in TYPES for _ in range(count)]
    regions = [name for name, count in REGIONS for _ in range(count)]
    rng.shuffle(regions)
    employers, names = [], set()
    for index, (employer_type, region) in enumerate(zip(types, regions, strict=True), start=1):
        while True:
            name = f"{rng.choice(PLACES)} {rng.choice(PLACES)} {rng.choice(KINDS[employer_type])}"
            if name not in names:
                names.add(name)
                break
        employers.append((f"LP{index:04d}", name, employer_type, region))
    # Local authorities register most NQSWs, as in the report.
    weights = [20 if t == "Local authority" else 3 if t != "NHS" else 2 for _, _, t, _ in employers]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(REGISTRATION_COLUMNS)
    for number in range(1, rows + 1):
        employer = rng.choices(employers, weights=weights)[0]
        cohort = rng.choice(COHORTS)
        first_year = int(cohort[:4])
        start = datetime.date(first_year, 4, 1) + datetime.timedelta(days=rng.randrange(365))
        qualified = start - datetime.timedelta(days=rng.randrange(30, 400))
        born = qualified - datetime.timedelta(days=rng.randrange(21 * 365, 50 * 365))
        if cohort == COHORTS[-1]:
            outcome = weighted(rng, [("in_progress", 80), ("", 12), ("withdrawn", 5), ("passed", 3)])
        else:
            outcome = weighted(rng, [("passed", 88), ("unsuccessful", 2), ("withdrawn", 6), ("", 4)])
        writer.writerow(
            [
                f"REG{number:06d}",
                employer[0],
                weighted(rng, [("child_and_family", 60), ("adults", 40)]),
                cohort,
                rng.choice(FIRST_NAMES),
                rng.choice(LAST_NAMES),
                f"SW9{number:06d}",  # generated in sequence, so every NQSW is a different person
                born.isoformat() if rng.random() > 0.05 else "",
                qualified.isoformat(),
                start.isoformat(),
                weighted(rng, GENDERS),
                weighted(rng, ETHNICITIES),
                weighted(rng, [("0", 90), ("1", 8), ("2", 2)]),
                outcome,
            ]
        )
    employer_writer = csv.writer(employers_out, lineterminator="\n")
    employer_writer.writerow(EMPLOYER_COLUMNS)
    employer_writer.writerows(employers)


def timed_import(employers_csv: bytes, registrations_csv: bytes) -> tuple[float, int, dict]:
    from programmes.legacy_import import import_portal_export

    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    start = time.perf_counter()
    with connection.execute_wrapper(count):
        result = import_portal_export(employers_csv=employers_csv, registrations_csv=registrations_csv)
    return time.perf_counter() - start, len(queries), result.as_dict()


def _status_kb(name: str) -> int:
    """A figure of this process from /proc/self/status (Linux), in kB: VmRSS now, VmHWM its peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise LookupError(name)


def child_import(employers: str, registrations: str, trace: bool) -> None:
    """In a process of its own: run the command on two files and print its figures as JSON."""
    import gc
    import tracemalloc

    gc.collect()
    # Start the peak afresh (Linux: writing 5 to clear_refs resets VmHWM to the current size).
    Path("/proc/self/clear_refs").write_text("5")
    rss_before = _status_kb("VmRSS")
    if trace:
        tracemalloc.start()
    out = io.StringIO()
    start, cpu = time.perf_counter(), time.process_time()
    call_command(
        "import_portal_export",
        "--employers",
        employers,
        "--registrations",
        registrations,
        "--json",
        stdout=out,
    )
    seconds = time.perf_counter() - start
    figures = {
        "seconds": round(seconds, 2),
        "python_cpu_seconds": round(time.process_time() - cpu, 2),
        "counts": json.loads(out.getvalue()),
    }
    if trace:
        figures["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    figures["peak_rss_added_mb"] = round((_status_kb("VmHWM") - rss_before) / 1024, 1)
    print(json.dumps(figures))


def scale_run(rows: int, trace: bool, folder: Path) -> dict:
    """Import ``rows`` registrations into a fresh database from files, in a child process."""
    employers, registrations = folder / f"employers-{rows}.csv", folder / f"registrations-{rows}.csv"
    with employers.open("w", newline="") as e, registrations.open("w", newline="") as r:
        write_export(rows, e, r)
    env = dict(os.environ)
    for name in ("DATABASE_URL", "DATABASE_OWNER_URL"):
        env[name] = os.environ[name] + "_scale"
    for command in (["db_bootstrap", "--recreate"], ["migrate"]):
        subprocess.run(  # noqa: S603  (this interpreter, manage.py and fixed arguments)
            [sys.executable, str(ROOT / "manage.py"), *command, "--verbosity", "0", "--skip-checks"],
            env=env,
            check=True,
        )
    child = [sys.executable, __file__, "--child-import", str(employers), str(registrations)]
    done = subprocess.run(  # noqa: S603  (this interpreter, this file and paths it made)
        child + (["--tracemalloc"] if trace else []), env=env, check=True, stdout=subprocess.PIPE
    )
    figures = json.loads(done.stdout.decode().strip().splitlines()[-1])
    created = figures["counts"]["registrations"]["created"]
    assert created == rows, figures["counts"]
    figures["rows_per_second"] = round(rows / figures["seconds"])
    figures["file_mb"] = round(registrations.stat().st_size / 2**20, 1)
    figures.pop("counts")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3500)
    parser.add_argument(
        "--sizes", default="20000,80000", help="comma-separated sizes for rows/s and memory ('' to skip)"
    )
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python's allocations (slower)")
    parser.add_argument(
        "--child-import", nargs=2, metavar=("EMPLOYERS", "REGISTRATIONS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child_import:
        child_import(*args.child_import, trace=args.tracemalloc)
        return

    call_command("db_bootstrap", "--recreate", verbosity=0)
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
        )
        role, superuser, bypass = cursor.fetchone()
    assert not superuser and not bypass, "the benchmark must run as the application role"

    employers_csv, registrations_csv = generate(args.rows)
    runs = {}
    for label in ("first_import", "second_import"):
        seconds, queries, counts = timed_import(employers_csv, registrations_csv)
        runs[label] = {"seconds": round(seconds, 2), "queries": queries, "counts": counts}
        print(f"{label:14} {seconds:6.2f}s  {queries:5} queries  registrations {counts['registrations']}")
    assert runs["first_import"]["counts"]["registrations"]["created"] == args.rows
    assert runs["second_import"]["counts"]["registrations"] == {
        "created": 0,
        "updated": 0,
        "unchanged": args.rows,
    }

    scale = {}
    with tempfile.TemporaryDirectory() as folder:
        for rows in [int(size) for size in args.sizes.split(",") if size.strip()]:
            scale[str(rows)] = figures = scale_run(rows, args.tracemalloc, Path(folder))
            print(f"{rows:>8,} rows  {figures}")

    out = ROOT / "benchmarks" / "results" / "import_portal_export.json"
    out.write_text(
        json.dumps(
            {
                "when": datetime.datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
                "database": f"PostgreSQL as {role} (not superuser, no BYPASSRLS), row-level security forced",
                "rows": {"employers": employers_csv.count(b"\n") - 1, "registrations": args.rows},
                "results": runs,
                "scale": scale,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
