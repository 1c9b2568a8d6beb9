"""``manage.py reminders --run-now``: run every reminder scan for every employer here and now, and print
one JSON object of what it found: ``{"scanned": N, "due": N, "sent": N, "skipped_already_sent": N}``.
Run twice in a row, the second prints ``"sent": 0``: the sent-log has every reminder already."""

from __future__ import annotations

import contextlib
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from asye.notifications import reminders


class Command(BaseCommand):
    help = "Run the reminder scans now (--run-now), synchronously, and print what they found as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--run-now", action="store_true", help="Run every scan (daily and weekly) now.")
        parser.add_argument(
            "--cadence", choices=reminders.CADENCES, help="Only the daily or only the weekly scans."
        )

    def handle(self, *args, **options):
        if not options["run_now"]:
            raise CommandError("Say --run-now to run the scans (beat runs them on their schedule).")
        # Standard output carries the one JSON object only: anything else written while the scans run (the
        # console email backend of a local demo, say) goes to standard error.
        with contextlib.redirect_stdout(sys.stderr):
            counts = reminders.run_all(cadence=options["cadence"])
        result = {name: counts.get(name, 0) for name in reminders.COUNTS}
        if counts.get("failed"):
            result["failed"] = counts["failed"]
        self.stdout.write(json.dumps(result))
