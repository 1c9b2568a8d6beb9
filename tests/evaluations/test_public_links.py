"""The respondent's single-use link: answered without an account, once; unknown links are 404, used links
and closed evaluations 410, and nothing changes; the response is stored without the invitation or the
person, and the invitation only marked used; the page never shows anyone's answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asye.notifications.models import OutboxEmail
from asye.tenancy.db import tenant_context
from evaluations import public_views
from evaluations.models import EvaluationInvitation, EvaluationRating, EvaluationResponse
from evaluations.services import secret_hash
from tests.evaluations.helpers import answers, close, invite, open_cycle

pytestmark = pytest.mark.django_db


def _form(given: dict[int, str]) -> dict[str, str]:
    return {f"statement_{number}": value for number, value in given.items()}


def test_a_respondent_answers_once_without_an_account(client, employer_a):
    cycle = open_cycle(employer_a)
    (secret,) = invite(employer_a, cycle, "other", ["Partner@University.example"])
    url = reverse("evaluation_response:answer", args=[secret])
    page = client.get(url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store, private"
    assert "Rate the ASYE programme at Alphashire County Council" in page.content.decode()
    # Missing answers: the GOV.UK error summary, nothing stored.
    partial = client.post(url, _form({1: "4"}))
    assert partial.status_code == 200
    assert "govuk-error-summary" in partial.content.decode()
    assert "Select a rating for statement 2" in partial.content.decode()
    done = client.post(url, _form(answers("5", s3="dont_know")))
    assert done.status_code == 302 and done["Location"] == reverse("evaluation_response:thanks")
    with tenant_context(employer_a.employer.pk):
        response = EvaluationResponse.objects.get(cycle=cycle, respondent_type="other")
        assert response.submitted_on is not None
        assert EvaluationRating.objects.filter(response=response).count() == 33
        assert EvaluationRating.objects.get(response=response, statement__number=3).rating is None
        assert EvaluationInvitation.objects.get(cycle=cycle).used
    # Used: 410, and a second answer is not stored.
    again = client.post(url, _form(answers("1")))
    assert again.status_code == 410
    assert client.get(url).status_code == 410
    with tenant_context(employer_a.employer.pk):
        assert EvaluationResponse.objects.filter(cycle=cycle, respondent_type="other").count() == 1


def test_unknown_and_closed_links_change_nothing(client, employer_a):
    cycle = open_cycle(employer_a)
    (secret,) = invite(employer_a, cycle, "nqsw", ["nqsw.x@alphashire.example"])
    assert client.get(reverse("evaluation_response:answer", args=["not-a-secret"])).status_code == 404
    close(employer_a, cycle)
    url = reverse("evaluation_response:answer", args=[secret])
    assert client.get(url).status_code == 410
    assert client.post(url, _form(answers())).status_code == 410
    with tenant_context(employer_a.employer.pk):
        assert not EvaluationResponse.objects.filter(cycle=cycle).exists()
        assert not EvaluationInvitation.objects.get(cycle=cycle).used


def test_the_response_cannot_be_joined_to_the_invitation(employer_a):
    """No column of a response names an invitation or a person, or holds a time; an invitation holds
    only the hash of its secret and whether it was used, never when."""
    response_fields = {field.name for field in EvaluationResponse._meta.get_fields()}
    assert response_fields == {
        "id",
        "employer",
        "cycle",
        "respondent_type",
        "submitted_on",
        "version",
        "ratings",
    }
    invitation_fields = {field.name for field in EvaluationInvitation._meta.concrete_fields}
    assert not {name for name in invitation_fields if name.endswith("_at")}
    cycle = open_cycle(employer_a)
    (secret,) = invite(employer_a, cycle, "nqsw", ["nqsw.y@alphashire.example"])
    with tenant_context(employer_a.employer.pk):
        invitation = EvaluationInvitation.objects.get(cycle=cycle)
        assert invitation.token_hash == secret_hash(secret) and secret not in str(vars(invitation))
        email = OutboxEmail.objects.get(about_id=str(invitation.pk), kind="evaluation_invitation")
        assert email.contains_secret and secret in email.body_text


def test_answers_are_rate_limited(client, employer_a, monkeypatch):
    monkeypatch.setattr(public_views, "ANSWERS_PER_MINUTE", 2)
    url = reverse("evaluation_response:answer", args=["unknown-secret"])
    assert client.post(url, {}).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert client.post(url, {}).status_code == 429
