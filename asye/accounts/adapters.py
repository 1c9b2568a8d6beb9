"""allauth adapters: nobody signs up on their own, and MFA secrets are encrypted at rest."""

from __future__ import annotations

import base64
import functools

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Nobody signs themselves up: people join by an invitation to a role (accounts.services)."""
        return False


class MfaAdapter(DefaultMFAAdapter):
    """allauth's MFA with its secrets (TOTP keys, recovery-code seeds) encrypted at rest.

    Fernet (AES-128-CBC with HMAC-SHA256) under the keys in ``ASYE_MFA_ENCRYPTION_KEYS``, newest first, so
    a key can be rotated: new secrets use the first key and older ones still decrypt. Without that
    setting keys are derived from ``SECRET_KEY`` and its fallbacks (HKDF-SHA256), so a database copy alone
    does not give anyone the second factor, and rotating the secret key the usual way keeps MFA working.
    A value stored before encryption was introduced (no Fernet prefix) is read as it is and encrypted the
    next time allauth writes it.
    """

    def encrypt(self, text: str) -> str:
        return ENCRYPTED_PREFIX + _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(ENCRYPTED_PREFIX):
            return encrypted_text
        token = encrypted_text.removeprefix(ENCRYPTED_PREFIX).encode()
        try:
            return _fernet().decrypt(token).decode()
        except InvalidToken as error:
            raise ImproperlyConfigured(
                "An MFA secret cannot be decrypted with ASYE_MFA_ENCRYPTION_KEYS: a key has been removed "
                "before the secrets that use it were re-encrypted."
            ) from error


ENCRYPTED_PREFIX = "fernet:"


def _derived_key(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"asye.mfa.secrets")
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


@functools.cache
def _fernet_for(keys: tuple[str, ...], secret_keys: tuple[str, ...]) -> MultiFernet:
    if keys:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    return MultiFernet([Fernet(_derived_key(secret)) for secret in secret_keys])


def _fernet() -> MultiFernet:
    return _fernet_for(
        tuple(settings.ASYE_MFA_ENCRYPTION_KEYS),
        (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())),
    )
