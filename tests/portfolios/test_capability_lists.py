"""One list of "the capability statements for this registration": its portfolio's frameworks once started,
and before that the ones it will start with (the PCF and the standards of its service area). Every form
that offers capabilities uses it: the portfolio's records and a review's practice examples alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from asye.tenancy.db import tenant_context
from portfolios.capabilities import registration_statements
from portfolios.models import Portfolio
from reviews.models import PracticeExample
from reviews.services.practice_examples import practice_example_add
from tests.portfolios.conftest import linked_registration, portfolio_of
from tests.programmes.conftest import actor_for
from tests.reviews.review_fixtures import scheduled

pytestmark = pytest.mark.django_db


def labels(statements) -> list[str]:
    return [s.label for s in statements]


def test_a_registration_not_yet_started_lists_its_frameworks_statements(employer_a):
    registration = linked_registration(employer_a)
    with tenant_context(employer_a.employer.pk):
        assert not Portfolio.objects.filter(registration=registration).exists()
        before = registration_statements(registration)
    assert labels(before) == [f"PCF {n}" for n in range(1, 10)] + [f"PQS {n}" for n in range(1, 11)]
    portfolio_of(employer_a, registration)
    with tenant_context(employer_a.employer.pk):
        assert labels(registration_statements(registration)) == labels(before)


def test_an_adults_registration_lists_the_pcf_and_the_adults_kss(employer_a):
    registration = linked_registration(employer_a, service_area="adults")
    with tenant_context(employer_a.employer.pk):
        codes = {s.capability_set.code for s in registration_statements(registration)}
    assert codes == {"pcf", "adults-kss"}


def test_a_practice_example_offers_the_capabilities_before_the_portfolio_is_started(
    client, login, employer_a
):
    registration = linked_registration(employer_a)
    review = scheduled(employer_a, registration, month=3)
    login(employer_a.assessor)
    page = client.get(reverse("reviews:example_add", args=[review.pk])).content.decode()
    assert "PCF 1: Professionalism" in page and "PQS 1:" in page
    with tenant_context(employer_a.employer.pk):
        assert not Portfolio.objects.filter(registration=registration).exists()
        wanted = next(s for s in registration_statements(registration) if s.label == "PQS 1")
    response = client.post(
        reverse("reviews:example_add", args=[review.pk]),
        {"text": "She explained the plan to the child in words he used.", "statement": str(wanted.pk)},
    )
    assert response.status_code == 302
    with tenant_context(employer_a.employer.pk):
        assert PracticeExample.objects.get(review=review).statement_id == wanted.pk
        # Another framework's statement is still refused.
        kss = next(
            s
            for s in registration_statements(linked_registration(employer_a, service_area="adults"))
            if s.capability_set.code == "adults-kss"
        )
        with pytest.raises(ValidationError) as raised:
            practice_example_add(
                actor=actor_for(employer_a.assessor, employer_a.employer),
                review=review,
                text="Another framework",
                statement_id=kss.pk,
            )
    assert "statement" in raised.value.message_dict
