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

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scaled import median_seconds, run_scales  # noqa: E402

YEAR = "2023-24"


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
        "tables_s": median_seconds(tables, repeats),
        "figures_tables_and_charts_s": median_seconds(published, repeats),
        "pdf_s": median_seconds(document("pdf"), repeats),
        "xlsx_s": median_seconds(document("xlsx"), repeats),
        "pdf_bytes": sizes["pdf"],
        "xlsx_bytes": sizes["xlsx"],
    }


def load() -> None:
    from tests.reporting import seed_2023_24

    seed_2023_24.load()


def main() -> None:
    run_scales(
        name="reporting",
        description=__doc__.split("\n\n")[0],
        database="asye_bench_reporting",
        load=load,
        measure=measure,
        about={"year": YEAR},
    )


if __name__ == "__main__":
    main()
