"""``migrate`` runs as the schema owner (DATABASE_OWNER_URL) when one is configured.

The application role owns no table and cannot create one, which is what makes row-level security
bind it; so migrations must not run through the application's connection.
"""

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS


class Command(MigrateCommand):
    def handle(self, *args, **options):
        if options.get("database") == DEFAULT_DB_ALIAS and "owner" in settings.DATABASES:
            options["database"] = "owner"
        return super().handle(*args, **options)
