"""Load past cohorts from the national legacy portal's export (docs/legacy-portal-import.md).

    python manage.py import_portal_export --employers employers.csv --registrations registrations.csv

Every row is checked first; one bad row refuses the whole import and nothing is saved. Running it again
with the same files changes nothing.
"""

from __future__ import annotations

import json
import time
from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asye.accounts.actor import build_actor
from asye.accounts.models import User
from asye.tenancy.db import tenant_settings
from programmes.legacy_import import ImportRefused, import_portal_export


class Command(BaseCommand):
    help = "Import employers and registrations of past cohorts from the national legacy portal's CSV export."

    def add_arguments(self, parser):
        parser.add_argument("--employers", required=True, type=Path, help="employers.csv")
        parser.add_argument("--registrations", required=True, type=Path, help="registrations.csv")
        parser.add_argument(
            "--run-by",
            default="",
            help="Email of the national staff member running the import, recorded in the audit trail.",
        )
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")

    def handle(self, *args, **options):
        with ExitStack() as opened:
            files = {}
            for option in ("employers", "registrations"):
                path: Path = options[option]
                try:
                    # Passed open, not read: the import reads the rows as it goes (memory stays flat).
                    files[option] = opened.enter_context(path.open("rb"))
                except OSError as exc:
                    raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
            actor = self._actor(options["run_by"])
            self._import(files, options, actor)

    def _import(self, files, options, actor):
        started = time.perf_counter()
        try:
            result = import_portal_export(
                employers_csv=files["employers"],
                registrations_csv=files["registrations"],
                employers_name=options["employers"].name,
                registrations_name=options["registrations"].name,
                actor=actor,
            )
        except ImportRefused as refused:
            for bad in refused.bad_rows:
                self.stderr.write(str(bad))
            raise CommandError(
                f"{len(refused.bad_rows)} bad row(s): nothing was imported. Correct them and run it again."
            ) from refused
        seconds = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(json.dumps({**result.as_dict(), "seconds": round(seconds, 2)}, indent=2))
            return
        for name, tally in (
            ("Employers", result.employers),
            ("Registrations", result.registrations),
            ("Equality monitoring", result.equality),
        ):
            self.stdout.write(
                f"{name}: {tally.created} created, {tally.updated} updated, {tally.unchanged} unchanged"
            )
        if result.equality_kept_self:
            self.stdout.write(
                f"Equality monitoring kept as the NQSW gave it (not overwritten): {result.equality_kept_self}"
            )
        for column, values in result.unrecognised.items():
            listed = ", ".join(f"'{value}' ({count})" for value, count in sorted(values.items())[:20])
            self.stdout.write(f"Unrecognised {column} values, recorded as 'prefer not to say': {listed}")
        self.stdout.write(self.style.SUCCESS(f"Imported in {seconds:.1f}s."))

    def _actor(self, email: str):
        if not email:
            return None
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No one with the email {email} has an account.")
        with tenant_settings(user_id=user.pk):
            actor = build_actor(user, employer_id=None)
        if not actor.is_national_staff:
            raise CommandError(f"{email} is not national staff: only national staff import legacy data.")
        return actor
