"""The national moderation demo (``reviews.demo_moderation.seed_moderation``), on a small picture: it makes
the round of the funding year of Demo County Council's NQSWs with their findings sent by
moderator@demo.example, a waiting voluntary submission, exemplars and good-practice applications; a second
run creates nothing."""

from __future__ import annotations

import pytest

from asye.accounts.models import Role
from asye.tenancy.db import system_national_context
from asye.tenancy.models import EmployerType
from reviews.demo_moderation import ROUND_NAME, seed_moderation
from reviews.models import Exemplar, GoodPracticeApplication, ModerationCase, ModerationRound
from tests.conftest import Tenant
from tests.factories import EmployerFactory, MembershipFactory, person
from tests.reviews.test_moderation_support import LAST_YEAR, registration

pytestmark = pytest.mark.django_db

# The small picture's NQSWs all started in the funding year before this one, as the demo's earlier cohort.
YEAR = LAST_YEAR


def tenant(name: str, slug: str, **fields) -> Tenant:
    employer = EmployerFactory(name=name, **fields)
    return Tenant(
        employer=employer,
        coordinator=person(role=Role.COORDINATOR, employer=employer, email=f"coordinator@{slug}"),
        assessor=person(role=Role.ASSESSOR, employer=employer),
        line_manager=person(role=Role.LINE_MANAGER, employer=employer),
        nqsw=person(role=Role.NQSW, employer=employer),
    )


@pytest.fixture
def picture(db):
    county = tenant("Demo County Council", "demo.example")
    others = [
        tenant("Otherford Fostering", "otherford.example", employer_type=EmployerType.FOSTERING),
        tenant("Elsewhere Trust", "elsewhere.example", employer_type=EmployerType.NHS),
    ]
    person(role=Role.NATIONAL_STAFF, email="national@demo.example")
    moderator = person(role=Role.NQAP_MODERATOR, email="moderator@demo.example")
    for _ in range(2):
        registration(county, year=YEAR)
    for other in others:
        for _ in range(3):
            registration(other, year=YEAR)
    return county, others, moderator


def test_the_demo_makes_a_round_with_findings_sent_to_demo_county(picture):
    county, _, moderator = picture
    created = seed_moderation()
    assert created["moderation rounds"] == 1 and created["moderation findings sent"] == 1
    assert created["exemplars"] == 2 and created["good-practice applications"] == 2
    with system_national_context():
        # The round is for the funding year of Demo County's NQSWs, and named after it.
        moderation_round = ModerationRound.objects.get(name=ROUND_NAME.format(funding_year=YEAR))
        cases = list(ModerationCase.objects.filter(round=moderation_round))
        county_cases = ModerationCase.objects.filter(employer=county.employer)
        sent = county_cases.get(status=ModerationCase.Status.FINDINGS_SENT)
        assert sent.moderator == moderator and sent.round == moderation_round and sent.strengths
        waiting = county_cases.get(round__isnull=True)
        assert (
            waiting.source == ModerationCase.Source.VOLUNTARY
            and waiting.status == ModerationCase.Status.WAITING
        )
        assert {c.employer_id for c in cases} > {county.employer.pk}
        assert any(c.status == ModerationCase.Status.WAITING for c in cases)
        assert moderation_round.funding_year == YEAR and moderation_round.seed
        assert set(Exemplar.objects.values_list("published", flat=True)) == {True, False}
        decisions = set(GoodPracticeApplication.objects.values_list("employer_id", "status"))
        assert decisions == {(county.employer.pk, "endorsed"), (county.employer.pk, "submitted")}


def test_a_second_run_creates_nothing(picture):
    seed_moderation()
    with system_national_context():
        before = (
            ModerationCase.objects.count(),
            Exemplar.objects.count(),
            GoodPracticeApplication.objects.count(),
        )
    again = seed_moderation()
    assert sum(again.values()) == 0, again
    with system_national_context():
        after = (
            ModerationCase.objects.count(),
            Exemplar.objects.count(),
            GoodPracticeApplication.objects.count(),
        )
    assert after == before


def test_the_demo_never_gives_the_moderator_their_own_employer(picture):
    county, _, moderator = picture
    MembershipFactory(user=moderator, employer=county.employer, role=Role.ASSESSOR)
    assert seed_moderation() == {}
    with system_national_context():
        assert not ModerationCase.objects.exists()
