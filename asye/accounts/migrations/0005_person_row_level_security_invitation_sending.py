"""Row-level security on the person-owned tables of third-party apps (sessions, allauth's authenticators
and email addresses), keyed on the person; and the invitation email's sending record (#12.6, #12.11).

Runs as the owner, which FORCE binds too: a later data migration on these tables must set the person's
settings (``asye.tenancy.db.tenant_settings``) to see their rows.
"""

from django.db import migrations, models

from asye.accounts.rls import EnablePersonRowLevelSecurity, EnableSessionRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_date_joined_from_the_clock"),
        ("sessions", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="send_attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="invitation",
            name="last_send_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="last_send_failed",
            field=models.BooleanField(default=False),
        ),
        EnablePersonRowLevelSecurity("mfa_authenticator"),
        EnablePersonRowLevelSecurity("account_emailaddress"),
        EnableSessionRowLevelSecurity("django_session"),
    ]
