"""The year-end roll-forward in batches: every claim due moves exactly once whatever the batch size, each
with one audit event for its own employer; a second run changes nothing; a run that fails part-way is
finished by the next; the statements sent do not grow with the number of claims in a batch."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

import funding.claimable_services
from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context
from funding.claimable_services import claims_roll_forward
from funding.models import Claim, FundingYear
from tests.funding.conftest import COHORT, register, year_after
from tests.funding.helpers import approve, claim_of, submitted

pytestmark = pytest.mark.django_db


def night_after_deadline() -> datetime.date:
    with system_national_context():
        return FundingYear.objects.get(label=COHORT).claim_deadline + datetime.timedelta(days=1)


@pytest.fixture
def claimable(employer_a, employer_b, national):
    """Seven claimable (draft) registration instalments in ``COHORT``: four of A's, three of B's,
    interleaved so that every batch boundary falls between claims of different employers, and one of A's
    submitted in time (it stays)."""
    registrations = [
        approve(national, register(employer_a if n % 2 == 0 else employer_b, first_name=f"N{n}"))
        for n in range(7)
    ]
    on_time = approve(national, register(employer_a, first_name="OnTime"))
    submitted(employer_a, claim_of(on_time))
    return [claim_of(r) for r in registrations], claim_of(on_time)


def snapshot():
    """Every claim and every roll-forward audit event, as stored."""
    with system_national_context():
        claims = [model_to_dict(c) | {"updated_at": c.updated_at} for c in Claim.objects.order_by("pk")]
        events = list(
            AuditEvent.objects.filter(action="claim.rolled_forward")
            .order_by("object_id")
            .values_list("employer_id", "object_type", "object_id", "actor_label", "changes")
        )
    return claims, events


@pytest.mark.parametrize("batch_size", [1, 2, 3, 6, 7, 8, 5000])
def test_every_claim_moves_once_whatever_the_batch_size(claimable, batch_size, monkeypatch):
    claims, on_time = claimable
    next_year = year_after(COHORT)
    batches = []
    real = funding.claimable_services._roll_forward_batch

    def counting(**kwargs):
        low, high = kwargs["ids"]
        batches.append((high - low, real(**kwargs)))
        return batches[-1][1]

    monkeypatch.setattr(funding.claimable_services, "_roll_forward_batch", counting)
    assert claims_roll_forward(today=night_after_deadline(), batch_size=batch_size) == 7
    # Every batch is a range of batch_size ids and moved at most that many; together, each claim once.
    assert {span for span, _ in batches} == {batch_size}
    assert max(count for _, count in batches) <= batch_size and sum(count for _, count in batches) == 7
    ids = sorted(c.pk for c in claims)
    assert len(batches) == (ids[-1] - ids[0]) // batch_size + 1
    with system_national_context():
        moved = {c.pk: c for c in Claim.objects.select_related("funding_year", "rolled_forward_from")}
    for claim in claims:
        after = moved[claim.pk]
        assert (after.funding_year.label, after.rolled_forward_from.label) == (next_year, COHORT)
        assert after.version == claim.version + 1 and after.amount == claim.amount
    assert moved[on_time.pk].funding_year.label == COHORT and moved[on_time.pk].version == on_time.version
    _, events = snapshot()
    # One event per claim, each in its own employer's trail (not the national one), by the system.
    assert sorted((int(object_id), employer) for employer, _, object_id, _, _ in events) == sorted(
        (c.pk, c.employer_id) for c in claims
    )
    assert {(t, label) for _, t, _, label, _ in events} == {("funding.claim", "system")}
    assert all(changes == {"funding_year": [COHORT, next_year]} for *_, changes in events)
    # The rows audit_record would write, one by one.
    with system_national_context():
        written = {e.object_id: e for e in AuditEvent.objects.filter(action="claim.rolled_forward")}
    for claim in claims:
        event = written[str(claim.pk)]
        assert event.object_repr == str(claim) and event.actor_user is None and event.created_at is not None


def test_a_second_run_changes_nothing(claimable):
    night = night_after_deadline()
    assert claims_roll_forward(today=night, batch_size=3) == 7
    before = snapshot()
    assert claims_roll_forward(today=night, batch_size=3) == 0
    assert claims_roll_forward(today=night + datetime.timedelta(days=30), batch_size=3) == 0
    assert snapshot() == before


def test_a_run_that_fails_part_way_is_finished_by_the_next(claimable, monkeypatch):
    night = night_after_deadline()
    real = funding.claimable_services.audit_record_many
    calls = []

    def failing_second_batch(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionError("lost the database half-way")
        return real(**kwargs)

    monkeypatch.setattr(funding.claimable_services, "audit_record_many", failing_second_batch)
    with pytest.raises(ConnectionError):
        claims_roll_forward(today=night, batch_size=3)
    claims, events = snapshot()
    # The first batch stays done, with its events; the failed one left nothing behind.
    moved = sum(1 for c in claims if c["rolled_forward_from"] is not None)
    assert 0 < moved < 7 and len(events) == moved
    monkeypatch.setattr(funding.claimable_services, "audit_record_many", real)
    assert claims_roll_forward(today=night, batch_size=3) == 7 - moved
    claims, events = snapshot()
    assert len(events) == 7 == len({object_id for _, _, object_id, _, _ in events})
    assert sum(1 for c in claims if c["rolled_forward_from"] is not None) == 7


def test_a_claim_rolled_forward_before_keeps_the_year_it_first_belonged_to(employer_a, national):
    registration = approve(national, register(employer_a))
    claim = claim_of(registration)
    with system_national_context():
        earliest = FundingYear.objects.order_by("starts_on").first()
        Claim.objects.filter(pk=claim.pk).update(rolled_forward_from=earliest)
    assert claims_roll_forward(today=night_after_deadline()) == 1
    claim = claim_of(registration)
    assert claim.rolled_forward_from == earliest and claim.funding_year.label == year_after(COHORT)


def test_the_statements_of_a_batch_do_not_grow_with_its_claims(employer_a, national):
    night = night_after_deadline()
    counts, total = [], 0
    for how_many in (2, 5):
        for _ in range(how_many):
            approve(national, register(employer_a))
        total += how_many
        with CaptureQueriesContext(connection) as queries:
            assert claims_roll_forward(today=night) == total
        counts.append(len(queries))
        night += datetime.timedelta(days=1)
        with system_national_context():
            # Back in the closed year, so the next round moves them again together with the new ones.
            Claim.objects.update(funding_year=FundingYear.objects.get(label=COHORT), rolled_forward_from=None)
    assert counts[0] == counts[1]


def test_inside_an_employers_context_it_still_moves_every_employers_claims(claimable, employer_a):
    # Each batch runs in the system's national context, whatever context it is called in; the caller's
    # context is as it was afterwards.
    with tenant_context(employer_a.employer.pk):
        assert claims_roll_forward(today=night_after_deadline(), batch_size=2) == 7
        assert {c.employer_id for c in Claim.objects.all()} == {employer_a.employer.pk}
