"""Narrow who may write memberships: a person may read their own memberships at any employer, but a
membership is written only inside its employer's tenant context (or the national scope)."""

from django.db import migrations

from asye.tenancy.rls import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        EnableRowLevelSecurity(
            "accounts_membership",
            using_extra="user_id = NULLIF(current_setting('app.user_id', true), '')::bigint",
            check_extra="",
        ),
    ]
