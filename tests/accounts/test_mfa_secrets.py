"""MFA secrets (TOTP keys, recovery-code seeds) are encrypted at rest and still work."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from asye.accounts.adapters import ENCRYPTED_PREFIX, MfaAdapter, _fernet_for
from asye.tenancy.db import tenant_settings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SECRET = "JBSWY3DPEHPK3PXP"


def current_code(secret: str) -> str:
    return format_hotp_value(
        hotp_value(
            secret, list(yield_hotp_counters_from_time())[len(list(yield_hotp_counters_from_time())) // 2]
        )
    )


def test_a_new_totp_secret_is_stored_encrypted_and_still_validates_codes():
    user = UserFactory()
    # Authenticators are readable by their own person (row-level security): act as them.
    with tenant_settings(user_id=user.pk):
        TOTP.activate(user, SECRET)
        stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
        assert stored.startswith(ENCRYPTED_PREFIX)
        assert SECRET not in stored
        totp = TOTP(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP))
        assert totp.validate_code(current_code(SECRET))


def test_recovery_code_seed_is_encrypted_and_codes_are_stable():
    user = UserFactory()
    with tenant_settings(user_id=user.pk):
        codes = RecoveryCodes.activate(user)
        stored = codes.instance.data["seed"]
        assert stored.startswith(ENCRYPTED_PREFIX)
        again = RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk))
        assert again.get_unused_codes() == codes.get_unused_codes()


def test_a_secret_stored_before_encryption_is_still_read():
    assert MfaAdapter().decrypt(SECRET) == SECRET


def test_keys_rotate_newest_first(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ASYE_MFA_ENCRYPTION_KEYS = [old]
    _fernet_for.cache_clear()
    under_old = MfaAdapter().encrypt(SECRET)
    settings.ASYE_MFA_ENCRYPTION_KEYS = [new, old]
    assert MfaAdapter().decrypt(under_old) == SECRET
    under_new = MfaAdapter().encrypt(SECRET)
    settings.ASYE_MFA_ENCRYPTION_KEYS = [new]
    assert MfaAdapter().decrypt(under_new) == SECRET
    with pytest.raises(ImproperlyConfigured):
        MfaAdapter().decrypt(under_old)


def test_derived_keys_follow_secret_key_rotation(settings):
    settings.ASYE_MFA_ENCRYPTION_KEYS = []
    settings.SECRET_KEY = "old-secret-key-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = []
    under_old = MfaAdapter().encrypt(SECRET)
    settings.SECRET_KEY = "new-secret-key-" + "y" * 40
    settings.SECRET_KEY_FALLBACKS = ["old-secret-key-" + "x" * 40]
    assert MfaAdapter().decrypt(under_old) == SECRET


def test_the_migration_encrypts_secrets_stored_in_the_clear():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("asye.accounts.migrations.0003_encrypt_existing_mfa_secrets")
    user = UserFactory()
    # The migration ran before authenticators had row-level security; here it runs as their person.
    with tenant_settings(user_id=user.pk):
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": SECRET})
        migration.encrypt_existing(apps, None)
        migration.encrypt_existing(apps, None)  # a second run leaves encrypted values alone
        stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert stored.startswith(ENCRYPTED_PREFIX)
    assert MfaAdapter().decrypt(stored) == SECRET
