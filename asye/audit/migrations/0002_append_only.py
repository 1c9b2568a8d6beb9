"""The audit trail is append-only in the database: the application role loses UPDATE and DELETE on it,
and a person with events in the trail cannot be deleted (made inactive instead)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def revoke(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from asye.tenancy.pgroles import append_only_statements

    app_role = settings.DATABASES["default"].get("USER")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)", [app_role])
        current, exists = cursor.fetchone()
        if not app_role or not exists or app_role == current:
            return  # one role does everything (a development database): nothing to take back
        for statement in append_only_statements(app_role):
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="actor_user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(revoke, migrations.RunPython.noop),
    ]
