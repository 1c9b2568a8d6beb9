"""The scale runs the national reporting benchmarks share: a database built afresh at each scale from one
seed (1x) copied ``scale - 1`` more times with ``benchmarks/generate.multiply``, timed as the median of
repeated runs, and written to ``benchmarks/results/<name>.json``.

``benchmarks/equity.py`` and ``benchmarks/reporting.py`` each give their seed loader and what to measure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from benchmarks.generate import RESULTS, configure, multiply


def median_seconds(function: Callable[[], object], repeats: int) -> float:
    """The median of ``repeats`` timed runs of ``function`` after one warm-up run, in seconds."""
    function()
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return round(statistics.median(runs), 3)


def parse_options(description: str, database: str) -> argparse.Namespace:
    """``--scales`` (comma-separated whole numbers), ``--repeats`` and ``--database``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--database", default=database)
    return parser.parse_args()


def run_scales(
    *,
    name: str,
    description: str,
    database: str,
    load: Callable[[], object],
    measure: Callable[[int], dict],
    about: dict,
) -> None:
    """For each scale asked for: recreate the database, migrate, ``load()`` the 1x seed, multiply it, analyse,
    then ``measure(repeats)``. Prints each row and writes ``results/<name>.json`` with ``about`` (what
    was measured, e.g. the year or cohorts) beside the figures."""
    options = parse_options(description, database)
    scales = sorted(int(scale) for scale in options.scales.split(","))
    configure(options.database)

    from django.core.management import call_command
    from django.db import connections, transaction

    owner = connections["owner"]
    figures = []
    for scale in scales:
        # Built afresh for each scale: copies of copies would repeat the rewritten unique values.
        started = time.perf_counter()
        connections.close_all()
        call_command("db_bootstrap", "--recreate", verbosity=0)
        call_command("migrate", verbosity=0)
        load()
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
    out = {"when": datetime.now(UTC).isoformat(timespec="seconds"), **about, "figures": figures}
    (RESULTS / f"{name}.json").write_text(json.dumps(out, indent=2) + "\n")
    print(f"Wrote {RESULTS / f'{name}.json'}")
