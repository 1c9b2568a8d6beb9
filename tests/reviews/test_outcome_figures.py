"""National staff's outcome figures: the 6- and 12-month review outcomes and the final outcomes of a
funding year, by employer type and region, counted across employers in SQL; nobody else sees them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asye.accounts.actor import build_actor
from asye.accounts.models import Role
from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context, tenant_settings
from asye.tenancy.national import national_scope
from programmes.models import Outcome, Registration, RegistrationStatus
from reviews.outcome_figures import outcome_figures_national
from tests.factories import person
from tests.reviews.review_fixtures import lock_through, make_registration, scheduled, sign_as_assessor, write
from tests.today import funding_year_label, months_ago

# The registrations started seven months ago, so their 6-month reviews are open (reviews.rules), in this
# funding year (2025-26 when the tests were written, on 3 December 2026).
START = months_ago(7)
YEAR = funding_year_label(START)

pytestmark = pytest.mark.django_db


@pytest.fixture
def picture(employer_a, employer_b):
    """A (a local authority in the North West): one 6-month review on track (locked), one not on track
    (signed by the assessor only), one written but not signed; a pass. B (fostering, London): one 6-month
    review with some concerns; a registration still in progress."""
    first = make_registration(employer_a, swe_number="SW8100001", start_date=START)
    second = make_registration(employer_a, swe_number="SW8100002", start_date=START)
    third = make_registration(employer_a, swe_number="SW8100003", start_date=START)
    lock_through(employer_a, first, 6)  # the 3-month review (on track) first: it is not counted
    sign_as_assessor(employer_a, write(employer_a, scheduled(employer_a, second, 6), outcome="not_on_track"))
    write(employer_a, scheduled(employer_a, third, 6), outcome="on_track")
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=first.pk).update(
            outcome=Outcome.PASSED, status=RegistrationStatus.COMPLETED
        )
    theirs = make_registration(employer_b, swe_number="SW8100004", start_date=START)
    lock_through(employer_b, theirs, 6, outcome="some_concerns")


def rows(table):
    return {row.label: ([cell.count for cell in row.cells], row.total) for row in table.rows}


def test_outcomes_are_counted_by_employer_type_and_by_region(picture, national_staff):
    with tenant_settings(user_id=national_staff.pk):
        actor = build_actor(national_staff, employer_id=None)
    with tenant_settings(user_id=national_staff.pk), national_scope(actor=actor, purpose="test"):
        six, twelve, final = outcome_figures_national(
            actor=actor, funding_year=YEAR, grouping="employer_type"
        )
        by_region = outcome_figures_national(actor=actor, funding_year=YEAR, grouping="region")[0]
    # On track, some concerns, not on track; the written but unsigned review is not counted.
    assert rows(six) == {
        "Local authority": ([1, 0, 1], 2),
        "Fostering": ([0, 1, 0], 1),
        "All employers": ([1, 1, 1], 3),
    }
    assert six.rows[0].cells[0].percent == 50.0
    assert rows(twelve) == {"All employers": ([0, 0, 0], 0)}
    # Passed, unsuccessful, awaiting an outcome.
    assert rows(final) == {
        "Local authority": ([1, 0, 2], 3),
        "Fostering": ([0, 0, 1], 1),
        "All employers": ([1, 0, 3], 4),
    }
    assert rows(by_region)["North West"] == ([1, 0, 1], 2) and rows(by_region)["London"] == ([0, 1, 0], 1)


def test_the_page_is_for_national_staff_and_the_read_is_audited(
    client, login, picture, national_staff, employer_a
):
    login(national_staff)
    response = client.get(reverse("national_outcomes:figures"), {"funding_year": YEAR, "grouping": "region"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f"6-month review outcomes by region, {YEAR}" in body and "North West" in body
    assert f"Final outcomes by region, {YEAR}" in body
    # Counts only: no person or employer is named.
    assert employer_a.employer.name not in body and "Ada" not in body
    with system_national_context():
        assert AuditEvent.objects.filter(action="national.read", actor_user=national_staff).exists()
    for user in (employer_a.coordinator, person(role=Role.NQAP_MODERATOR, email="mod@nqap.example")):
        login(user)
        assert client.get(reverse("national_outcomes:figures")).status_code == 403
