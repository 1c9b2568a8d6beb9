"""The invitation email leaves after the invitation is saved, by the outbox's task (#15): never inside the
web request, once per link however often the task runs, tried again with backoff while the relay's
failures are transient, and what became of it is recorded on the invitation, in the audit trail and on
the Team page ("Sending", "Sent", "Not sent")."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from asye import clock
from asye.accounts.models import Invitation, Role
from asye.audit.models import AuditEvent
from asye.notifications import outbox
from asye.notifications.models import OutboxEmail
from asye.notifications.outbox import outbox_send

pytestmark = pytest.mark.django_db

EMAIL = "new.assessor@a.example"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FAILING = "tests.accounts.failing_email.EmailBackend"  # 451: transient
REFUSING = "tests.accounts.test_invitation_sending.RefusingEmailBackend"


class RefusingEmailBackend(BaseEmailBackend):
    """A relay that refuses the address for good (a 550 reply): sending again will not help."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({EMAIL: (550, b"5.1.1 No such user")})


def invite(client):
    return client.post(
        reverse("accounts:invite"), {"full_name": "Nia New", "email": EMAIL, "role": Role.ASSESSOR}
    )


def the_invitation(unscoped) -> Invitation:
    with unscoped():
        return Invitation.objects.get(email=EMAIL)


def the_email(unscoped) -> OutboxEmail:
    with unscoped():
        return OutboxEmail.objects.get(kind="invitation", to_address=EMAIL)


def actions(unscoped, invitation) -> list[str]:
    with unscoped():
        return list(
            AuditEvent.objects.filter(object_type="accounts.invitation", object_id=str(invitation.pk))
            .order_by("pk")
            .values_list("action", flat=True)
        )


def test_nothing_is_sent_in_the_request_the_team_page_says_sending_then_sent(
    client, login, employer_a, unscoped, django_capture_on_commit_callbacks
):
    login(employer_a.coordinator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = invite(client)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:team")
    assert mail.outbox == []  # the request wrote the email to the outbox and sent nothing
    assert the_invitation(unscoped).email_status == "sending"
    page = client.get(reverse("accounts:team")).content.decode()
    assert f"Invitation sent to {EMAIL}. The email is being sent" in page and "Sending" in page

    for callback in callbacks:  # the commit: the outbox's task runs (eagerly in tests)
        callback()
    [message] = mail.outbox
    assert message.to == [EMAIL] and "/invitations/" in message.body
    invitation = the_invitation(unscoped)
    assert invitation.email_status == "sent" and invitation.last_sent_at is not None
    page = client.get(reverse("accounts:team")).content.decode()
    assert 'govuk-tag--green">Sent<' in page and "being sent" not in page


def test_a_task_run_again_sends_the_email_once(
    client, login, employer_a, unscoped, django_capture_on_commit_callbacks
):
    login(employer_a.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client)
    email = the_email(unscoped)
    # Redelivered after a worker died, a second worker, the minute sweep: nothing more leaves.
    assert outbox_send.apply(args=(email.pk,)).get() == "skipped"
    assert outbox_send.apply(args=(email.pk,)).get() == "skipped"
    assert outbox.outbox_flush() == {}
    assert len(mail.outbox) == 1
    invitation = the_invitation(unscoped)
    assert actions(unscoped, invitation) == ["invitation.created", "invitation.emailed"]
    row = the_email(unscoped)
    assert (row.status, row.attempts, row.body_text) == ("sent", 1, "")  # the link is not kept


def test_a_transient_failure_is_tried_again_with_backoff_and_the_page_follows_it(
    client, login, employer_a, unscoped, settings, time_machine, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    login(employer_a.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client)
    email = the_email(unscoped)
    assert email.status == "pending" and email.next_attempt_at > clock.now()  # to be tried again
    assert the_invitation(unscoped).email_status == "failed"
    assert "Not sent" in client.get(reverse("accounts:team")).content.decode()
    # Still failing at the next attempt: recorded on the row, not audited again.
    time_machine.move_to(email.next_attempt_at + datetime.timedelta(seconds=1))
    assert outbox.outbox_flush() == {"failed": 1}
    settings.EMAIL_BACKEND = LOCMEM
    time_machine.move_to(the_email(unscoped).next_attempt_at + datetime.timedelta(seconds=1))
    assert outbox.outbox_flush() == {"sent": 1}
    assert len(mail.outbox) == 1
    invitation = the_invitation(unscoped)
    assert invitation.email_status == "sent" and invitation.send_attempts == 1
    assert actions(unscoped, invitation) == [
        "invitation.created",
        "invitation.email_failed",
        "invitation.emailed",
    ]
    page = client.get(reverse("accounts:team")).content.decode()
    assert "could not be sent" not in page and "Not sent" not in page


def test_a_permanent_refusal_fails_at_once_and_is_not_tried_again(
    client, login, employer_a, unscoped, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = REFUSING
    login(employer_a.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        invite(client)
    email = the_email(unscoped)
    assert (email.status, email.attempts) == ("failed", 1)
    assert email.last_error.startswith("SMTPRecipientsRefused")
    invitation = the_invitation(unscoped)
    with unscoped():
        failure = AuditEvent.objects.get(action="invitation.email_failed", object_id=str(invitation.pk))
    assert failure.changes["trying_again"] is False and failure.actor_label == "system"
    page = client.get(reverse("accounts:team")).content.decode()
    assert f"The invitation was saved but the email could not be sent to {EMAIL}" in page


def test_an_email_superseded_by_sending_again_changes_nothing(
    client, login, employer_a, unscoped, time_machine, django_capture_on_commit_callbacks
):
    login(employer_a.coordinator)
    with django_capture_on_commit_callbacks(execute=False):
        invite(client)  # its email never leaves (the worker is slow)...
    time_machine.move_to(clock.now() + datetime.timedelta(minutes=2))
    invitation = the_invitation(unscoped)
    url = reverse("accounts:resend_invitation", args=[invitation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)  # ...and the co-ordinator sends it again: the first email is cancelled
    with unscoped():
        statuses = list(
            OutboxEmail.objects.filter(kind="invitation").order_by("pk").values_list("status", flat=True)
        )
    assert statuses == ["cancelled", "sent"] and len(mail.outbox) == 1
    assert the_invitation(unscoped).email_status == "sent"


def test_the_transient_and_permanent_failures():
    assert outbox.is_transient(smtplib.SMTPServerDisconnected("gone"))
    assert outbox.is_transient(smtplib.SMTPResponseException(421, b"busy"))
    assert outbox.is_transient(ConnectionRefusedError())
    assert outbox.is_transient(smtplib.SMTPConnectError(554, b"no service"))
    assert not outbox.is_transient(smtplib.SMTPResponseException(554, b"rejected"))
    assert not outbox.is_transient(smtplib.SMTPRecipientsRefused({}))
    assert not outbox.is_transient(ValueError("a header with a new line"))
