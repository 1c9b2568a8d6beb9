"""Drawing a national moderation sample: random within the strata national staff choose, reproducible from
the stored seed, over submitted portfolios of the funding year that are in no case yet, plus the waiting
voluntary submissions; previewed before it is confirmed, and made in one transaction."""

from __future__ import annotations

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from asye.audit.models import AuditEvent
from asye.errors import Conflict
from asye.tenancy.db import system_national_context
from portfolios.models import Portfolio
from reviews.models import ModerationCase, ModerationRound
from reviews.moderation_sampling import PoolEntry, draw_sample, sample_size
from reviews.moderation_services.rounds import round_create, round_preview
from tests.reviews.test_moderation_support import (
    LAST_YEAR,
    THIS_YEAR,
    actor_for,
    cases_of,
    make_round,
    portfolio,
    submit_voluntarily,
)

# --- The draw itself (no database) ---------------------------------------------------------------------


def pool_of(n: int, *, seed: int = 7) -> list[PoolEntry]:
    rng = random.Random(seed)
    return [
        PoolEntry(
            portfolio_id=pk,
            employer_id=rng.randint(1, 5),
            service_area=rng.choice(["child_and_family", "adults"]),
            employer_type=rng.choice(["local_authority", "fostering", "pvi"]),
            region=rng.choice(["london", "north_west"]),
        )
        for pk in range(1, n + 1)
    ]


def test_the_same_pool_and_seed_give_the_same_draw_whatever_the_order():
    pool = pool_of(60)
    first = draw_sample(pool, by=("service_area", "region"), per_stratum=3, percent=None, seed=42)
    shuffled = list(pool)
    random.Random(1).shuffle(shuffled)
    again = draw_sample(shuffled, by=("region", "service_area"), per_stratum=3, percent=None, seed=42)
    assert first.drawn == again.drawn
    assert [s.key for s in first.strata] == [s.key for s in again.strata]


def test_another_seed_gives_another_draw():
    pool = pool_of(60)
    draws = {
        tuple(draw_sample(pool, by=(), per_stratum=5, percent=None, seed=seed).drawn) for seed in range(1, 6)
    }
    assert len(draws) > 1


def test_the_draw_is_within_each_stratum():
    pool = pool_of(80)
    draw = draw_sample(pool, by=("employer_type",), per_stratum=4, percent=None, seed=3)
    by_id = {entry.portfolio_id: entry for entry in pool}
    assert [s.key for s in draw.strata] == [("fostering",), ("local_authority",), ("pvi",)]
    for stratum in draw.strata:
        assert len(stratum.drawn) == 4
        assert all(by_id[pk].employer_type == stratum.key[0] for pk in stratum.drawn)
        assert set(stratum.drawn) <= set(stratum.pool)
    assert draw.strata[0].label == "Fostering"


def test_a_stratum_smaller_than_the_number_gives_all_of_it():
    pool = pool_of(5)
    draw = draw_sample(pool, by=(), per_stratum=50, percent=None, seed=9)
    assert sorted(draw.drawn) == [1, 2, 3, 4, 5]
    assert draw.strata[0].label == "All submitted portfolios"


@pytest.mark.parametrize(
    ("size", "percent", "expected"), [(10, 10, 1), (11, 10, 2), (1, 1, 1), (0, 50, 0), (7, 100, 7)]
)
def test_a_percentage_is_rounded_up(size, percent, expected):
    assert sample_size(size, per_stratum=None, percent=percent) == expected


def test_labels_name_every_stratum_chosen():
    pool = [PoolEntry(1, 1, "adults", "nhs", "london")]
    draw = draw_sample(
        pool, by=("service_area", "employer_type", "region"), per_stratum=1, percent=None, seed=1
    )
    assert draw.strata[0].label == "Adults, NHS, London"


def test_a_portfolio_in_two_strata_is_refused():
    pool = [PoolEntry(1, 1, "adults", "nhs", "london"), PoolEntry(1, 1, "child_and_family", "nhs", "london")]
    with pytest.raises(ValueError):
        draw_sample(pool, by=("service_area",), per_stratum=1, percent=None, seed=1)


