"""Time the national registration tables and the annual report's PDF and workbook at 1x, 10x and 100x a
national year.

1x is a national year shaped like the seed annual report's 2023-24 (3,203 registrations by 191 employers,
``tests/reporting/seed_2023_24.py``), imported through the legacy portal import into a database of its
own. 10x and 100x copy that world inside the same employers with ``benchmarks/generate.multiply`` (the
set-based SQL copy ``generate.py`` uses for its 10x and 100x), so at 100x the tables count 320,300
registrations. At each scale it times, as the application role with row-level security in force and in
the system national context (as the job and the command run): the registration tables
(``registrations_report``: six GROUP BY queries), the published tables with their charts, and the annual
report's PDF and XLSX (``make_annual_report``, as the job makes them, the equity section included); the
median of ``--repeats`` runs after a warm-up.

    .venv/bin/python benchmarks/reporting.py [--scales 1,10,100] [--repeats 3] \
        [--database asye_bench_reporting]

It writes ``benchmarks/results/reporting.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import RESULTS, configure, multiply  # noqa: E402

YEAR = "2023-24"


def _median(function, repeats: int) -> float:
    function()
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return round(statistics.median(runs), 3)


def measure(repeats: int) -> dict:
    from django.db import transaction

    from asye.tenancy.db import system_national_context
    from reporting.annual import annual_figures
    from reporting.charts import report_charts
    from reporting.jobs import make_annual_report
    from reporting.registrations import registrations_report
    from reporting.tables import report_tables

    def tables():
        with transaction.atomic(), system_national_context():
            registrations_report(year=YEAR)

    def published():
        with transaction.atomic(), system_national_context():
            report_charts(
                report_tables(annual_figures(year=YEAR, with_equity=False), threshold=5, published=True)
            )

    sizes = {}

    def document(fmt):
        def make():
            with transaction.atomic(), system_national_context():
                sizes[fmt] = len(
                    make_annual_report(year=YEAR, service_area="both", fmt=fmt, threshold=5).content
                )

        return make

    with transaction.atomic(), system_national_context():
        report = registrations_report(year=YEAR)
    return {
        "registrations": report["total"],
        "employers": report["employers"],
        "tables_s": _median(tables, repeats),
        "figures_tables_and_charts_s": _median(published, repeats),
        "pdf_s": _median(document("pdf"), repeats),
        "xlsx_s": _median(document("xlsx"), repeats),
        "pdf_bytes": sizes["pdf"],
        "xlsx_bytes": sizes["xlsx"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database", default="asye_bench_reporting")
    options = parser.parse_args()
    scales = sorted(int(scale) for scale in options.scales.split(","))
    configure(options.database)

    from django.core.management import call_command
    from django.db import connections, transaction

    from tests.reporting import seed_2023_24

    owner = connections["owner"]
    figures = []
    for scale in scales:
        # Built afresh for each scale: copies of copies would repeat the rewritten unique values.
        started = time.perf_counter()
        connections.close_all()
        call_command("db_bootstrap", "--recreate", verbosity=0)
        call_command("migrate", verbosity=0)
        seed_2023_24.load()
        if scale > 1:
            with transaction.atomic(using="owner"), owner.cursor() as cursor:
                cursor.execute("SELECT set_config('app.national', 'on', true)")
                multiply(cursor, copies=scale - 1, log=lambda line: None)
        with owner.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"Built {scale}x in {time.perf_counter() - started:.1f} s")
        row = {"scale": scale, **measure(options.repeats)}
        print(json.dumps(row))
        figures.append(row)
    RESULTS.mkdir(exist_ok=True)
    out = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "year": YEAR, "figures": figures}
    (RESULTS / "reporting.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"Wrote {RESULTS / 'reporting.json'}")


if __name__ == "__main__":
    main()
