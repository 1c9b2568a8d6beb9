"""Counts for co-ordinators and national staff: only numbers, small ones hidden."""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asye.accounts.actor import build_actor
from asye.audit.models import AuditEvent
from asye.tenancy.db import current_settings, tenant_context, tenant_settings
from equality.models import EqualityMonitoring
from equality.selectors import (
    equality_aggregates,
    equality_aggregates_national,
    rounded_total,
    suppress,
)
from programmes.models import Registration
from tests.equality.conftest import as_person
from tests.programmes.conftest import STARTED, actor_for
from tests.today import funding_year_label

pytestmark = pytest.mark.django_db

# The funding year the cohort started in (2026-27 when written), and the year before it.
YEAR = funding_year_label(STARTED)
PREVIOUS_YEAR = funding_year_label(STARTED - relativedelta(years=1))

SUMMARY_URL = "/equality/summary/"


def shown(cells) -> dict[str, int | None]:
    return {cell.value: cell.count for cell in cells}


# The rule, on its own ---------------------------------------------------------------------------------


def test_counts_from_1_to_4_are_hidden_and_zero_is_shown():
    cells = suppress([("a", "A", 10), ("b", "B", 3), ("c", "C", 4), ("d", "D", 0), ("e", "E", 5)])
    assert shown(cells) == {"a": 10, "b": None, "c": None, "d": 0, "e": 5}
    assert [cell.display for cell in cells] == ["10", "[c]", "[c]", "0", "5"]


def test_one_hidden_count_hides_the_next_smallest_above_zero_too():
    cells = suppress([("a", "A", 10), ("b", "B", 3), ("c", "C", 0), ("d", "D", 7)])
    assert shown(cells) == {"a": 10, "b": None, "c": 0, "d": None}
    # With every other count zero, a zero is hidden, so the one small count is not the only hidden cell.
    cells = suppress([("a", "A", 0), ("b", "B", 2), ("c", "C", 0)])
    assert shown(cells) == {"a": None, "b": None, "c": 0}
    # Ties go to the first in order.
    cells = suppress([("a", "A", 6), ("b", "B", 6), ("c", "C", 1)])
    assert shown(cells) == {"a": None, "b": 6, "c": None}


def test_nothing_is_hidden_when_nothing_is_small():
    cells = suppress([("a", "A", 10), ("b", "B", 5), ("c", "C", 0)])
    assert shown(cells) == {"a": 10, "b": 5, "c": 0}


def test_the_total_is_rounded_to_the_nearest_5_when_anything_is_hidden():
    assert rounded_total(12, any_hidden=False) == "12"
    assert rounded_total(12, any_hidden=True) == "about 10"
    assert rounded_total(13, any_hidden=True) == "about 15"
    assert rounded_total(3, any_hidden=True) == "fewer than 5"
    assert rounded_total(0, any_hidden=False) == "0"


# Counting an employer's answers -----------------------------------------------------------------------

A_ANSWERS = (
    # gender, age band, ethnic group, nationality, disability: 12 NQSWs
    [("female", "25_34", "white", "british", "no")] * 6
    + [("female", "35_44", "asian", "british", "no")] * 2
    + [("female", "35_44", "black", "british", "no")]
    + [("male", "35_44", "black", "british", "no")]
    + [("male", "25_34", "prefer_not_to_say", "british", "no")]
    + [("male", "35_44", "prefer_not_to_say", "british", "yes")]
)


