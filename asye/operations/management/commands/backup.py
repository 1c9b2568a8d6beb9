"""``manage.py backup FOLDER``: the database and the uploaded files, with a manifest (docs/operations.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from asye.operations.backup import backup_create
from asye.operations.pg import OperationsError


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump as the backup role, which bypasses row-level security) and the "
        "uploaded files into a new folder under FOLDER, with manifest.json (counts and checksums)."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="The folder to make the backup's folder in.")

    def handle(self, *args, **options):
        try:
            result = backup_create(destination=options["destination"])
        except OperationsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up {result.tables} tables ({result.rows:,} rows, dump {result.dump_bytes:,} bytes) "
            f"and {result.files:,} files ({result.file_bytes:,} bytes)."
        )
        for alias in result.storages_elsewhere:
            self.stderr.write(
                f"Storage {alias!r} is not on this file system and was not copied: back up its bucket "
                "with the provider's versioning or replication."
            )
        self.stdout.write(self.style.SUCCESS(str(result.folder)))
