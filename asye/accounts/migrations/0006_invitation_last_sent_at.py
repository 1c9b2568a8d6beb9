"""When an invitation's latest email went (#15: the email is sent after the commit, so the team page says
"Sending" until it has). Invitations emailed before, without a failure, went when they were sent."""

from django.db import migrations, models


def emailed_before(apps, schema_editor):
    Invitation = apps.get_model("accounts", "Invitation")
    alias = schema_editor.connection.alias
    if schema_editor.connection.vendor == "postgresql":
        # Row-level security binds the owner too (FORCE): every employer's invitations, in this transaction.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.national', 'on', true)")
    Invitation.objects.using(alias).filter(send_attempts__gt=0, last_send_failed=False).update(
        last_sent_at=models.F("last_send_at")
    )
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.national', '', true)")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_person_row_level_security_invitation_sending"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="last_sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(emailed_before, migrations.RunPython.noop),
    ]
