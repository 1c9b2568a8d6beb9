"""Anonymise registrations that ended more than four years ago (docs/equity-and-retention.md).

    python manage.py anonymise_expired [--dry-run] [--json]

``--dry-run`` prints what a run would anonymise (counts by funding year and employer) and changes nothing.
The scheduled task (``reporting.anonymise_expired``) does the same as a run without it, nightly.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.db import transaction

from asye import clock
from asye.tenancy.db import system_national_context
from reporting.retention import anonymise_expired, retention_preview


class Command(BaseCommand):
    help = "Anonymise registrations that ended more than four years ago (--dry-run: only say what would go)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be anonymised; change nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")

    def handle(self, *args, **options):
        today = clock.today()
        with transaction.atomic(), system_national_context():
            if options["dry_run"]:
                result = retention_preview(today=today)
            else:
                result = anonymise_expired(today=today, run_by="manage.py anonymise_expired")
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        if options["dry_run"]:
            self.stdout.write(
                f"Registrations that ended before {result['cutoff']}: {result['total']} to anonymise"
            )
            for row in result["by_employer_and_year"]:
                self.stdout.write(f"  {row['funding_year']}  {row['employer']}: {row['registrations']}")
            return
        self.stdout.write(
            f"Anonymised {result['registrations']} registrations that ended before {result['cutoff']} "
            f"({result['rows_changed']} rows changed, {result['files_deleted']} files deleted"
            + (
                f", {result['failed']} could not be anonymised and are left for the next run"
                if result["failed"]
                else ""
            )
            + ")."
        )