def test_unknown_strata_are_refused():
    with pytest.raises(ValueError):
        draw_sample(pool_of(3), by=("ethnicity",), per_stratum=1, percent=None, seed=1)


@settings(max_examples=60, deadline=None)
@given(
    ids=st.sets(st.integers(min_value=1, max_value=10_000), max_size=80),
    per_stratum=st.integers(min_value=1, max_value=20),
    seed=st.integers(min_value=1, max_value=2**63 - 1),
    by=st.sets(st.sampled_from(["service_area", "employer_type", "region"])),
)
def test_no_portfolio_is_drawn_twice_and_each_stratum_gets_its_number(ids, per_stratum, seed, by):
    rng = random.Random(len(ids))
    pool = [
        PoolEntry(pk, 1, rng.choice(["adults", "child_and_family"]), rng.choice(["pvi", "nhs"]), "london")
        for pk in sorted(ids)
    ]
    draw = draw_sample(pool, by=tuple(by), per_stratum=per_stratum, percent=None, seed=seed)
    assert len(draw.drawn) == len(set(draw.drawn))
    assert set(draw.drawn) <= set(ids)
    for stratum in draw.strata:
        assert len(stratum.drawn) == min(per_stratum, len(stratum.pool))
    assert (
        draw_sample(pool, by=tuple(by), per_stratum=per_stratum, percent=None, seed=seed).drawn == draw.drawn
    )


# --- Over the database ------------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_only_submitted_portfolios_of_the_year_not_in_a_case_are_drawn(
    employer_a, employer_b, national_staff
):
    submitted = [portfolio(employer_a), portfolio(employer_b)]
    portfolio(employer_a, submitted=False)
    portfolio(employer_b, year=LAST_YEAR)
    already = portfolio(employer_a)
    submit_voluntarily(employer_a, already)
    draw = round_preview(
        actor=actor_for(national_staff), name="R", funding_year=THIS_YEAR, by=(), per_stratum=50, seed=5
    )
    assert sorted(draw.drawn) == sorted(p.pk for p in submitted)
    assert draw.pool_size == 2


@pytestmark_db
def test_strata_split_the_pool_by_service_area_employer_type_and_region(
    employer_a, employer_b, national_staff
):
    for _ in range(3):
        portfolio(employer_a, service_area="adults")
        portfolio(employer_a)
        portfolio(employer_b)
    draw = round_preview(
        actor=actor_for(national_staff),
        name="R",
        funding_year=THIS_YEAR,
        by=("service_area", "employer_type", "region"),
        per_stratum=2,
        seed=77,
    )
    assert [s.label for s in draw.strata] == [
        "Adults, Local authority, North West",
        "Child and family, Fostering, London",
        "Child and family, Local authority, North West",
    ]
    assert [len(s.pool) for s in draw.strata] == [3, 3, 3]
    assert [len(s.drawn) for s in draw.strata] == [2, 2, 2]


@pytestmark_db
def test_a_round_keeps_its_seed_and_the_draw_can_be_repeated(employer_a, employer_b, national_staff):
    for _ in range(4):
        portfolio(employer_a)
        portfolio(employer_b)
    moderation_round = make_round(national_staff, by=("region",), per_stratum=2, seed=987654321)
    assert moderation_round.seed == 987654321
    stored = moderation_round.strata
    assert stored["by"] == ["region"] and stored["per_stratum"] == 2
    # Re-running the draw over the stored pool with the stored seed gives the stored sample.
    with system_national_context():
        rows = Portfolio.objects.filter(
            pk__in=[pk for g in stored["groups"] for pk in g["pool"]]
        ).select_related("employer", "registration__framework_version__framework")
        pool = [
            PoolEntry(
                p.pk,
                p.employer_id,
                p.registration.framework_version.framework.service_area,
                p.employer.employer_type,
                p.employer.region,
            )
            for p in rows
        ]
    again = draw_sample(pool, by=("region",), per_stratum=2, percent=None, seed=987654321)
    assert again.drawn == [pk for g in stored["groups"] for pk in g["drawn"]]
    assert sorted(c.portfolio_id for c in cases_of(moderation_round)) == sorted(again.drawn)


