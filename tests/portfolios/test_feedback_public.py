"""The public feedback form behind a link: no account or session, a simpler version for children, a GOV.UK
error summary, and single use: answered, reused, expired, cancelled and unknown links change nothing, and
two answers sent at once cannot both be stored."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from asye.tenancy.db import tenant_context
from portfolios import feedback_links as services
from portfolios import feedback_requests
from portfolios.models import FeedbackRequest
from tests.portfolios.conftest import linked_registration
from tests.programmes.conftest import actor_for

pytestmark = pytest.mark.django_db

ADULT_ANSWER = {
    "what_went_well": "She listened and explained the plan",
    "what_could_be_better": "Come back when she says she will",
    "felt_listened_to": "sometimes",
    "anything_else": "Thank you",
}


def ask(tenant, kind="person", **overrides):
    registration = overrides.pop("registration", None) or linked_registration(tenant)
    with tenant_context(tenant.employer.pk):
        return feedback_requests.feedback_request_create(
            actor=actor_for(tenant.nqsw, tenant.employer),
            registration=registration,
            kind=kind,
            recipient_name="Maria",
            context="The meetings about your care plan",
            **overrides,
        )


def answer_url(secret: str) -> str:
    return reverse("feedback:answer", args=[secret])


def stored(tenant, issued) -> FeedbackRequest:
    with tenant_context(tenant.employer.pk):
        return FeedbackRequest.objects.get(pk=issued.feedback_request.pk)


def test_a_person_without_an_account_answers_once(client, employer_a):
    issued = ask(employer_a)
    url = answer_url(issued.secret)
    page = client.get(url)
    body = " ".join(page.content.decode().split())
    assert page.status_code == 200
    assert "Give feedback to Ada Okafor" in body and "Alphashire County Council" in body
    assert "The meetings about your care plan" in body and "Maria" not in body  # their name is not shown
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    assert "noindex" in page["X-Robots-Tag"]
    # No session is started for the person answering.
    assert settings.SESSION_COOKIE_NAME not in page.cookies

    response = client.post(url, ADULT_ANSWER)
    assert response.status_code == 302 and response["Location"] == reverse("feedback:thanks")
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "Feedback sent" in client.get(response["Location"]).content.decode()
    saved = stored(employer_a, issued)
    assert saved.status == FeedbackRequest.Status.ANSWERED and saved.answered_at is not None
    assert saved.what_went_well == ADULT_ANSWER["what_went_well"] and saved.felt_listened_to == "sometimes"

    # The link cannot be used again: the form is not shown, and a second answer changes nothing.
    again = client.get(url)
    assert again.status_code == 410 and "This feedback has already been sent" in again.content.decode()
    second = client.post(url, {**ADULT_ANSWER, "what_went_well": "Overwritten"})
    assert second.status_code == 410
    assert stored(employer_a, issued).what_went_well == ADULT_ANSWER["what_went_well"]
    with tenant_context(employer_a.employer.pk):
        from asye.audit.models import AuditEvent

        [event] = AuditEvent.objects.filter(action="feedback_request.answered")
    assert event.actor_user_id is None and event.employer_id == employer_a.employer.pk


def test_the_form_asks_for_what_is_missing_in_an_error_summary(client, employer_a):
    issued = ask(employer_a)
    response = client.post(answer_url(issued.secret), {"felt_listened_to": "", "what_went_well": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Give feedback to Ada Okafor" in body
    assert 'class="govuk-error-summary"' in body and "Select whether you felt listened to" in body
    response = client.post(answer_url(issued.secret), {"felt_listened_to": "yes"})
    assert "Tell us what went well or what could be better" in response.content.decode()
    assert stored(employer_a, issued).status == FeedbackRequest.Status.SENT


def test_children_get_a_simpler_form_with_answers_in_words(client, employer_a):
    issued = ask(employer_a, kind="child")
    page = client.get(answer_url(issued.secret))
    body = " ".join(page.content.decode().split())
    assert "Tell us what you think" in body and "Did Ada listen to you?" in body
    assert "There are 3 questions. You only have to answer the first one." in body
    for words in ("Yes, a lot", "A bit", "No", "I&#x27;m not sure"):
        assert f">{words}</label>" in body
    assert "anything_else" not in body and "govuk-heading-xl" in body

    response = client.post(answer_url(issued.secret), {})
    assert "Choose an answer to “did Ada listen to you?”" in response.content.decode()
    response = client.post(
        answer_url(issued.secret), {"felt_listened_to": "yes", "what_went_well": "Playing games"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("feedback:thanks") + "?simple=1"
    assert "Thank you!" in client.get(response["Location"]).content.decode()
    saved = stored(employer_a, issued)
    assert saved.felt_listened_to == "yes" and saved.what_went_well == "Playing games"


def test_an_unknown_secret_is_404_and_changes_nothing(client, employer_a):
    issued = ask(employer_a)
    for secret in ("not-a-real-secret", issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")):
        response = client.get(answer_url(secret))
        assert response.status_code == 404 and "This link does not work" in response.content.decode()
        assert client.post(answer_url(secret), ADULT_ANSWER).status_code == 404
    assert stored(employer_a, issued).status == FeedbackRequest.Status.SENT


def test_an_expired_link_is_gone(client, employer_a):
    issued = ask(employer_a)
    with tenant_context(employer_a.employer.pk):
        FeedbackRequest.objects.filter(pk=issued.feedback_request.pk).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
    response = client.get(answer_url(issued.secret))
    assert response.status_code == 410 and "This link has expired" in response.content.decode()
    assert client.post(answer_url(issued.secret), ADULT_ANSWER).status_code == 410
    assert stored(employer_a, issued).status == FeedbackRequest.Status.SENT
    assert stored(employer_a, issued).what_went_well == ""


def test_a_cancelled_link_is_gone(client, employer_a):
    issued = ask(employer_a)
    with tenant_context(employer_a.employer.pk):
        feedback_requests.feedback_request_cancel(
            actor=actor_for(employer_a.nqsw, employer_a.employer), feedback_request=issued.feedback_request
        )
    response = client.post(answer_url(issued.secret), ADULT_ANSWER)
    assert response.status_code == 410 and "This link has been cancelled" in response.content.decode()
    assert stored(employer_a, issued).what_went_well == ""


def test_a_link_to_a_submitted_portfolio_no_longer_works(client, employer_a):
    from portfolios.models import Portfolio

    issued = ask(employer_a)
    with tenant_context(employer_a.employer.pk):
        Portfolio.objects.filter(pk=issued.feedback_request.portfolio_id).update(submitted_at=timezone.now())
    response = client.get(answer_url(issued.secret))
    assert response.status_code == 410 and "This link no longer works" in response.content.decode()
    assert client.post(answer_url(issued.secret), ADULT_ANSWER).status_code == 410
    assert stored(employer_a, issued).status == FeedbackRequest.Status.SENT
    with transaction.atomic(), pytest.raises(services.FeedbackLinkNotUsable) as refused:
        services.feedback_request_answer(secret=issued.secret, answers=ADULT_ANSWER)
    assert refused.value.reason == "closed"


@pytest.mark.parametrize("who", ["b_coordinator", "a_assessor", "national"])
def test_the_link_works_signed_in_as_anyone(client, login, employer_a, employer_b, national_staff, who):
    user = {
        "b_coordinator": employer_b.coordinator,
        "a_assessor": employer_a.assessor,
        "national": national_staff,
    }[who]
    issued = ask(employer_a)
    login(user)
    assert client.get(answer_url(issued.secret)).status_code == 200
    assert client.post(answer_url(issued.secret), ADULT_ANSWER).status_code == 302
    assert stored(employer_a, issued).status == FeedbackRequest.Status.ANSWERED


def test_the_secret_reads_only_its_own_request(employer_a, employer_b):
    """Row-level security: the feedback hash opens one row, and writes need the employer's context."""
    mine = ask(employer_a)
    other = ask(employer_b)
    with transaction.atomic():
        found = services.feedback_request_find(secret=mine.secret)
        assert found.pk == mine.feedback_request.pk
        # Nothing else is visible, and the setting does not outlive the lookup.
        assert FeedbackRequest.objects.count() == 0
        assert not FeedbackRequest.objects.filter(pk=other.feedback_request.pk).exists()


