"""Password-reset tokens that read only their own person's email addresses.

allauth's token mixes the person's addresses into its hash (and first copies ``User.email`` into
``account_emailaddress`` if it is missing). Those rows have row-level security keyed on the person, and
nobody is signed in when a reset is asked for or its link is opened, so the token is made and checked
with ``app.auth_user_id`` set to the person it is for, and to nobody else.

Named by ``ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR``. allauth builds its default generator while
``allauth.account.forms`` is being imported, so this module must be importable at that moment: it needs
only the class defined above that line (``AccountsConfig.ready`` imports allauth's forms first).
"""

from __future__ import annotations

from allauth.account.forms import EmailAwarePasswordResetTokenGenerator

from asye.tenancy.db import tenant_settings


class PasswordResetTokenGenerator(EmailAwarePasswordResetTokenGenerator):
    def _make_hash_value(self, user, timestamp) -> str:
        with tenant_settings(auth_user_id=user.pk):
            return super()._make_hash_value(user, timestamp)
