"""allauth adapters: nobody signs up on their own, allauth's emails go through the outbox, and MFA secrets
are encrypted at rest."""

from __future__ import annotations

import base64
import functools

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured
from django.utils.html import strip_tags

from asye.notifications.outbox import email_queue_rendered, html_in_layout
from asye.tenancy.db import system_national_context


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        """Nobody signs themselves up: people join by an invitation to a role (accounts.services)."""
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Write allauth's email (the password-reset link, and any other it sends) to the outbox instead of
        sending it inside the request: it is sent after the request's transaction commits, by the
        outbox's task (which carries only the row's id) and tried again with backoff if the relay fails.

        Every allauth email is treated as holding a secret (a reset or confirmation link): its body lives
        only in the outbox row, in PostgreSQL, and is blanked once sent. The row has no employer (these
        emails are about a person's sign-in, not an employer's work), so it is written in the system's
        national context, the only one in which a row without an employer can be written."""
        message = self.render_mail(template_prefix, email, self._mail_context(email, context))
        html = next((body for body, mime in getattr(message, "alternatives", ()) if mime == "text/html"), "")
        text = message.body
        if message.content_subtype == "html":  # allauth rendered only an HTML body
            html, text = text, strip_tags(text)
        user = context.get("user")
        with system_national_context():
            email_queue_rendered(
                to=email,
                subject=message.subject,
                text=text,
                html=html or html_in_layout(text),
                kind=allauth_email_kind(template_prefix),
                person_id=getattr(user, "pk", None),
                contains_secret=True,
            )

    def _mail_context(self, email: str, context: dict) -> dict:
        """What allauth's own ``send_mail`` gives every template: the request, the address, the site."""
        request = allauth_context.request
        return {"request": request, "email": email, "current_site": get_current_site(request), **context}


def allauth_email_kind(template_prefix: str) -> str:
    """The outbox kind of an allauth email: ``account/email/password_reset_key`` is
    ``account.password_reset_key``."""
    return template_prefix.replace("/email/", ".").replace("/", ".")[:64]


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
