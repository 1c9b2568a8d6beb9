"""Figures for co-ordinators and national staff: only numbers, under disclosure control, from the
snapshot taken the night before (the rules themselves: test_disclosure.py; when snapshots are taken:
test_equality_snapshots.py)."""

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
from equality.selectors import equality_aggregates, equality_aggregates_national
from equality.snapshots import equality_snapshot_ensure
from programmes.models import Registration
from tests.equality.conftest import as_person
from tests.programmes.conftest import STARTED, actor_for
from tests.today import TODAY, funding_year_label

pytestmark = pytest.mark.django_db

# The funding year the cohort started in (2026-27 when written), and the year before it.
YEAR = funding_year_label(STARTED)
PREVIOUS_YEAR = funding_year_label(STARTED - relativedelta(years=1))

SUMMARY_URL = "/equality/summary/"


def shown(cells) -> dict[str, int | None]:
    return {cell.value: cell.count for cell in cells}


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


def test_coordinator_gets_last_nights_figures_with_small_numbers_hidden_and_all_rounded(
    employer_a, cohort, nightly
):
    assert aggregates_for(employer_a, funding_year=YEAR) is None  # nothing is shown the day it is counted
    nightly(TODAY)
    result = aggregates_for(employer_a, funding_year=YEAR)
    tables = {table.field: table for table in result.tables}
    # Male is 3, so hidden; female (9), the only other count, is hidden to protect it; with both
    # hidden the whole table is withheld, so that the zeros do not say where the hidden counts are.
    assert tables["gender"].withheld
    assert shown(tables["gender"].cells) == dict.fromkeys(("female", "male", "other", "prefer_not_to_say"))
    # 7 and 5, rounded to the nearest 5.
    assert shown(tables["age_band"].cells) == {
        "under_25": 0,
        "25_34": 5,
        "35_44": 5,
        "45_54": 0,
        "55_plus": 0,
        "prefer_not_to_say": 0,
    }
    # Three small counts, none of which can be worked out: nothing more hidden; 6 is shown as 5.
    assert shown(tables["ethnic_group"].cells) == {
        "asian": None,
        "black": None,
        "mixed": 0,
        "white": 5,
        "other": 0,
        "prefer_not_to_say": None,
    }
    assert shown(tables["nationality"].cells) == {
        "british": 10,
        "irish": 0,
        "eu": 0,
        "other": 0,
        "prefer_not_to_say": 0,
    }
    assert tables["disability"].withheld
    # Employer B's five (all male, all disabled, EU citizens) are nowhere.
    assert result.answered_display == "about 10" and result.not_answered_display == "fewer than 5"
    assert result.minimum == 10 and result.tables_shown
    assert result.as_at.date() == TODAY


def test_the_summary_page(client, login, employer_a, cohort, nightly):
    nightly(TODAY)
    login(employer_a.coordinator)
    response = client.get(SUMMARY_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Figures as at {TODAY:%-d %B %Y}." in html
    assert html.count("<caption") == 3  # gender and disability are withheld
    assert html.count("This table is not shown: its numbers are too small") == 2
    assert '<span aria-hidden="true">[c]</span><span class="govuk-visually-hidden">hidden</span>' in html
    assert "About 10" in html and "Fewer than 5" in html
    assert "How these figures protect people" in html
    assert "no table is shown until at least 10 NQSWs have answered" in html
    assert "every number is rounded to the nearest 5" in html
    assert "smallest first and never a zero" in html
    assert "only updated once at least 10 answers have been given or changed" in html
    # One person's answer is never on the page: counts of answers are, nothing about anyone.
    assert "Irish</th>" in html and "Chinese" not in html


def test_the_page_says_when_the_first_figures_will_be_shown(client, login, employer_a, cohort):
    login(employer_a.coordinator)
    html = client.get(SUMMARY_URL).content.decode()
    assert "The first figures will be shown tomorrow." in html
    assert "<caption" not in html and "Figures as at" not in html


def test_figures_are_shown_for_one_funding_year_at_a_time(client, login, employer_a, cohort, nightly):
    moved = [registration.pk for registration in cohort[:6]]  # the six white British, female, 25 to 34
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk__in=moved).update(funding_year=PREVIOUS_YEAR)
    nightly(TODAY)
    earlier = aggregates_for(employer_a, funding_year=PREVIOUS_YEAR)
    assert not earlier.tables_shown and earlier.tables == ()  # six answered: fewer than the minimum
    assert earlier.answered_display == "fewer than 10" and earlier.not_answered_display == "fewer than 5"
    login(employer_a.coordinator)
    html = client.get(SUMMARY_URL).content.decode()  # the latest year by default
    assert f'<option value="{YEAR}" selected>' in html and f'<option value="{PREVIOUS_YEAR}">' in html
    html = client.get(SUMMARY_URL, {"funding_year": PREVIOUS_YEAR}).content.decode()
    assert f'<option value="{PREVIOUS_YEAR}" selected>' in html
    assert f"NQSWs registered in {PREVIOUS_YEAR}" in html
    assert f"The tables are not shown because fewer than 10 NQSWs registered in {PREVIOUS_YEAR}" in html
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
            assert equality_snapshot_ensure(actor=actor, funding_year=YEAR)
        assert current_settings()["app.equality_aggregate"] == ""
        assert EqualityMonitoring.objects.count() == 0
        # Reading the figures reads the snapshot, never the answers.
        with CaptureQueriesContext(connection) as reading:
            equality_aggregates(actor=actor, funding_year=YEAR)
    assert not [q for q in reading.captured_queries if "equality_equalitymonitoring" in q["sql"]]
    statements = [q["sql"] for q in queries.captured_queries]
    touching = [i for i, sql in enumerate(statements) if "equality_equalitymonitoring" in sql]
    assert len(touching) == 1
    counting = statements[touching[0]]
    assert "COUNT(" in counting and "FILTER" in counting
    # It runs between turning the flag on and turning it off again.
    flags = [i for i, sql in enumerate(statements) if "set_config" in sql]
    assert flags and flags[0] < touching[0] < flags[-1]


