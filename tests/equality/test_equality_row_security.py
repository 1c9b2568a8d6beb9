"""What PostgreSQL's row-level security lets each context read of equality monitoring rows."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

import equality.views
from equality.models import EqualityMonitoring
from tests.equality.conftest import as_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(employer_a, employer_b, nqsw_at, register_nqsw, stored_answers):
    """Two answered NQSWs at A (A's fixture NQSW and one more), one at B."""
    a_own = stored_answers(register_nqsw(employer_a), person=employer_a.nqsw)
    other_user, other_registration = nqsw_at(employer_a)
    a_other = stored_answers(other_registration, person=other_user)
    b_own = stored_answers(register_nqsw(employer_b), person=employer_b.nqsw)
    return {"a_own": a_own, "a_other": a_other, "b_own": b_own, "a_other_user": other_user}


def visible_pks():
    return set(EqualityMonitoring.objects.values_list("pk", flat=True))


def test_a_coordinators_request_reads_no_rows(client, login, employer_a, answered, monkeypatch):
    """Inside a real request of a co-ordinator (tenant set by the middleware), nothing is readable, even
    with no filter at all; the counts on the page come only from the aggregate selector."""
    seen = {}
    original = equality.views.render

    def render_and_look(request, template, context=None, *args, **kwargs):
        seen["rows"] = EqualityMonitoring.objects.count()
        seen["unfiltered"] = list(EqualityMonitoring.objects.all())
        return original(request, template, context, *args, **kwargs)

    monkeypatch.setattr(equality.views, "render", render_and_look)
    login(employer_a.coordinator)
    assert client.get("/equality/summary/").status_code == 200
    assert seen == {"rows": 0, "unfiltered": []}


@pytest.mark.parametrize("role", ["coordinator", "assessor", "line_manager"])
def test_employer_staff_read_no_rows(employer_a, answered, role):
    with as_person(getattr(employer_a, role), employer_a.employer):
        assert visible_pks() == set()


def test_an_nqsw_reads_only_their_own_row(client, login, employer_a, answered, monkeypatch):
    with as_person(employer_a.nqsw, employer_a.employer):
        assert visible_pks() == {answered["a_own"].pk}
    with as_person(answered["a_other_user"], employer_a.employer):
        assert visible_pks() == {answered["a_other"].pk}
    # And in a real request.
    seen = {}
    original = equality.views.render

    def render_and_look(request, template, context=None, *args, **kwargs):
        seen["pks"] = visible_pks()
        return original(request, template, context, *args, **kwargs)

    monkeypatch.setattr(equality.views, "render", render_and_look)
    login(employer_a.nqsw)
    client.get("/equality/")
    assert seen["pks"] == {answered["a_own"].pk}


def test_the_aggregate_flag_shows_only_the_employers_rows(employer_a, employer_b, answered):
    with as_person(employer_a.coordinator, employer_a.employer, equality_aggregate=True):
        assert visible_pks() == {answered["a_own"].pk, answered["a_other"].pk}
    with as_person(employer_b.coordinator, employer_b.employer, equality_aggregate=True):
        assert visible_pks() == {answered["b_own"].pk}
    # The flag with no employer set shows nothing.
    with as_person(employer_a.coordinator, employer_a.employer, employer_id=None, equality_aggregate=True):
        assert visible_pks() == set()


def test_nothing_set_reads_nothing(answered):
    with transaction.atomic():
        assert visible_pks() == set()


def test_a_coordinator_cannot_write_answers(employer_a, answered, register_nqsw):
    with as_person(employer_a.coordinator, employer_a.employer):
        # An update of a row they cannot see changes nothing.
        assert EqualityMonitoring.objects.filter(pk=answered["a_own"].pk).update(gender="male") == 0
        # An insert naming nobody (or someone else) is refused by the database.
        other = register_nqsw(employer_a, swe_number="SW777777", email="x@example.org", link=False)
        with pytest.raises(DatabaseError), transaction.atomic():
            EqualityMonitoring.objects.create(
                employer=employer_a.employer,
                registration=other,
                person=employer_a.nqsw,
                gender="male",
                age_band="25_34",
                ethnic_group="white",
                nationality="british",
                disability="no",
            )
