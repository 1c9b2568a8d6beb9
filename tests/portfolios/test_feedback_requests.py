"""Feedback requests, the NQSW's side: a single-use secret link (only its hash stored) shown once, emailed
after commit when an address is given, 28 days to answer, cancelled while unanswered; answers read in the
portfolio."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_context
from portfolios import feedback_links as services
from portfolios import feedback_requests
from portfolios.models import FeedbackRequest
from tests.portfolios.conftest import linked_registration
from tests.programmes.conftest import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(employer_a):
    return linked_registration(employer_a)


def ask(tenant, registration, user=None, **overrides):
    values = {
        "kind": FeedbackRequest.Kind.PERSON,
        "recipient_name": "Maria",
        "context": "The meetings about your care plan",
        "recipient_email": "",
    }
    values.update(overrides)
    with tenant_context(tenant.employer.pk):
        return feedback_requests.feedback_request_create(
            actor=actor_for(user or tenant.nqsw, tenant.employer), registration=registration, **values
        )


def test_a_request_stores_only_the_hash_of_a_long_secret_and_expires_in_28_days(employer_a, registration):
    before = timezone.now()
    issued = ask(employer_a, registration)
    request = issued.feedback_request
    assert len(issued.secret) >= 43  # 32 random bytes
    assert request.token_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    with tenant_context(employer_a.employer.pk):
        stored = FeedbackRequest.objects.values().get(pk=request.pk)
    assert issued.secret not in str(stored)
    assert services.FEEDBACK_LINK_DAYS == 28
    assert (
        before + datetime.timedelta(days=28)
        <= request.expires_at
        <= timezone.now() + datetime.timedelta(days=28)
    )
    assert request.status == FeedbackRequest.Status.SENT


def test_two_requests_get_different_secrets(employer_a, registration):
    assert ask(employer_a, registration).secret != ask(employer_a, registration).secret


@pytest.mark.parametrize("who", ["assessor", "line_manager", "coordinator"])
def test_only_the_nqsw_asks_for_feedback(employer_a, registration, who):
    with pytest.raises(PermissionDenied):
        ask(employer_a, registration, getattr(employer_a, who))


def test_what_is_missing_is_asked_for(employer_a, registration):
    with pytest.raises(ValidationError) as raised:
        ask(
            employer_a,
            registration,
            kind="neighbour",
            recipient_name="",
            context="",
            recipient_email="not-an-email",
        )
    assert raised.value.message_dict == {
        "kind": ["Select who you are asking for feedback"],
        "recipient_name": ["Enter their first name, so you can recognise their answer"],
        "recipient_email": ["Enter an email address in the correct format, like name@example.org"],
        "context": ["Enter what you would like feedback about"],
    }


def test_the_audit_trail_keeps_neither_the_name_nor_the_email(employer_a, registration):
    ask(employer_a, registration, recipient_email="maria@example.org")
    with tenant_context(employer_a.employer.pk):
        [event] = AuditEvent.objects.filter(action="feedback_request.created")
    assert "Maria" not in str(event.changes) and "maria@example.org" not in str(event.changes)


def test_the_link_is_emailed_after_commit_once(django_capture_on_commit_callbacks, employer_a, registration):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issued = ask(
            employer_a,
            registration,
            recipient_email="maria@example.org",
            link_builder=lambda secret: f"https://asye.example/feedback/{secret}/",
        )
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.to == ["maria@example.org"]
    assert f"https://asye.example/feedback/{issued.secret}/" in message.body
    assert "Ada Okafor" in message.body and "The meetings about your care plan" in message.body
    # Run again (a retried task): no second email.
    with tenant_context(employer_a.employer.pk):
        assert not services.feedback_request_send_email(
            feedback_request_id=issued.feedback_request.pk, link="https://asye.example/x/"
        )
    assert len(mail.outbox) == 1


def test_no_email_for_a_request_cancelled_before_the_task_ran(employer_a, registration):
    issued = ask(employer_a, registration, recipient_email="maria@example.org")
    with tenant_context(employer_a.employer.pk):
        feedback_requests.feedback_request_cancel(
            actor=actor_for(employer_a.nqsw, employer_a.employer), feedback_request=issued.feedback_request
        )
        assert not services.feedback_request_send_email(
            feedback_request_id=issued.feedback_request.pk, link="https://asye.example/feedback/x/"
        )
    assert mail.outbox == []


def test_the_task_runs_in_the_employers_tenant_context(employer_a, registration):
    from portfolios.tasks import feedback_request_email

    issued = ask(employer_a, registration, recipient_email="maria@example.org")
    assert feedback_request_email.apply(
        args=(employer_a.employer.pk, issued.feedback_request.pk, "https://asye.example/feedback/s/")
    ).get()
    assert len(mail.outbox) == 1


def test_cancelling_stops_the_link_and_an_answered_request_cannot_be_cancelled(employer_a, registration):
    issued = ask(employer_a, registration)
    actor = actor_for(employer_a.nqsw, employer_a.employer)
    with tenant_context(employer_a.employer.pk):
        cancelled = feedback_requests.feedback_request_cancel(
            actor=actor, feedback_request=issued.feedback_request
        )
        assert cancelled.status == FeedbackRequest.Status.CANCELLED
        # Harmless to repeat.
        assert (
            feedback_requests.feedback_request_cancel(actor=actor, feedback_request=cancelled).status
            == "cancelled"
        )
    answered = ask(employer_a, registration)
    services_answer(answered.secret)
    with tenant_context(employer_a.employer.pk), pytest.raises(ValidationError, match="has been answered"):
        feedback_requests.feedback_request_cancel(
            actor=actor, feedback_request=FeedbackRequest.objects.get(pk=answered.feedback_request.pk)
        )
    with tenant_context(employer_a.employer.pk), pytest.raises(PermissionDenied):
        feedback_requests.feedback_request_cancel(
            actor=actor_for(employer_a.assessor, employer_a.employer),
            feedback_request=FeedbackRequest.objects.get(pk=answered.feedback_request.pk),
        )


def services_answer(secret: str, **answers):
    from django.db import transaction

    with transaction.atomic():
        return services.feedback_request_answer(
            secret=secret,
            answers={"felt_listened_to": "yes", "what_went_well": "She explained things", **answers},
        )


# Pages ------------------------------------------------------------------------------------------------


def test_the_nqsw_creates_a_request_and_sees_the_link_once(client, login, employer_a, registration):
    login(employer_a.nqsw)
    response = client.post(
        reverse("portfolios:feedback_request_add", args=[registration.pk]),
        {"kind": "child", "recipient_name": "Jay", "context": "Our visits at school", "recipient_email": ""},
    )
    assert response.status_code == 302
    created = client.get(response["Location"])
    body = created.content.decode()
    # no-store from the view, private added to every signed-in page by the security headers (a954d09).
    assert created["Cache-Control"] == "no-store, private" and created["Referrer-Policy"] == "same-origin"
    [link] = re.findall(r'value="(http://testserver/feedback/[^"]+/)"', body)
    secret = link.rsplit("/", 2)[1]
    with tenant_context(employer_a.employer.pk):
        request = FeedbackRequest.objects.get()
    assert request.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    # Shown once: the secret is not kept anywhere the page could show it again.
    again = client.get(response["Location"]).content.decode()
    assert secret not in again and "The link has already been shown" in again
    assert mail.outbox == []


def test_the_request_form_prompts_for_what_is_missing(client, login, employer_a, registration):
    login(employer_a.nqsw)
    response = client.post(reverse("portfolios:feedback_request_add", args=[registration.pk]), {})
    body = response.content.decode()
    assert (
        "Select who you are asking for feedback" in body
        and "Enter what you would like feedback about" in body
    )


def test_readers_see_answers_but_only_the_nqsw_creates_or_cancels(client, login, employer_a, registration):
    answered = ask(employer_a, registration)
    services_answer(answered.secret, what_could_be_better="Come on time")
    waiting = ask(employer_a, registration, recipient_name="Tom", recipient_email="tom@example.org")

    login(employer_a.assessor)
    page = client.get(
        reverse("portfolios:feedback_request", args=[answered.feedback_request.pk])
    ).content.decode()
    assert "Come on time" in page and "She explained things" in page
    listing = client.get(reverse("portfolios:feedback_requests", args=[registration.pk])).content.decode()
    assert "Answered" in listing and "Waiting for an answer" in listing
    waiting_page = client.get(reverse("portfolios:feedback_request", args=[waiting.feedback_request.pk]))
    assert "tom@example.org" not in waiting_page.content.decode()  # the email address is the NQSW's to see
    assert client.get(reverse("portfolios:feedback_request_add", args=[registration.pk])).status_code == 403
    cancel = reverse("portfolios:feedback_request_cancel", args=[waiting.feedback_request.pk])
    assert client.post(cancel).status_code == 403

    login(employer_a.nqsw)
    assert client.post(cancel).status_code == 302
    with tenant_context(employer_a.employer.pk):
        assert FeedbackRequest.objects.get(pk=waiting.feedback_request.pk).status == "cancelled"
    response = client.post(reverse("portfolios:feedback_request_cancel", args=[answered.feedback_request.pk]))
    assert response.status_code == 400
    with tenant_context(employer_a.employer.pk):
        assert FeedbackRequest.objects.get(pk=answered.feedback_request.pk).status == "answered"


def test_another_nqsws_requests_are_404(client, login, employer_a, registration):
    from tests.factories import person

    issued = ask(employer_a, registration)
    login(person(role="nqsw", employer=employer_a.employer, email="someone@a.example"))
    for name in ("feedback_request", "feedback_request_cancel", "feedback_request_created"):
        assert client.get(reverse(f"portfolios:{name}", args=[issued.feedback_request.pk])).status_code == 404
    assert client.get(reverse("portfolios:feedback_requests", args=[registration.pk])).status_code == 404
