"""``manage.py restore FOLDER``: a backup into an empty database and storage, checked against its manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asye.operations.pg import OperationsError
from asye.operations.restore import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by manage.py backup into an empty database (made by db_bootstrap) and an "
        "empty storage folder, then check every table's rows and every file's checksum against the manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="The backup's folder (the one holding manifest.json).")
        parser.add_argument(
            "--database",
            help="Restore into this database on the owner's server (default: DATABASE_OWNER_URL's).",
        )
        parser.add_argument(
            "--media-root", type=Path, help="Restore the default storage's files here (default: MEDIA_ROOT)."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore into a database or storage folder that is not empty, replacing what the backup "
            "holds.",
        )

    def handle(self, *args, **options):
        try:
            report = backup_restore(
                folder=options["backup"],
                database=options["database"],
                media_root=options["media_root"],
                force=options["force"],
            )
        except OperationsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored into {report.database}: {report.tables} tables, {report.rows:,} rows; "
            f"{report.files:,} files ({report.file_bytes:,} bytes)."
        )
        for note in report.notes:
            self.stdout.write(f"Note: {note}")
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"MISMATCH {problem}")
            raise CommandError(
                f"The restore does not match the backup: {len(report.problems)} problem(s), listed above."
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Every table's rows and every file match the manifest; row-level security is in place."
            )
        )