@pytest.fixture
def cohort(employer_a, employer_b, register_nqsw, stored_answers):
    """Employer A: 12 answered (as A_ANSWERS) and 2 not answered; employer B: 5 answered, all male."""
    registrations = []
    for index, (gender, age_band, group, nationality, disability) in enumerate(A_ANSWERS):
        registration = register_nqsw(
            employer_a, link=False, email=f"a{index}@example.org", swe_number=f"SW1{index:04d}"
        )
        detail = {"white": "irish", "asian": "chinese", "black": "african"}.get(group, "")
        stored_answers(
            registration,
            gender=gender,
            age_band=age_band,
            ethnic_group=group,
            ethnicity_detail=detail,
            nationality=nationality,
            disability=disability,
        )
        registrations.append(registration)
    for index in range(2):
        register_nqsw(employer_a, link=False, email=f"late{index}@example.org", swe_number=f"SW2{index:04d}")
    for index in range(5):
        registration = register_nqsw(
            employer_b, link=False, email=f"b{index}@example.org", swe_number=f"SW3{index:04d}"
        )
        stored_answers(registration, gender="male", disability="yes", nationality="eu")
    return registrations


def aggregates_for(tenant, **kwargs):
    actor = actor_for(tenant.coordinator, tenant.employer)
    with as_person(tenant.coordinator, tenant.employer):
        return equality_aggregates(actor=actor, **kwargs)


def test_coordinator_gets_counts_with_small_numbers_hidden(employer_a, cohort):
    result = aggregates_for(employer_a, funding_year=YEAR)
    tables = {table.field: shown(table.cells) for table in result.tables}
    # Male is 3: hidden; it is the only hidden cell, so the next smallest above zero (female, 9) too.
    assert tables["gender"] == {"female": None, "male": None, "other": 0, "prefer_not_to_say": 0}
    assert tables["age_band"] == {
        "under_25": 0,
        "25_34": 7,
        "35_44": 5,
        "45_54": 0,
        "55_plus": 0,
        "prefer_not_to_say": 0,
    }
    # Three small cells: no secondary suppression needed.
    assert tables["ethnic_group"] == {
        "asian": None,
        "black": None,
        "mixed": 0,
        "white": 6,
        "other": 0,
        "prefer_not_to_say": None,
    }
    assert tables["nationality"] == {"british": 12, "irish": 0, "eu": 0, "other": 0, "prefer_not_to_say": 0}
    assert tables["disability"] == {"yes": None, "no": None, "prefer_not_to_say": 0}
    # Employer B's five (all male, all disabled, EU citizens) are nowhere.
    assert result.answered_display == "about 10" and result.answered_rounded
    assert result.not_answered == 2


def test_the_summary_page(client, login, employer_a, cohort):
    login(employer_a.coordinator)
    response = client.get(SUMMARY_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<caption") == 5
    assert '<span aria-hidden="true">[c]</span><span class="govuk-visually-hidden">hidden</span>' in html
    assert "About 10 (rounded, because some numbers below are hidden)" in html
    assert "How small numbers are hidden" in html
    assert "the next smallest number is hidden too" in html
    assert "Have not answered yet" in html
    # One person's answer is never on the page: the count of 12 British NQSWs is, nothing about anyone.
    assert "Irish</th>" in html and "Chinese" not in html


def test_figures_are_shown_for_one_funding_year_at_a_time(client, login, employer_a, cohort):
    moved = [registration.pk for registration in cohort[:6]]  # the six white British, female, 25 to 34
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk__in=moved).update(funding_year=PREVIOUS_YEAR)
    earlier = aggregates_for(employer_a, funding_year=PREVIOUS_YEAR)
    assert {t.field: shown(t.cells) for t in earlier.tables}["gender"]["female"] == 6
    assert earlier.answered_display == "6" and earlier.not_answered == 0
    login(employer_a.coordinator)
    html = client.get(SUMMARY_URL).content.decode()  # the latest year by default
    assert f'<option value="{YEAR}" selected>' in html and f'<option value="{PREVIOUS_YEAR}">' in html
    html = client.get(SUMMARY_URL, {"funding_year": PREVIOUS_YEAR}).content.decode()
    assert f'<option value="{PREVIOUS_YEAR}" selected>' in html
    assert f"NQSWs registered in {PREVIOUS_YEAR}" in html
    # A year the employer has no registrations in falls back to the latest.
    html = client.get(SUMMARY_URL, {"funding_year": "1999-00"}).content.decode()
    assert f"NQSWs registered in {YEAR}" in html


