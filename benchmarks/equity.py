"""Time the equity analysis (``reporting.equity.equity_summary``) at 1x, 10x and 100x national cohorts.

1x is the seed annual report's three child and family cohorts, 2019-20 to 2021-22 (8,722 registrations,
about a national year each), imported through the legacy portal import (``tests/reporting/seed_2019_22.py``)
into a database of its own, with an equality monitoring row each. 10x and 100x copy that world inside the
same employers with ``benchmarks/generate.multiply`` (set-based SQL as the owner role), so at 100x the
analysis reads 872,200 registrations and as many equality rows. At each scale it times, as the application
role with row-level security in force and in the system national context (as the job and the command
run), the one SQL query and frame (``equity_frame``), the whole analysis with the regression
(``equity_summary``), and the page's published tables and charts; the median of ``--repeats`` runs after
a warm-up.

    .venv/bin/python benchmarks/equity.py [--scales 1,10,100] [--repeats 3] [--database asye_bench_equity]

It writes ``benchmarks/results/equity.json``.
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

COHORTS = ["2019-20", "2020-21", "2021-22"]


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
    from reporting.equity import equity_frame, equity_summary
    from reporting.equity_tables import equity_charts, equity_tables

    def frame():
        with transaction.atomic(), system_national_context():
            equity_frame(COHORTS)

    def summary():
        with transaction.atomic(), system_national_context():
            equity_summary(COHORTS)

    def page():
        with transaction.atomic(), system_national_context():
            equity_charts(equity_tables(equity_summary(COHORTS), threshold=5, published=True))

    with transaction.atomic(), system_national_context():
        result = equity_summary(COHORTS)
    return {
        "records": result["records"],
        "complete_cases": result["complete_cases"],
        "query_and_frame_s": _median(frame, repeats),
        "analysis_s": _median(summary, repeats),
        "analysis_tables_and_charts_s": _median(page, repeats),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database", default="asye_bench_equity")
    options = parser.parse_args()
    scales = sorted(int(scale) for scale in options.scales.split(","))
    configure(options.database)

    from django.core.management import call_command
    from django.db import connections, transaction

    from tests.reporting import seed_2019_22

    owner = connections["owner"]
    figures = []
    for scale in scales:
        # Built afresh for each scale: copies of copies would repeat the rewritten unique values.
        started = time.perf_counter()
        connections.close_all()
        call_command("db_bootstrap", "--recreate", verbosity=0)
        call_command("migrate", verbosity=0)
        seed_2019_22.load()
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
    out = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "cohorts": COHORTS, "figures": figures}
    (RESULTS / "equity.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"Wrote {RESULTS / 'equity.json'}")


if __name__ == "__main__":
    main()
