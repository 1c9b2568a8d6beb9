"""The home pages answer "what do I need to do?" (#15 item 3): the co-ordinator's flag counts with links to
the filtered list, reviews due this month, claims claimable and their value, transfers and invitations
waiting; the assessor's and line manager's to-do lists; the NQSW's next item. Each page is a fixed number of
queries whatever the number of NQSWs: measured with 3 NQSWs and with 30, the counts must be equal.
"""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asye.tenancy.db import tenant_context
from programmes.models import Registration
from reviews.services.reviews import reviews_schedule
from tests.funding.conftest import START
from tests.funding.helpers import approve, national_actor, register
from tests.programmes.conftest import actor_for
from tests.today import TODAY

pytestmark = pytest.mark.django_db

_swe = itertools.count(8_400_000)


def _add(tenant, national, count: int) -> list[Registration]:
    """``count`` NQSWs approved for funding (so each has a claimable instalment), with the tenant's assessor
    and line manager, and their reviews scheduled."""
    made = []
    for _ in range(count):
        registration = approve(national, register(tenant, swe_number=f"SW{next(_swe)}", start_date=START))
        with tenant_context(tenant.employer.pk):
            Registration.objects.filter(pk=registration.pk).update(
                assessor=tenant.assessor, line_manager=tenant.line_manager
            )
            reviews_schedule(
                actor=actor_for(tenant.coordinator, tenant.employer),
                registrations=[registration],
                today=TODAY,
            )
        made.append(registration)
    return made


@pytest.fixture
def picture(employer_a, employer_b, national_staff):
    national = national_actor(national_staff)
    made = _add(employer_a, national, 3)
    with tenant_context(employer_a.employer.pk):
        Registration.objects.filter(pk=made[0].pk).update(nqsw=employer_a.nqsw)
    _add(employer_b, national, 2)  # never counted for A
    return {"national": national, "registrations": made}


def _home(client, login, user) -> str:
    login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _queries(client, login, user) -> int:
    login(user)
    assert client.get("/").status_code == 200  # warm up: content types, progress worked out today
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries.captured_queries)


def test_coordinator_sees_flag_counts_linked_to_the_filtered_list(client, login, employer_a, picture):
    page = _home(client, login, employer_a.coordinator)
    assert "What needs your attention" in page
    assert "Of your 3 NQSWs in progress" in page
    # The dashboard's flags, each a link to the registrations list filtered by it.
    for label in ("Work overdue", "Supervision overdue", "Review due", "Protected time below target"):
        assert label in page
    with tenant_context(employer_a.employer.pk):
        overdue = Registration.objects.filter(
            employer=employer_a.employer, flag_supervision_overdue=True
        ).count()
    if overdue:
        assert "/registrations/?status=overdue" in page
    assert "Transfers waiting for your decision" in page
    assert "Invitations waiting" in page


def test_coordinator_sees_claims_claimable_and_their_value(client, login, employer_a, picture):
    page = _home(client, login, employer_a.coordinator)
    # Three NQSWs approved for funding: three registration instalments of £1,000 can be claimed.
    assert "3 claims worth £3,000 can be submitted now" in page
    assert "/funding/claims/?status=draft" in page


def test_coordinator_sees_reviews_due_this_month(client, login, employer_a, picture):
    page = _home(client, login, employer_a.coordinator)
    assert f"Reviews due in {TODAY:%B %Y}" in page


def test_nothing_of_another_employer_is_counted(client, login, employer_b, picture):
    page = _home(client, login, employer_b.coordinator)
    assert "Of your 2 NQSWs in progress" in page
    assert "2 claims worth £2,000" in page


def test_assessor_sees_their_to_do_list(client, login, employer_a, picture):
    page = _home(client, login, employer_a.assessor)
    assert "Reviews to write and sign" in page
    names = [r.full_name for r in picture["registrations"]]
    with tenant_context(employer_a.employer.pk):
        overdue = list(
            Registration.objects.filter(employer=employer_a.employer, flag_supervision_overdue=True)
        )
    for registration in overdue:
        assert f"Record supervision for {registration.full_name}" in page
    assert any(name in page for name in names) or not overdue


def test_line_manager_sees_reviews_to_sign(client, login, employer_a, picture):
    page = _home(client, login, employer_a.line_manager)
    assert "Reviews to comment on and sign" in page


def test_nqsw_sees_what_is_due_next(client, login, employer_a, picture):
    page = _home(client, login, employer_a.nqsw)
    registration = picture["registrations"][0]
    with tenant_context(employer_a.employer.pk):
        registration.refresh_from_db()
    assert "Due next" in page
    if registration.next_due_on:
        assert registration.next_due_label in page
        assert f"{registration.next_due_on:%-d %B %Y}" in page


@pytest.mark.parametrize("role", ["coordinator", "assessor", "line_manager", "nqsw"])
def test_each_home_page_is_a_fixed_number_of_queries(role, client, login, employer_a, picture):
    user = getattr(employer_a, role)
    with_three = _queries(client, login, user)
    _add(employer_a, picture["national"], 27)
    with_thirty = _queries(client, login, user)
    assert with_thirty == with_three, (
        f"{role}'s home page: {with_three} queries with 3 NQSWs, {with_thirty} with 30"
    )