@pytestmark_db
def test_voluntary_submissions_join_the_round_of_their_year(employer_a, employer_b, national_staff):
    portfolio(employer_a)
    voluntary = submit_voluntarily(employer_b, portfolio(employer_b))
    other_year = submit_voluntarily(employer_b, portfolio(employer_b, year=LAST_YEAR))
    moderation_round = make_round(national_staff, per_stratum=5)
    cases = cases_of(moderation_round)
    assert {c.source for c in cases} == {ModerationCase.Source.SAMPLED, ModerationCase.Source.VOLUNTARY}
    assert voluntary.pk in {c.pk for c in cases}
    assert other_year.pk not in {c.pk for c in cases}
    assert moderation_round.strata["voluntary_cases"] == [voluntary.pk]


@pytestmark_db
def test_a_second_round_never_samples_a_portfolio_twice(employer_a, national_staff):
    for _ in range(4):
        portfolio(employer_a)
    first = make_round(national_staff, per_stratum=2, seed=1)
    second = make_round(national_staff, per_stratum=5, seed=1)
    first_ids = {c.portfolio_id for c in cases_of(first)}
    second_ids = {c.portfolio_id for c in cases_of(second)}
    assert len(first_ids) == 2 and len(second_ids) == 2 and not first_ids & second_ids
    with pytest.raises(ValidationError):
        make_round(national_staff, per_stratum=5, seed=1)  # nothing left to moderate


@pytestmark_db
def test_a_pool_that_changed_since_the_preview_creates_nothing(employer_a, employer_b, national_staff):
    portfolio(employer_a)
    actor = actor_for(national_staff)
    request = {"name": "R", "funding_year": THIS_YEAR, "by": (), "per_stratum": 5, "percent": None}
    draw = round_preview(actor=actor, **request, seed=11)
    portfolio(employer_b)  # submitted after the preview
    with pytest.raises(Conflict):
        round_create(actor=actor, **request, seed=11, expected=draw.fingerprint())
    with system_national_context():
        assert not ModerationRound.objects.exists()
        assert not ModerationCase.objects.exists()


@pytestmark_db
def test_a_round_and_its_cases_are_audited(employer_a, employer_b, national_staff):
    portfolio(employer_a)
    portfolio(employer_b)
    moderation_round = make_round(national_staff, per_stratum=5, seed=3)
    with system_national_context():
        created = AuditEvent.objects.get(action="moderation.round_created")
        assert (
            created.employer_id is None and created.changes["seed"] == 3 and created.changes["sampled"] == 2
        )
        sampled = AuditEvent.objects.filter(action="moderation.case_sampled")
        assert {e.employer_id for e in sampled} == {employer_a.employer.pk, employer_b.employer.pk}
    assert moderation_round.created_by == national_staff


@pytestmark_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"per_stratum": None, "percent": None}, "mode"),
        ({"per_stratum": 0}, "per_stratum"),
        ({"per_stratum": None, "percent": 101}, "percent"),
        ({"by": ("ethnicity",)}, "strata"),
        ({"seed": 0}, "seed"),
    ],
)
def test_a_round_request_is_checked(national_staff, changes, field):
    request = {"name": "R", "funding_year": THIS_YEAR, "by": (), "per_stratum": 2, "percent": None, "seed": 5}
    request.update(changes)
    with pytest.raises(ValidationError) as error:
        round_preview(actor=actor_for(national_staff), **request)
    assert field in error.value.message_dict


@pytestmark_db
def test_only_national_staff_draw_a_sample(employer_a):
    moderator_like = actor_for(employer_a.coordinator, employer_a.employer)
    with pytest.raises(PermissionDenied):
        round_preview(actor=moderator_like, name="R", funding_year=THIS_YEAR, by=(), per_stratum=1)
    with pytest.raises(PermissionDenied):
        round_create(
            actor=moderator_like, name="R", funding_year=THIS_YEAR, by=(), per_stratum=1, seed=1, expected=""
        )
