"""The equity analysis on the command line (docs/equity-and-retention.md).

    python manage.py equity_report --cohorts 2019-20 2020-21 2021-22 --format json

Prints exact counts (the internal figures, not a publication): records, complete cases, outcomes, the
unsuccessful-completion counts by each predictor, the logistic regression and the trend. Runs in the
system's national scope (equality monitoring is readable nowhere else) and records one audit event.
"""

from __future__ import annotations

import json
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from asye.audit.services import audit_record
from asye.tenancy.db import system_national_context
from asye.tenancy.models import ServiceArea
from reporting.equity import PREDICTORS, equity_summary, level_label

COHORT = re.compile(r"^(\d{4})-(\d{2})$")


def valid_cohort(value: str) -> bool:
    match = COHORT.match(value)
    return bool(match) and (int(match.group(1)) + 1) % 100 == int(match.group(2))


class Command(BaseCommand):
    help = "Outcomes and equity for chosen cohorts: rates by predictor and a logistic regression."

    def add_arguments(self, parser):
        parser.add_argument(
            "--cohorts", nargs="+", required=True, help="Funding years, like 2019-20 2020-21."
        )
        parser.add_argument(
            "--service-area",
            default="",
            choices=["", *ServiceArea.values],
            help="One service area (default both).",
        )
        parser.add_argument("--format", default="text", choices=["json", "text"])

    def handle(self, *args, **options):
        bad = [cohort for cohort in options["cohorts"] if not valid_cohort(cohort)]
        if bad:
            raise CommandError(f"Not a cohort (use the funding year, like 2021-22): {', '.join(bad)}")
        with transaction.atomic(), system_national_context():
            summary = equity_summary(options["cohorts"], options["service_area"])
            audit_record(
                actor=None,
                action="reporting.equity_report",
                employer_id=None,
                changes={"cohorts": summary["cohorts"], "service_area": options["service_area"]},
            )
        if options["format"] == "json":
            self.stdout.write(json.dumps(summary, indent=2))
            return
        self._text(summary)

    def _text(self, summary):
        write = self.stdout.write
        write(f"Cohorts: {', '.join(summary['cohorts'])}")
        write(
            f"Records {summary['records']}: passed {summary['passed']}, "
            f"unsuccessful {summary['unsuccessful']}, "
            f"withdrawn {summary['withdrawn']}, in progress {summary['in_progress']}"
        )
        write(
            f"Complete cases {summary['complete_cases']}: passed {summary['complete_passed']}, "
            f"unsuccessful {summary['complete_unsuccessful']}"
        )
        for column, heading in PREDICTORS:
            write(f"\n{heading}")
            for level, cell in summary["by"][column].items():
                rate = "-" if cell["rate"] is None else f"{cell['rate']}%"
                write(
                    f"  {level_label(column, level)}: "
                    f"{cell['unsuccessful']} of {cell['n']} unsuccessful ({rate})"
                )
        model = summary["logistic_regression"]
        write(f"\nLogistic regression (n = {model['n']}, events = {model['events']})")
        for term in model["terms"]:
            write(
                f"  {term['term']}: OR {term['odds_ratio']}, 95% CI {term['ci_low']} to {term['ci_high']}, "
                f"p = {term['p_value']}"
            )
        for warning in model["warnings"]:
            write(self.style.WARNING(f"  Warning: {warning}"))