def test_an_employer_with_no_registrations(client, login, employer_b):
    login(employer_b.coordinator)
    html = client.get(SUMMARY_URL).content.decode()
    assert "No NQSWs are registered with Betaford Fostering yet" in html


@pytest.mark.parametrize("role", ["assessor", "line_manager", "nqsw"])
def test_only_coordinators_see_the_summary(client, login, employer_a, cohort, role):
    login(getattr(employer_a, role))
    assert client.get(SUMMARY_URL).status_code == 403


def test_national_staff_without_an_employer_role_cannot_open_the_summary(client, login, national_staff):
    login(national_staff)
    assert client.get(SUMMARY_URL).status_code == 403


def test_the_aggregate_flag_is_on_for_one_counting_statement_only(employer_a, cohort):
    actor = actor_for(employer_a.coordinator, employer_a.employer)
    with as_person(employer_a.coordinator, employer_a.employer):
        with CaptureQueriesContext(connection) as queries:
            equality_aggregates(actor=actor, funding_year=YEAR)
        assert current_settings()["app.equality_aggregate"] == ""
        assert EqualityMonitoring.objects.count() == 0
    statements = [q["sql"] for q in queries.captured_queries]
    touching = [i for i, sql in enumerate(statements) if "equality_equalitymonitoring" in sql]
    assert len(touching) == 1
    counting = statements[touching[0]]
    assert "COUNT(" in counting and "FILTER" in counting
    # It runs between turning the flag on and turning it off again.
    flag = [i for i, sql in enumerate(statements) if "set_config" in sql]
    assert flag and flag[0] < touching[0] < flag[-1]


def test_the_selector_refuses_everyone_but_coordinators(employer_a, cohort):
    for user in (employer_a.assessor, employer_a.line_manager, employer_a.nqsw):
        actor = actor_for(user, employer_a.employer)
        with as_person(user, employer_a.employer), pytest.raises(PermissionDenied):
            equality_aggregates(actor=actor)


# National ----------------------------------------------------------------------------------------------


def national_actor(user):
    with tenant_settings(user_id=user.pk):
        return build_actor(user, employer_id=None)


def test_national_staff_get_national_counts_with_the_same_suppression(
    national_staff, employer_a, employer_b, cohort, unscoped
):
    actor = national_actor(national_staff)
    with tenant_settings(user_id=national_staff.pk):
        everyone = equality_aggregates_national(actor=actor, funding_year=YEAR)
        only_b = equality_aggregates_national(actor=actor, employer_id=employer_b.employer.pk)
        assert EqualityMonitoring.objects.count() == 0  # the scope ended with the selector
    tables = {t.field: shown(t.cells) for t in everyone.tables}
    assert tables["gender"] == {"female": 9, "male": 8, "other": 0, "prefer_not_to_say": 0}
    assert tables["nationality"] == {"british": 12, "irish": 0, "eu": 5, "other": 0, "prefer_not_to_say": 0}
    assert tables["disability"] == {"yes": 6, "no": 11, "prefer_not_to_say": 0}
    assert everyone.answered_display == "about 15" and everyone.not_answered == 2
    b_tables = {t.field: shown(t.cells) for t in only_b.tables}
    assert b_tables["gender"] == {"female": 0, "male": 5, "other": 0, "prefer_not_to_say": 0}
    assert only_b.answered_display == "5" and only_b.not_answered == 0
    # Every use is in the national audit trail.
    with unscoped():
        purposes = [
            event.changes["purpose"]
            for event in AuditEvent.objects.filter(action="national.read", actor_user=national_staff)
        ]
    assert any(purpose.startswith("equality aggregates") for purpose in purposes)
    assert len(purposes) == 2


def test_only_national_staff_get_national_counts(employer_a, cohort):
    actor = actor_for(employer_a.coordinator, employer_a.employer)
    with as_person(employer_a.coordinator, employer_a.employer), pytest.raises(PermissionDenied):
        equality_aggregates_national(actor=actor)
