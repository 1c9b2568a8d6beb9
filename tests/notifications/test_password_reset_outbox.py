"""allauth's emails (the password-reset link) go through the outbox like every other email: written in the
request's transaction, sent once by the outbox's task after the commit (which carries only the row's id),
tried again with backoff when the relay fails, the link's secret blanked from the row once sent; an
address with no account gets the same page and nothing at all."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse

from asye import clock
from asye.accounts.adapters import allauth_email_kind
from asye.notifications import outbox
from asye.notifications.models import OutboxEmail

pytestmark = pytest.mark.django_db
FAILING = "tests.accounts.failing_email.EmailBackend"
LINK = re.compile(r"https?://[^/]+(/accounts/password/reset/key/\S+/)")
NEW_PASSWORD = "a-brand-new-pass-phrase-7"


def ask_for_reset(client, address: str, capture, *, execute: bool = True):
    with capture(execute=execute) as callbacks:
        response = client.post(reverse("account_reset_password"), {"email": address})
    assert response.status_code == 302 and response["Location"] == reverse("account_reset_password_done")
    return callbacks


def reset_rows(unscoped) -> list[OutboxEmail]:
    with unscoped():
        return list(OutboxEmail.objects.filter(kind="account.password_reset_key"))


def test_the_kind_is_named_after_allauths_template():
    assert allauth_email_kind("account/email/password_reset_key") == "account.password_reset_key"
    assert allauth_email_kind("mfa/email/totp_activated") == "mfa.totp_activated"


def test_the_reset_email_is_written_to_the_outbox_and_sent_once_after_the_commit(
    client, employer_a, unscoped, django_capture_on_commit_callbacks
):
    bob = employer_a.assessor
    with mock.patch.object(
        outbox.outbox_send, "apply_async", wraps=outbox.outbox_send.apply_async
    ) as enqueue:
        callbacks = ask_for_reset(client, bob.email, django_capture_on_commit_callbacks, execute=False)
        assert mail.outbox == []  # nothing leaves inside the request
        [row] = reset_rows(unscoped)
        assert (row.status, row.to_address, row.to_person_id, row.employer_id) == (
            "pending",
            bob.email,
            bob.pk,
            None,
        )
        assert row.contains_secret and LINK.search(row.body_text) and LINK.search(row.body_html)
        for callback in callbacks:
            callback()
    # The task was given the row's id and nothing else: the link stays in PostgreSQL.
    [call] = enqueue.call_args_list
    assert call.args == ((row.pk,),)
    [message] = mail.outbox
    assert message.to == [bob.email] and LINK.search(message.body)
    [(html, mime)] = message.alternatives
    assert mime == "text/html" and "/accounts/password/reset/key/" in html
    # Redelivered, swept again: nothing more goes, and the secret has gone from the row.
    assert outbox.outbox_send.apply(args=(row.pk,)).get() == "skipped"
    assert outbox.outbox_flush() == {}
    assert len(mail.outbox) == 1
    [row] = reset_rows(unscoped)
    assert (row.status, row.attempts, row.body_text, row.body_html) == ("sent", 1, "", "")


def test_a_relay_failure_is_retried_with_backoff_and_the_link_then_works(
    client, employer_a, unscoped, settings, time_machine, django_capture_on_commit_callbacks
):
    bob = employer_a.assessor
    settings.EMAIL_BACKEND = FAILING
    ask_for_reset(client, bob.email, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    [row] = reset_rows(unscoped)
    assert (row.status, row.attempts) == ("pending", 1) and "451" in row.last_error
    assert round((row.next_attempt_at - clock.now()).total_seconds() / 60) == 1  # backoff(1): a minute
    assert outbox.outbox_flush() == {}  # not before its time
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    time_machine.move_to(row.next_attempt_at + datetime.timedelta(seconds=1))
    assert outbox.outbox_flush() == {"sent": 1}
    assert outbox.outbox_flush() == {}
    [message] = mail.outbox
    [row] = reset_rows(unscoped)
    assert (row.status, row.attempts, row.body_text) == ("sent", 2, "")
    # The link in the email that went out sets a new password, once.
    link = LINK.search(message.body).group(1)
    form = client.get(link)
    assert form.status_code == 302
    response = client.post(form["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("account_login"), {"login": bob.email, "password": NEW_PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(bob.pk)


def test_an_address_with_no_account_gets_the_same_page_and_nothing_is_sent(
    client, unscoped, django_capture_on_commit_callbacks
):
    ask_for_reset(client, "nobody@nowhere.example", django_capture_on_commit_callbacks)
    assert mail.outbox == []
    with unscoped():
        assert not OutboxEmail.objects.filter(to_address="nobody@nowhere.example").exists()
