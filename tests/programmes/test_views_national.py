"""National staff's registrations to review: across employers, both sides of a duplicate, decisions.

A registered Ada first; B then registered the same Social Work England number, so B's registration
needs national review. National staff see both; B never sees A (tested in test_views_register.py).
"""

from __future__ import annotations

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse

from asye.audit.models import AuditEvent
from programmes.models import FundingStatus, NationalReview, Registration
from tests.programmes.conftest import STARTED, TODAY
from tests.today import funding_year_label

pytestmark = pytest.mark.django_db

LIST = reverse("national_registrations:list")


def detail(registration) -> str:
    return reverse("national_registrations:detail", args=[registration.pk])


def fresh(registration, unscoped) -> Registration:
    with unscoped():
        return Registration.objects.get(pk=registration.pk)


@pytest.fixture
def pair(register, employer_a, employer_b):
    first = register(employer_a, swe_number="SW123456", first_name="Ada")
    second = register(employer_b, swe_number="SW123456", first_name="Ada")
    # B sees it as awaiting approval like any other; national staff see the open review.
    assert second.funding_status == FundingStatus.AWAITING_APPROVAL
    return first, second


@pytest.fixture
def reviewer(client, login, national_staff):
    login(national_staff)
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_queue_shows_every_employers_registrations_to_decide(
    reviewer, pair, register, employer_a, unscoped
):
    first, second = pair
    decided = register(
        employer_a,
        swe_number="SW999999",
        first_name="Mary",
        qualification_date=STARTED - relativedelta(years=8, months=8),
    )
    assert decided.funding_status == FundingStatus.UNFUNDED
    html = text(reviewer.get(LIST))
    assert detail(first) in html and detail(second) in html and detail(decided) not in html
    assert "Alphashire County Council" in html and "Betaford Fostering" in html
    assert "Needs national review" in html and "Awaiting national approval" in html


@pytest.mark.parametrize(
    ("params", "shows_a", "shows_b"),
    [
        ({"funding_status": "needs_review"}, False, True),
        ({"funding_status": "awaiting_approval"}, True, False),
        ({"employer_type": "fostering"}, False, True),
        ({"employer_type": "local_authority"}, True, False),
        ({"region": "north_west"}, True, False),
        ({"region": "london"}, False, True),
        ({"funding_year": funding_year_label(STARTED)}, True, True),
        (
            {"funding_year": funding_year_label(TODAY + relativedelta(years=4))},
            True,
            True,
        ),  # not offered: ignored
        ({"region": "atlantis"}, True, True),  # not offered: ignored
    ],
)
def test_queue_filters(reviewer, pair, params, shows_a, shows_b):
    first, second = pair
    html = text(reviewer.get(LIST, params))
    assert (detail(first) in html) is shows_a
    assert (detail(second) in html) is shows_b
    assert "Select a valid choice" not in html


def test_a_duplicate_shows_both_registrations_and_employers(reviewer, pair):
    first, second = pair
    html = text(reviewer.get(detail(second)))
    assert "Already registered with another employer" in html
    assert "Betaford Fostering" in html and "Alphashire County Council" in html
    assert detail(first) in html
    # And from the first registration's side, who registered the person again.
    html = text(reviewer.get(detail(first)))
    assert "Registered again by Betaford Fostering" in html and detail(second) in html


def test_approve(reviewer, pair, unscoped):
    _first, second = pair
    response = reviewer.post(detail(second), {"decision": "approve"}, follow=True)
    assert "approved for funding" in text(response)
    after = fresh(second, unscoped)
    assert after.funding_status == FundingStatus.APPROVED
    with unscoped():
        review = NationalReview.objects.get(registration=second)
    assert review.status == NationalReview.Status.APPROVED
    assert detail(second) not in text(reviewer.get(LIST))
    # Decided once: the page says so and offers no second decision.
    html = text(reviewer.get(detail(second)))
    assert "has been decided" in html and 'name="decision"' not in html
    reviewer.post(detail(second), {"decision": "reject", "note": "Changed my mind"})
    assert fresh(second, unscoped).funding_status == FundingStatus.APPROVED


def test_rejecting_needs_a_reason(reviewer, pair, unscoped):
    _first, second = pair
    response = reviewer.post(detail(second), {"decision": "reject", "note": "  "})
    html = text(response)
    assert "<title>Error: " in html and "Give the reason the registration is not approved" in html
    assert fresh(second, unscoped).funding_status == FundingStatus.AWAITING_APPROVAL
    response = reviewer.post(detail(second), {})
    assert "Select whether you approve this registration for funding" in text(response)
    reviewer.post(
        detail(second), {"decision": "reject", "note": "Already funded by the ASYE programme in 2025."}
    )
    after = fresh(second, unscoped)
    assert after.funding_status == FundingStatus.REJECTED
    assert after.funding_note == "Already funded by the ASYE programme in 2025."


def test_employer_sees_the_rejection_reason_and_nothing_of_the_other_employer(
    reviewer, client, login, pair, employer_b
):
    _first, second = pair
    reviewer.post(detail(second), {"decision": "reject", "note": "Funded before."})
    login(employer_b.coordinator)
    html = text(client.get(reverse("programmes:detail", args=[second.pk])))
    assert "Not approved for funding" in html and "Funded before." in html
    assert "Alphashire" not in html


def test_national_reads_are_audited(reviewer, pair, national_staff, unscoped):
    reviewer.get(LIST)
    with unscoped():
        purposes = [
            event.changes.get("purpose")
            for event in AuditEvent.objects.filter(action="national.read", actor_user=national_staff)
        ]
    assert f"GET {LIST}" in purposes


@pytest.mark.parametrize("role", ["coordinator", "assessor", "line_manager", "nqsw"])
def test_employer_staff_cannot_open_the_national_pages(client, login, employer_a, pair, role, unscoped):
    _first, second = pair
    login(getattr(employer_a, role))
    assert client.get(LIST).status_code == 403
    assert client.get(detail(second)).status_code == 403
    assert client.post(detail(second), {"decision": "approve"}).status_code == 403
    assert fresh(second, unscoped).funding_status == FundingStatus.AWAITING_APPROVAL


def test_missing_registration_is_404_for_national_staff(reviewer):
    assert reviewer.get(reverse("national_registrations:detail", args=[10**9])).status_code == 404
