"""Encrypt the MFA secrets stored before asye.accounts.adapters.MfaAdapter encrypted them."""

from django.db import migrations


def encrypt_existing(apps, schema_editor):
    from asye.accounts.adapters import ENCRYPTED_PREFIX, MfaAdapter

    Authenticator = apps.get_model("mfa", "Authenticator")
    adapter = MfaAdapter()
    for authenticator in Authenticator.objects.filter(type__in=["totp", "recovery_codes"]).iterator():
        field = "secret" if authenticator.type == "totp" else "seed"
        value = (authenticator.data or {}).get(field)
        if value and not value.startswith(ENCRYPTED_PREFIX):
            authenticator.data[field] = adapter.encrypt(value)
            authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_membership_write_policy"), ("mfa", "0003_authenticator_type_uniq")]

    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop)]
