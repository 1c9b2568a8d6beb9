"""Time the equity analysis (``reporting.equity.equity_summary``) at 1x, 10x and 100x national cohorts.

1x is the seed annual report's three child and family cohorts, 2019-20 to 2021-22 (8,722 registrations,
about a national year each), imported through the legacy portal import (``tests/reporting/seed_2019_22.py``)
into a database of its own, with an equality monitoring row each. 10x and 100x copy that world inside the
same employers with ``benchmarks/generate.multiply`` (set-based SQL as the owner role), so at 100x the
analysis reads 872,200 registrations and as many equality rows. At each scale it times, as the application
role with row-level security in force and in the system national context (as the job and the command
run), the one SQL query and frame (``equity_frame``), the whole analysis with the regression
(``equity_summary``), the page's published tables and charts, and the published section's cross-table
suppression alone (``reporting.equity_disclosure.equity_hidden``); the median of ``--repeats`` runs after
a warm-up.

    .venv/bin/python benchmarks/equity.py [--scales 1,10,100] [--repeats 3] [--database asye_bench_equity]

It writes ``benchmarks/results/equity.json``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scaled import median_seconds, run_scales  # noqa: E402

COHORTS = ["2019-20", "2020-21", "2021-22"]


def measure(repeats: int) -> dict:
    from django.db import transaction

    from asye.tenancy.db import system_national_context
    from reporting.equity import equity_frame, equity_summary
    from reporting.equity_disclosure import equity_hidden
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

    def suppression():
        # What a publication hides, across every equity table at once (no database: the summary's counts).
        equity_hidden(result, threshold=5)

    return {
        "records": result["records"],
        "complete_cases": result["complete_cases"],
        "query_and_frame_s": median_seconds(frame, repeats),
        "analysis_s": median_seconds(summary, repeats),
        "analysis_tables_and_charts_s": median_seconds(page, repeats),
        "cross_table_suppression_s": median_seconds(suppression, repeats),
        "cells_suppressed": len(equity_hidden(result, threshold=5)),
    }


def load() -> None:
    from tests.reporting import seed_2019_22

    seed_2019_22.load()


def main() -> None:
    run_scales(
        name="equity",
        description=__doc__.split("\n\n")[0],
        database="asye_bench_equity",
        load=load,
        measure=measure,
        about={"cohorts": COHORTS},
    )


if __name__ == "__main__":
    main()
