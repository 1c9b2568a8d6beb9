"""An email backend that always fails, as an SMTP relay that refuses or is down would."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 4.3.0 The relay is not accepting mail just now")