def test_a_stale_read_cannot_overwrite_an_answer(employer_a, monkeypatch):
    """The answer is written only if the request is still waiting: a second submission that read the
    request before the first was stored (the race) is refused, not stored over it."""
    issued = ask(employer_a)
    with transaction.atomic():
        stale = services.feedback_request_find(secret=issued.secret)
    with transaction.atomic():
        services.feedback_request_answer(secret=issued.secret, answers=ADULT_ANSWER)
    monkeypatch.setattr(services, "feedback_request_find", lambda secret: stale)
    with transaction.atomic(), pytest.raises(services.FeedbackLinkNotUsable) as refused:
        services.feedback_request_answer(
            secret=issued.secret, answers={**ADULT_ANSWER, "what_went_well": "Second"}
        )
    assert refused.value.reason == "answered"
    assert stored(employer_a, issued).what_went_well == ADULT_ANSWER["what_went_well"]


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_once_store_exactly_one(employer_a):
    issued = ask(employer_a)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(text: str) -> None:
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                services.feedback_request_answer(
                    secret=issued.secret, answers={**ADULT_ANSWER, "what_went_well": text}
                )
            outcomes.append(text)
        except services.FeedbackLinkNotUsable as refused:
            outcomes.append(refused.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(f"Answer {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes)[-1] == "answered" and len(outcomes) == 2
    winner = next(o for o in outcomes if o.startswith("Answer"))
    assert stored(employer_a, issued).what_went_well == winner


def test_thanks_needs_no_secret(client):
    assert client.get(reverse("feedback:thanks")).status_code == 200
