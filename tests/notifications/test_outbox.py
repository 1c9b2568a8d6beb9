"""The outbox: written in the change's transaction (a rolled-back change sends nothing), sent once after
commit, retried with exponential backoff, never sent twice however often its task runs."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction

from asye import clock
from asye.notifications import outbox
from asye.notifications.models import OutboxEmail
from asye.notifications.tasks import outbox_send
from asye.tenancy.db import tenant_context

pytestmark = pytest.mark.django_db
FAILING = "tests.accounts.failing_email.EmailBackend"


def queue(employer_a, **overrides):
    values = {
        "to": "someone@a.example",
        "subject": "Hello",
        "template": "notifications/email/notification",
        "context": {"message": "A review is due", "link": "/reviews/"},
        "kind": "test",
        "employer_id": employer_a.employer.pk,
    }
    values.update(overrides)
    return outbox.email_queue(**values)


def test_a_rolled_back_change_sends_nothing(employer_a, unscoped, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), tenant_context(employer_a.employer.pk), transaction.atomic():
            queue(employer_a)
            raise RuntimeError("the change failed")
    assert mail.outbox == []
    with unscoped():
        assert not OutboxEmail.objects.exists()


def test_sent_once_after_commit_with_text_and_html_and_never_again(
    employer_a, unscoped, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        tenant_context(employer_a.employer.pk),
    ):
        email = queue(employer_a, contains_secret=True)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["someone@a.example"] and "A review is due" in message.body
    [(html, mime)] = message.alternatives
    assert mime == "text/html" and "A review is due" in html
    # A redelivered task, the sweep, a second worker: nothing more.
    assert outbox_send.apply(args=(email.pk,)).get() == "skipped"
    assert outbox.outbox_flush() == {}
    assert len(mail.outbox) == 1
    with unscoped():
        row = OutboxEmail.objects.get(pk=email.pk)
    assert (row.status, row.attempts, row.body_text, row.body_html) == ("sent", 1, "", "")  # secret gone


def test_a_failure_is_retried_with_exponential_backoff_then_sent_once(
    employer_a, unscoped, settings, time_machine
):
    with tenant_context(employer_a.employer.pk):
        email = queue(employer_a)
    settings.EMAIL_BACKEND = FAILING
    waits = []
    for _ in range(3):
        assert outbox.outbox_deliver(email_id=email.pk) == "failed"
        with unscoped():
            row = OutboxEmail.objects.get(pk=email.pk)
        waits.append(row.next_attempt_at - clock.now())
        assert outbox.outbox_deliver(email_id=email.pk) == "not_due"  # not before its time
        time_machine.move_to(row.next_attempt_at + datetime.timedelta(seconds=1))
    assert [round(w.total_seconds() / 60) for w in waits] == [1, 2, 4]
    assert row.status == "pending" and row.attempts == 3 and row.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.outbox_flush() == {"sent": 1}
    assert outbox.outbox_flush() == {}
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_it_fails_for_good(employer_a, unscoped, settings, time_machine):
    with tenant_context(employer_a.employer.pk):
        email = queue(employer_a)
    settings.EMAIL_BACKEND = FAILING
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.outbox_deliver(email_id=email.pk)
        time_machine.move_to(clock.now() + outbox.BACKOFF_CAP + datetime.timedelta(seconds=1))
    with unscoped():
        row = OutboxEmail.objects.get(pk=email.pk)
    assert (row.status, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert outbox.outbox_deliver(email_id=email.pk) == "skipped"


def test_a_cancelled_email_is_not_sent(employer_a, unscoped):
    with tenant_context(employer_a.employer.pk):
        email = queue(employer_a)
        invitation_like = employer_a.employer
        OutboxEmail.objects.filter(pk=email.pk).update(
            about_type="tenancy.employer", about_id=str(invitation_like.pk)
        )
        assert outbox.outbox_cancel(about=invitation_like) == 1
    assert outbox.outbox_deliver(email_id=email.pk) == "skipped"
    assert mail.outbox == []


def test_another_employers_outbox_is_invisible(employer_a, employer_b):
    with tenant_context(employer_a.employer.pk):
        queue(employer_a)
    with tenant_context(employer_b.employer.pk):
        assert not OutboxEmail.objects.exists()
