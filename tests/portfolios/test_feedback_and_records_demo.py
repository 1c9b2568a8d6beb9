"""The demo records (``portfolios.demo_records.seed_records``): what the demo NQSW's portfolio holds, a
little for the others, every page showing it, and a second run creating nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from asye.tenancy.db import system_national_context, tenant_context
from portfolios.demo_records import DEMO_NQSW, seed_records
from portfolios.models import (
    FeedbackRequest,
    LearningAgreement,
    Observation,
    ObservationAmendment,
    PdpObjective,
    Portfolio,
    SelfAssessment,
    SelfAssessmentRating,
)
from programmes.models import Registration
from tests.factories import person
from tests.portfolios.conftest import linked_registration, portfolio_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(employer_a):
    demo_nqsw = person(role="nqsw", employer=employer_a.employer, email=DEMO_NQSW, full_name="Sam Taylor")
    mine = linked_registration(employer_a, nqsw=demo_nqsw, first_name="Sam", last_name="Taylor")
    other = linked_registration(employer_a)
    portfolios = [portfolio_of(employer_a, mine), portfolio_of(employer_a, other)]
    with system_national_context():
        created = seed_records(portfolios)
    return demo_nqsw, mine, other, created


def test_the_demo_nqsws_portfolio_has_every_kind_of_record(employer_a, demo):
    _, mine, other, created = demo
    assert created == Counter(
        {
            "learning agreements": 2,
            "agreement signatures": 4,
            "PDP objectives": 4,
            "self-assessments": 1,
            "self-assessment ratings": 10,
            "observations": 3,
            "later reflections": 1,
            "feedback requests": 3,
        }
    )
    with tenant_context(employer_a.employer.pk):
        agreement = LearningAgreement.objects.get(portfolio__registration=mine)
        assert agreement.completed_at is not None and agreement.signatures.count() == 3
        assert not Registration.objects.get(pk=mine.pk).learning_agreement_needs_signing
        assert Registration.objects.get(pk=other.pk).learning_agreement_needs_signing
        assert PdpObjective.objects.filter(portfolio__registration=mine).count() == 3
        assert SelfAssessment.objects.get(portfolio__registration=mine).stage == "start"
        assert (
            SelfAssessmentRating.objects.filter(self_assessment__portfolio__registration=mine).count() == 10
        )
        statuses = list(
            Observation.objects.filter(portfolio__registration=mine)
            .order_by("number")
            .values_list("status", flat=True)
        )
        assert statuses == ["complete", "draft"]
        # The NQSW reflected again on the complete one, without rewriting what was assessed.
        [later] = ObservationAmendment.objects.filter(observation__portfolio__registration=mine)
        assert later.field == "later_reflection" and later.observation.number == 1
        feedback = {r.kind: r.status for r in FeedbackRequest.objects.filter(portfolio__registration=mine)}
        assert feedback == {"person": "answered", "child": "answered", "professional": "sent"}


def test_a_second_run_creates_nothing(employer_a, demo):
    _, mine, other, _ = demo
    with system_national_context():
        again = seed_records(list(Portfolio.objects.filter(registration__in=[mine, other])))
    assert again == Counter()


def test_the_pages_show_the_demo_records(client, login, employer_a, demo):
    demo_nqsw, mine, _, _ = demo
    login(demo_nqsw)
    for name, expected in (
        ("agreement", "Signed by all three on"),
        ("pdp", "Write chronologies"),
        ("self_assessments", "Not yet confident"),
        ("observations", "1 of 3 complete"),
        ("feedback_requests", "Waiting for an answer"),
    ):
        page = " ".join(client.get(reverse(f"portfolios:{name}", args=[mine.pk])).content.decode().split())
        assert expected in page, name
    with tenant_context(employer_a.employer.pk):
        child = FeedbackRequest.objects.get(portfolio__registration=mine, kind="child")
    page = client.get(reverse("portfolios:feedback_request", args=[child.pk])).content.decode()
    assert "We played a game and she listened" in page and "A bit" in page
