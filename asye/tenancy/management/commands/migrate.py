"""``migrate`` runs as the schema owner (DATABASE_OWNER_URL) when one is configured, then brings every
table's row-level security policies up to what the code describes.

The application role owns no table and cannot create one, which is what makes row-level security
bind it; so migrations must not run through the application's connection. The policies are written by
the migrations' row-level security operations; ``reapply_policies`` runs the last one of each table again
so that a database migrated before those operations changed (for example when national reads moved to
their own role) gets the policies a new database would.
"""

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import DEFAULT_DB_ALIAS, connections

from asye.tenancy.rls import reapply_policies


class Command(MigrateCommand):
    def handle(self, *args, **options):
        if options.get("database") == DEFAULT_DB_ALIAS and "owner" in settings.DATABASES:
            options["database"] = "owner"
        result = super().handle(*args, **options)
        if not options.get("plan") and not options.get("check_unapplied") and not options.get("prune"):
            reapply_policies(connections[options["database"]])
        return result
