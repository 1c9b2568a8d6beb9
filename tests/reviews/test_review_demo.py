"""The reviews part of ``manage.py seed_demo``: Demo County Council's reviews in every state, consistent
with the registrations' dates, a support plan, a completed year with an endorsed pass and its certificate,
an open panel with one case, made through the services, seeded as of the run's day; a second run creates
nothing."""

from __future__ import annotations

from collections import Counter

import pytest

from asye.tenancy.db import system_national_context, tenant_context
from asye.tenancy.models import Employer
from demo import national_picture
from portfolios import demo as portfolios_demo
from programmes.demo_records import apply_registrations
from programmes.demo_registrations import plan_registrations
from programmes.models import Registration
from reviews import demo as reviews_demo
from reviews.models import FinalRecommendation, ModerationPanel, Review, SupportPlan
from reviews.selectors import certificate_available
from tests.today import TODAY

pytestmark = pytest.mark.django_db


def seed() -> Counter:
    """What ``manage.py seed_demo`` does up to and including the reviews (funding's part is its own)."""
    plan = national_picture.build_plan()
    registrations = plan_registrations(
        plan, demo_county=national_picture.DEMO_COUNTY, demo_fostering=national_picture.DEMO_FOSTERING
    )
    with system_national_context():
        applied = national_picture.apply_plan(plan)
        apply_registrations(registrations, employer_ids=applied.employer_ids, user_ids=applied.user_ids)
        portfolios_demo.seed(employer_ids=applied.employer_ids, user_ids=applied.user_ids)
        return reviews_demo.seed(employer_ids=applied.employer_ids, user_ids=applied.user_ids)


def snapshot(county):
    with tenant_context(county.pk):
        return {
            model.__name__: model.objects.count()
            for model in (Review, SupportPlan, FinalRecommendation, ModerationPanel, Registration)
        }


def test_demo_county_reviews_in_every_state_and_a_year_completed():
    seed()
    county = Employer.objects.get(name="Demo County Council")
    with tenant_context(county.pk):
        reviews = list(Review.objects.select_related("registration"))
        for review in reviews:
            registration = review.registration
            # Consistent with the dates: nothing held before the start or after today; signatures in order.
            if review.held_on:
                assert registration.start_date <= review.held_on <= TODAY
            if review.assessor_signed_at:
                assert review.held_on <= review.assessor_signed_at.date() <= TODAY
            if review.locked_at:
                assert review.nqsw_signed_at and review.line_manager_signed_at
                assert review.assessor_signed_at < review.locked_at
        six = Counter(r.status for r in reviews if r.month == 6 and not r.extra and r.version > 1)
        assert six == {"locked": 3, "awaiting_comments": 2, "draft": 1}
        assert any(r.month == 3 and r.status == "locked" for r in reviews)
        assert any(r.month == 3 and r.status == "awaiting_comments" for r in reviews)
        # The demo NQSW's own 3-month review is being written, quoting their shared evidence.
        sam = next(r for r in reviews if r.registration.email == "nqsw@demo.example" and r.month == 3)
        assert sam.status == "draft" and sam.practice_examples.filter(evidence__isnull=False).exists()

        (plan,) = SupportPlan.objects.select_related("review", "extra_review")
        assert plan.review.outcome == "not_on_track" and plan.status == "open"
        assert plan.extra_review.extra and plan.extra_review.due_on > TODAY
        assert plan.concerns and plan.actions.count() == 3

        completed = Registration.objects.get(swe_number="SW7700101")
        assert (completed.outcome, completed.status) == ("passed", "completed")
        assert certificate_available(completed)
        assert ModerationPanel.objects.filter(status="closed").count() == 1
        (open_panel,) = ModerationPanel.objects.filter(status="open")
        assert open_panel.held_on == TODAY and open_panel.members.count() == 3
        waiting = FinalRecommendation.objects.get(status="submitted")
        assert waiting.registration.swe_number == "SW7700102"


def test_a_second_run_creates_no_reviews():
    first = seed()
    county = Employer.objects.get(name="Demo County Council")
    before = snapshot(county)
    second = seed()
    assert snapshot(county) == before
    assert first["reviews locked"] > 0 and first["support plans"] == 1 and first["outcomes endorsed"] == 1
    assert sum(second.values()) == 0
