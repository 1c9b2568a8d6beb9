"""Fixtures and helpers of the review tests (imported by each module: the NQAP tests share the folder).

Every set-up has two employers. A's NQSW (``employer_a.nqsw``) has a registration naming A's assessor and
line manager, started eleven weeks before the run's day (``START``: written for 23 November 2026, when that
was 7 September 2026, so reviews were due 7 December 2026, 7 March and 7 September 2027); its reviews are
due ``START`` plus 3, 6 and 12 months (``due(3)``), and are written as held three days ago (``HELD``).

A review point opens four weeks before it is due (``reviews.rules``), so of that registration only the
3-month review (due in about two weeks) can be signed: it is the ``review`` fixture. A review is locked only
after the earlier ones (``lock_through`` locks them in order). ``year_done`` builds a registration whose
year is over (started thirteen months ago): its 3-, 6- and 12-month reviews locked, each held on its due
date, three direct observations complete and the learning agreement signed by all three, so a final
recommendation can be made.
"""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta

from asye.tenancy.db import tenant_context
from programmes.models import Registration
from programmes.services import registration_create
from reviews.models import Review, ReviewOutcome
from reviews.services.practice_examples import practice_example_add
from reviews.services.reviews import review_update, reviews_schedule
from reviews.services.signatures import review_comment, review_sign_as_assessor
from tests.factories import person
from tests.programmes.conftest import STARTED, TODAY, actor_for, facts, registration_day
from tests.today import days_ago, months_ago

START = STARTED
HELD = days_ago(3)
# A registration whose year is over: its 12-month review was due about a month ago.
YEAR_DONE_START = months_ago(13)


def due(months: int, start: datetime.date = START) -> datetime.date:
    """A full-time registration's due date ``months`` calendar months after its start (the timeline's rule)."""
    return start + relativedelta(months=months)


def as_(tenant, user):
    return actor_for(user, tenant.employer)


def make_registration(tenant, *, swe_number="SW8000001", link=True, **overrides) -> Registration:
    """One of the tenant's registrations, with its NQSW, assessor and line manager linked (qualified two
    months before a ``start_date`` given)."""
    if "start_date" in overrides:
        overrides.setdefault("qualification_date", overrides["start_date"] - datetime.timedelta(days=60))
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


def scheduled(tenant, registration, month: int = 3) -> Review:
    """The registration's review at ``month``, scheduled from its timeline."""
    with tenant_context(tenant.employer.pk):
        reviews_schedule(actor=as_(tenant, tenant.coordinator), registrations=[registration], today=TODAY)
        return Review.objects.select_related("registration").get(
            registration=registration, month=month, extra=False
        )


def fresh(tenant, review: Review) -> Review:
    with tenant_context(tenant.employer.pk):
        return Review.objects.select_related("registration").get(pk=review.pk)


def write(tenant, review: Review, *, outcome=ReviewOutcome.ON_TRACK, example=True, held_on=HELD) -> Review:
    """The assessor's complete report (and one practice example), not signed."""
    with tenant_context(tenant.employer.pk):
        actor = as_(tenant, tenant.assessor)
        review = review_update(
            actor=actor,
            review=review,
            version=review.version,
            today=TODAY,
            held_on=held_on,
            progress_pcf="PCF: clear values, planned visits.",
            progress_standards="PQS 1 and 5 well evidenced.",
            outcome=outcome,
        )
        if example:
            practice_example_add(actor=actor, review=review, text="At a home visit she listened well.")
        return Review.objects.select_related("registration").get(pk=review.pk)


def sign_as_assessor(tenant, review: Review) -> Review:
    review = fresh(tenant, review)
    with tenant_context(tenant.employer.pk):
        return review_sign_as_assessor(
            actor=as_(tenant, tenant.assessor), review=review, version=review.version, today=TODAY
        )


def comment(tenant, user, review: Review, text: str = "Agreed.", sign: bool = True) -> Review:
    review = fresh(tenant, review)
    with tenant_context(tenant.employer.pk):
        return review_comment(
            actor=as_(tenant, user), review=review, version=review.version, comments=text, sign=sign
        )


