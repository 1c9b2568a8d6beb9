"""``manage.py national_report --year 2023-24 [--service-area both|child_and_family|adults]
[--format json|pdf|xlsx] [--output FILE]``: the annual report's figures as the internal JSON (exact counts,
and the cells a publication would suppress), or the published PDF or workbook, made as the report job
makes them (synchronously, in the system national context)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asye.jobs.kinds import JobError
from asye.tenancy.db import system_national_context
from reporting.annual import annual_figures, annual_json
from reporting.disclosure_rule import disclosure_threshold
from reporting.jobs import make_annual_report
from reporting.registrations import SERVICE_AREA_CHOICES

YEAR = re.compile(r"^\d{4}-\d{2}$")


class Command(BaseCommand):
    help = "Print the national annual report's figures as JSON, or write its PDF or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="The funding year, like 2023-24.")
        parser.add_argument(
            "--service-area", default="both", choices=[code for code, _ in SERVICE_AREA_CHOICES]
        )
        parser.add_argument("--format", default="json", choices=["json", "pdf", "xlsx"])
        parser.add_argument("--output", help="The file to write (required for pdf and xlsx).")
        parser.add_argument(
            "--threshold",
            type=int,
            help="Suppress counts below this (default: the threshold national staff set).",
        )

    def handle(self, *args, year, service_area, format, output, threshold, **options):
        if not YEAR.match(year) or int(year[5:]) != (int(year[:4]) + 1) % 100:
            raise CommandError(f"{year!r} is not a funding year: write it like 2023-24.")
        if format != "json" and not output:
            raise CommandError("--output FILE is required for pdf and xlsx.")
        with system_national_context():
            threshold = threshold or disclosure_threshold()
            if format == "json":
                body = json.dumps(
                    annual_json(annual_figures(year=year, service_area=service_area), threshold=threshold),
                    indent=2,
                    default=str,
                )
                if output:
                    Path(output).write_text(body + "\n", encoding="utf-8")
                else:
                    self.stdout.write(body)
                return
            try:
                made = make_annual_report(
                    year=year, service_area=service_area, fmt=format, threshold=threshold
                )
            except JobError as error:
                raise CommandError(" ".join(error.messages)) from error
        Path(output).write_bytes(made.content)
        self.stderr.write(f"Wrote {output} ({len(made.content):,} bytes).")