def test_the_selector_refuses_everyone_but_coordinators(employer_a, cohort):
    for user in (employer_a.assessor, employer_a.line_manager, employer_a.nqsw):
        actor = actor_for(user, employer_a.employer)
        with as_person(user, employer_a.employer), pytest.raises(PermissionDenied):
            equality_aggregates(actor=actor, funding_year=YEAR)
        with as_person(user, employer_a.employer), pytest.raises(PermissionDenied):
            equality_snapshot_ensure(actor=actor, funding_year=YEAR)


# National ----------------------------------------------------------------------------------------------


def national_actor(user):
    with tenant_settings(user_id=user.pk):
        return build_actor(user, employer_id=None)


def test_national_staff_get_national_figures_and_employers_under_the_same_control(
    national_staff, employer_a, employer_b, cohort, unscoped, nightly
):
    nightly(TODAY)
    actor = national_actor(national_staff)
    with tenant_settings(user_id=national_staff.pk):
        everyone = equality_aggregates_national(actor=actor, funding_year=YEAR)
        only_a = equality_aggregates_national(
            actor=actor, funding_year=YEAR, employer_id=employer_a.employer.pk
        )
        only_b = equality_aggregates_national(
            actor=actor, funding_year=YEAR, employer_id=employer_b.employer.pk
        )
        assert EqualityMonitoring.objects.count() == 0  # the scope ended with the selector
    tables = {t.field: shown(t.cells) for t in everyone.tables}
    # 9 female and 8 male: both shown as 10. 6 disabled (1 at A, 5 at B): 5.
    assert tables["gender"] == {"female": 10, "male": 10, "other": 0, "prefer_not_to_say": 0}
    assert tables["nationality"] == {"british": 10, "irish": 0, "eu": 5, "other": 0, "prefer_not_to_say": 0}
    assert tables["disability"] == {"yes": 5, "no": 10, "prefer_not_to_say": 0}
    assert everyone.answered_display == "about 15" and everyone.not_answered_display == "fewer than 5"
    # One employer's figures are its co-ordinators' figures, under the same control.
    assert only_a == aggregates_for(employer_a, funding_year=YEAR)
    assert {t.field: t.withheld for t in only_a.tables}["gender"]
    # Employer B: five answered, fewer than the minimum: no table at all.
    assert not only_b.tables_shown and only_b.tables == () and only_b.answered_display == "fewer than 10"
    # Every use is in the national audit trail.
    with unscoped():
        purposes = [
            event.changes["purpose"]
            for event in AuditEvent.objects.filter(action="national.read", actor_user=national_staff)
        ]
    assert len(purposes) == 3 and all(purpose.startswith("equality aggregates") for purpose in purposes)


def test_only_national_staff_get_national_figures(employer_a, cohort):
    actor = actor_for(employer_a.coordinator, employer_a.employer)
    with as_person(employer_a.coordinator, employer_a.employer), pytest.raises(PermissionDenied):
        equality_aggregates_national(actor=actor, funding_year=YEAR)