def lock(tenant, review: Review, outcome=ReviewOutcome.ON_TRACK, held_on=HELD) -> Review:
    """Written, signed by the assessor, the NQSW and the line manager (the earlier reviews must be locked)."""
    write(tenant, review, outcome=outcome, held_on=held_on)
    sign_as_assessor(tenant, review)
    comment(tenant, tenant.nqsw, review)
    return comment(tenant, tenant.line_manager, review)


def lock_through(tenant, registration, month: int, outcome=ReviewOutcome.ON_TRACK) -> Review:
    """Lock the registration's required reviews up to ``month`` that are not locked yet, in order, each
    held on its due date (or three days ago, if it is not due yet); the ``month`` review."""
    months = [m for m in sorted(registration.framework_version.review_months) if m <= month]
    review = None
    for each in months:
        review = scheduled(tenant, registration, each)
        if review.status != Review.Status.LOCKED:
            lock(tenant, review, outcome=outcome, held_on=min(review.due_on, HELD))
    return fresh(tenant, review)


def record_minimum(tenant, registration) -> None:
    """The framework's minimum record for a final recommendation, through the portfolio's services: the
    direct observations complete (observed by the assessor) and the learning agreement signed by all three."""
    from portfolios import agreements, observations
    from portfolios.models import LearningAgreement

    nqsw, assessor = as_(tenant, tenant.nqsw), as_(tenant, tenant.assessor)
    with tenant_context(tenant.employer.pk):
        registration = Registration.objects.get(pk=registration.pk)
        for number in range(registration.framework_version.direct_observations):
            observation = observations.observation_create(
                actor=nqsw,
                registration=registration,
                observed_on=max(registration.start_date, days_ago(10 + number)),
                setting=f"Home visit {number + 1}",
                observer_id=tenant.assessor.pk,
            )
            observation = observations.observation_update(
                actor=nqsw,
                observation=observation,
                version=observation.version,
                nqsw_reflection="I listened.",
            )
            observation = observations.observation_update(
                actor=assessor,
                observation=observation,
                version=observation.version,
                observer_assessment="Warm and clear.",
            )
            observations.observation_complete(
                actor=assessor, observation=observation, version=observation.version, today=TODAY
            )
        agreement = agreements.agreement_create(
            actor=nqsw,
            registration=registration,
            review_dates="At 3, 6 and 12 months",
            supervision_plan="Weekly, then fortnightly, then monthly",
            workload_arrangements="A protected caseload",
            protected_time="Thursday afternoons",
        )
        for signer, signed_as in (
            (nqsw, "nqsw"),
            (assessor, "assessor"),
            (as_(tenant, tenant.line_manager), "line_manager"),
        ):
            agreement = LearningAgreement.objects.get(pk=agreement.pk)
            agreements.agreement_sign(
                actor=signer, agreement=agreement, signed_as=signed_as, version=agreement.version
            )


def make_year_done(tenant, *, swe_number="SW8000101", minimum=True, **overrides) -> Registration:
    """A registration started thirteen months ago whose year is done: its required reviews locked (each
    held on its due date) and, with ``minimum``, the framework's minimum record (``record_minimum``)."""
    overrides.setdefault("start_date", YEAR_DONE_START)
    registration = make_registration(tenant, swe_number=swe_number, **overrides)
    lock_through(tenant, registration, registration.framework_version.length_months)
    if minimum:
        record_minimum(tenant, registration)
    with tenant_context(tenant.employer.pk):
        return Registration.objects.select_related("framework_version").get(pk=registration.pk)


@pytest.fixture
def registration(employer_a):
    return make_registration(employer_a)


@pytest.fixture
def review(employer_a, registration):
    """A's NQSW's 3-month review (open: it is due in about two weeks), scheduled and empty."""
    return scheduled(employer_a, registration, 3)


@pytest.fixture
def year_done(employer_a):
    """A's NQSW's registration whose year is done, ready for the final recommendation."""
    return make_year_done(employer_a)


@pytest.fixture
def other_assessor(employer_a):
    """Another assessor at A, not the NQSW's."""
    from asye.accounts.models import Role

    return person(role=Role.ASSESSOR, employer=employer_a.employer, email="other.assessor@alpha.example")


@pytest.fixture
def other_line_manager(employer_a):
    from asye.accounts.models import Role

    return person(role=Role.LINE_MANAGER, employer=employer_a.employer, email="other.manager@alpha.example")
