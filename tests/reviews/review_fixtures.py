"""Fixtures and helpers of the review tests (imported by each module: the NQAP tests share the folder).

Every set-up has two employers. A's NQSW (``employer_a.nqsw``) has a registration naming A's assessor and
line manager, started eleven weeks before the run's day (``START``: written for 23 November 2026, when that
was 7 September 2026, so reviews were due 7 December 2026, 7 March and 7 September 2027); its reviews are
due ``START`` plus 3, 6 and 12 months (``due(3)``), and are written as held three days ago (``HELD``).
"""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta

from asye.tenancy.db import tenant_context
from programmes.models import Registration
from programmes.services import registration_create
from reviews import services
from reviews.models import Review, ReviewOutcome
from tests.factories import person
from tests.programmes.conftest import STARTED, TODAY, actor_for, facts, registration_day
from tests.today import days_ago

START = STARTED
HELD = days_ago(3)


def due(months: int, start: datetime.date = START) -> datetime.date:
    """A full-time registration's due date ``months`` calendar months after its start (the timeline's rule)."""
    return start + relativedelta(months=months)


def as_(tenant, user):
    return actor_for(user, tenant.employer)


def make_registration(tenant, *, swe_number="SW8000001", link=True, **overrides) -> Registration:
    """One of the tenant's registrations, with its NQSW, assessor and line manager linked."""
    with tenant_context(tenant.employer.pk):
        given = facts(swe_number=swe_number, email=f"{swe_number.lower()}@example.org", **overrides)
        registration = registration_create(
            actor=as_(tenant, tenant.coordinator), facts=given, today=registration_day(given)
        )
        if link:
            Registration.objects.filter(pk=registration.pk).update(
                nqsw=tenant.nqsw, assessor=tenant.assessor, line_manager=tenant.line_manager
            )
        registration.refresh_from_db()
    return registration


def scheduled(tenant, registration, month: int = 6) -> Review:
    """The registration's review at ``month``, scheduled from its timeline."""
    with tenant_context(tenant.employer.pk):
        services.reviews_schedule(
            actor=as_(tenant, tenant.coordinator), registrations=[registration], today=TODAY
        )
        return Review.objects.select_related("registration").get(
            registration=registration, month=month, extra=False
        )


def fresh(tenant, review: Review) -> Review:
    with tenant_context(tenant.employer.pk):
        return Review.objects.select_related("registration").get(pk=review.pk)


def write(tenant, review: Review, *, outcome=ReviewOutcome.ON_TRACK, example=True) -> Review:
    """The assessor's complete report (and one practice example), not signed."""
    with tenant_context(tenant.employer.pk):
        actor = as_(tenant, tenant.assessor)
        review = services.review_update(
            actor=actor,
            review=review,
            version=review.version,
            today=TODAY,
            held_on=HELD,
            progress_pcf="PCF: clear values, planned visits.",
            progress_standards="PQS 1 and 5 well evidenced.",
            outcome=outcome,
        )
        if example:
            services.practice_example_add(
                actor=actor, review=review, text="At a home visit she listened well."
            )
        return Review.objects.select_related("registration").get(pk=review.pk)


def sign_as_assessor(tenant, review: Review) -> Review:
    review = fresh(tenant, review)
    with tenant_context(tenant.employer.pk):
        return services.review_sign_as_assessor(
            actor=as_(tenant, tenant.assessor), review=review, version=review.version, today=TODAY
        )


def comment(tenant, user, review: Review, text: str = "Agreed.", sign: bool = True) -> Review:
    review = fresh(tenant, review)
    with tenant_context(tenant.employer.pk):
        return services.review_comment(
            actor=as_(tenant, user), review=review, version=review.version, comments=text, sign=sign
        )


def lock(tenant, review: Review, outcome=ReviewOutcome.ON_TRACK) -> Review:
    """Written, signed by the assessor, the NQSW and the line manager."""
    write(tenant, review, outcome=outcome)
    sign_as_assessor(tenant, review)
    comment(tenant, tenant.nqsw, review)
    return comment(tenant, tenant.line_manager, review)


@pytest.fixture
def registration(employer_a):
    return make_registration(employer_a)


@pytest.fixture
def review(employer_a, registration):
    """A's NQSW's 6-month review, scheduled and empty."""
    return scheduled(employer_a, registration, 6)


@pytest.fixture
def other_assessor(employer_a):
    """Another assessor at A, not the NQSW's."""
    from asye.accounts.models import Role

    return person(role=Role.ASSESSOR, employer=employer_a.employer, email="other.assessor@alpha.example")


@pytest.fixture
def other_line_manager(employer_a):
    from asye.accounts.models import Role

    return person(role=Role.LINE_MANAGER, employer=employer_a.employer, email="other.manager@alpha.example")
