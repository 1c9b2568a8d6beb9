"""The learning agreement's pages: draft, change, a confirmation page for each signature, the page after
a new assessor, and who may open what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asye.tenancy.db import tenant_context
from portfolios import agreements as services
from portfolios.models import AgreementSignature, LearningAgreement
from programmes.models import Registration
from programmes.services import registration_allocate_assessor
from tests.factories import person
from tests.portfolios.conftest import linked_registration
from tests.portfolios.test_agreement_services import TEXT, draft, sign
from tests.programmes.conftest import TODAY, actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(employer_a):
    return linked_registration(employer_a)


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_nqsw_drafts_the_agreement_and_each_of_the_three_signs_it(
    client, login, employer_a, registration
):
    login(employer_a.nqsw)
    url = reverse("portfolios:agreement", args=[registration.pk])
    assert "Draft the learning agreement" in page_text(client.get(url))
    response = client.post(reverse("portfolios:agreement_add", args=[registration.pk]), TEXT)
    assert response.status_code == 302 and response["Location"] == url
    with tenant_context(employer_a.employer.pk):
        agreement = LearningAgreement.objects.get()

    for user, signed_as in (
        (employer_a.nqsw, "nqsw"),
        (employer_a.assessor, "assessor"),
        (employer_a.line_manager, "line_manager"),
    ):
        login(user)
        sign_url = reverse("portfolios:agreement_sign", args=[agreement.pk])
        confirmation = page_text(client.get(sign_url))
        assert "Sign the learning agreement" in confirmation and TEXT["protected_time"] in confirmation
        with tenant_context(employer_a.employer.pk):
            version = LearningAgreement.objects.get(pk=agreement.pk).version
        response = client.post(sign_url, {"signed_as": signed_as, "version": version})
        assert response.status_code == 302, response.content.decode()[:2000]

    text = page_text(client.get(url))
    assert "Signed" in text and "Signed by all three on" in text
    with tenant_context(employer_a.employer.pk):
        assert AgreementSignature.objects.filter(agreement=agreement).count() == 3
        assert not Registration.objects.get(pk=registration.pk).learning_agreement_needs_signing


def test_missing_parts_are_shown_in_the_error_summary(client, login, employer_a, registration):
    login(employer_a.assessor)
    response = client.post(
        reverse("portfolios:agreement_add", args=[registration.pk]), {**TEXT, "review_dates": ""}
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "There is a problem" in text and "Enter when the reviews will be held" in text
    assert "<title>Error: Draft the learning agreement" in response.content.decode()


def test_the_line_manager_reads_and_signs_but_does_not_draft(client, login, employer_a, registration):
    login(employer_a.line_manager)
    assert client.get(reverse("portfolios:agreement", args=[registration.pk])).status_code == 200
    assert client.get(reverse("portfolios:agreement_add", args=[registration.pk])).status_code == 403
    assert client.post(reverse("portfolios:agreement_add", args=[registration.pk]), TEXT).status_code == 403


def test_the_coordinator_cannot_sign(client, login, employer_a, registration):
    agreement = draft(employer_a, registration)
    login(employer_a.coordinator)
    url = reverse("portfolios:agreement_sign", args=[agreement.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"signed_as": "nqsw", "version": agreement.version}).status_code == 403


def test_an_assessor_of_another_nqsw_gets_404(client, login, employer_a, registration):
    agreement = draft(employer_a, registration)
    other = person(role="assessor", employer=employer_a.employer, email="another.assessor@a.example")
    login(other)
    assert client.get(reverse("portfolios:agreement", args=[registration.pk])).status_code == 404
    assert client.get(reverse("portfolios:agreement_sign", args=[agreement.pk])).status_code == 404
    assert client.post(reverse("portfolios:agreement_change", args=[agreement.pk]), TEXT).status_code == 404


def test_a_stale_change_keeps_the_persons_words_and_says_why(client, login, employer_a, registration):
    agreement = draft(employer_a, registration)
    stale = agreement.version
    with tenant_context(employer_a.employer.pk):
        services.agreement_update(
            actor=actor_for(employer_a.assessor, employer_a.employer),
            agreement=agreement,
            version=stale,
            **{**TEXT, "supervision_plan": "The assessor's change"},
        )
    login(employer_a.nqsw)
    response = client.post(
        reverse("portfolios:agreement_change", args=[agreement.pk]),
        {**TEXT, "supervision_plan": "My own words", "version": stale},
    )
    assert response.status_code == 409
    text = page_text(response)
    assert "Someone else changed this agreement since you opened it" in text
    assert "My own words" in text and "The assessor&#x27;s change" in text
    with tenant_context(employer_a.employer.pk):
        assert LearningAgreement.objects.get(pk=agreement.pk).supervision_plan == "The assessor's change"


def test_a_signed_revision_shows_no_form_and_a_post_changes_nothing(client, login, employer_a, registration):
    agreement = draft(employer_a, registration)
    sign(employer_a, employer_a.nqsw, agreement, "nqsw")
    login(employer_a.assessor)
    url = reverse("portfolios:agreement_change", args=[agreement.pk])
    text = page_text(client.get(url))
    assert "its words are kept as they were signed" in text and "Save the agreement" not in text
    client.post(url, {**TEXT, "protected_time": "Changed", "version": agreement.version + 5})
    with tenant_context(employer_a.employer.pk):
        assert LearningAgreement.objects.get(pk=agreement.pk).protected_time == TEXT["protected_time"]


def test_after_a_new_assessor_the_page_asks_for_a_new_revision_from_the_old_words(
    client, login, employer_a, registration
):
    agreement = draft(employer_a, registration)
    for user, part in (
        (employer_a.nqsw, "nqsw"),
        (employer_a.assessor, "assessor"),
        (employer_a.line_manager, "line_manager"),
    ):
        sign(employer_a, user, agreement, part)
    new_assessor = person(
        role="assessor", employer=employer_a.employer, email="nia@a.example", full_name="Nia New"
    )
    with tenant_context(employer_a.employer.pk):
        registration_allocate_assessor(
            actor=actor_for(employer_a.coordinator, employer_a.employer),
            registration=Registration.objects.get(pk=registration.pk),
            assessor_id=new_assessor.pk,
            on=TODAY,
        )
    login(new_assessor)
    text = page_text(client.get(reverse("portfolios:agreement", args=[registration.pk])))
    assert "Must be signed again" in text and "Start a new revision" in text
    # The portfolio's task list says so too, rather than "Completed".
    overview = page_text(client.get(reverse("portfolios:overview", args=[registration.pk])))
    assert "Must be signed again" in overview
    form = page_text(client.get(reverse("portfolios:agreement_add", args=[registration.pk])))
    assert TEXT["supervision_plan"] in form and "Why is the agreement being revised?" in form
    response = client.post(
        reverse("portfolios:agreement_add", args=[registration.pk]), {**TEXT, "reason": "New assessor"}
    )
    assert response.status_code == 302
    text = page_text(client.get(reverse("portfolios:agreement", args=[registration.pk])))
    assert "Revision 2" in text and "Earlier revisions" in text and "Nia New" in text
