"""Create the PostgreSQL roles and database for the platform. Run once per environment, as a superuser."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from asye.tenancy.pgroles import DatabasePlan, backup_role_from_url, bootstrap


class Command(BaseCommand):
    help = "Create the owner, application and backup roles and the database (PostgreSQL), idempotently."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-url",
            default=os.environ.get("ASYE_DB_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
            help="A superuser connection (default: $ASYE_DB_ADMIN_URL).",
        )
        parser.add_argument("--recreate", action="store_true", help="Drop and recreate the database.")
        parser.add_argument("--grant-truncate", action="store_true", help="For test databases only.")

    def handle(self, *args, **options):
        default = settings.DATABASES["default"]
        if not default["ENGINE"].endswith("postgresql"):
            raise CommandError("DATABASE_URL does not point at PostgreSQL: nothing to bootstrap.")
        owner = settings.DATABASES.get("owner")
        if owner is None:
            raise CommandError("Set DATABASE_OWNER_URL to the role that owns the schema and runs migrations.")
        backup_role, backup_password = backup_role_from_url(getattr(settings, "DATABASE_BACKUP_URL", ""))
        plan = DatabasePlan(
            admin_url=options["admin_url"],
            database=default["NAME"],
            owner_role=owner["USER"],
            app_role=default["USER"],
            owner_password=owner.get("PASSWORD") or None,
            app_password=default.get("PASSWORD") or None,
            grant_truncate=options["grant_truncate"],
            backup_role=backup_role,
            backup_password=backup_password,
        )
        bootstrap(plan, recreate=options["recreate"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Database {plan.database}: owner {plan.owner_role}, application role {plan.app_role} "
                f"(not superuser, no BYPASSRLS, owns nothing), backup role {plan.backup_role} "
                "(BYPASSRLS, SELECT only)."
            )
        )
