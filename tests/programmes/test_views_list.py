"""The registrations dashboard: who sees which NQSWs, the tags, the filters, paging and its query count.

Alice is A's co-ordinator, Bob A's assessor; Charlie is B's co-ordinator and sees nothing of A's.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asye.accounts.models import Role
from asye.tenancy.db import tenant_context
from programmes import services, support_services, views
from tests.factories import person
from tests.programmes.conftest import STARTED, actor_for
from tests.today import TODAY, funding_year_label

pytestmark = pytest.mark.django_db

# In the programme, before today (1 October 2026 when written, for a start on 7 September 2026).
IN_OCTOBER = STARTED + datetime.timedelta(days=24)

LIST = reverse("programmes:list")


def act(tenant, service, **kwargs):
    actor = actor_for(tenant.coordinator, tenant.employer)
    with tenant_context(tenant.employer.pk):
        return service(actor=actor, **kwargs)


def many(register, tenant, count: int, start: int = 0, **overrides):
    return [
        register(tenant, swe_number=f"SW{800000 + n}", first_name=f"Person{n:03d}", **overrides)
        for n in range(start, start + count)
    ]


def html_of(client, url=LIST, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_co_ordinator_sees_every_nqsw_of_the_employer_and_nothing_of_another(
    client, login, employer_a, employer_b, register
):
    register(employer_a, swe_number="SW100001", first_name="Ada")
    register(employer_a, swe_number="SW100002", first_name="Grace")
    register(employer_b, swe_number="SW200001", first_name="Bertha")
    login(employer_a.coordinator)
    html = html_of(client)
    assert "Ada Okafor" in html and "Grace Okafor" in html
    assert "Bertha" not in html and "SW200001" not in html and employer_b.employer.name not in html
    assert reverse("programmes:register") in html and "Register an NQSW" in html
    assert "<caption" in html and html.count("<h1") == 1
    # Tags from the dashboard flags, the next due item, and the funding status.
    assert "govuk-tag" in html and "Awaiting national approval" in html
    assert "review" in html or "observation" in html.lower()


def test_assessors_and_line_managers_see_only_their_nqsws(client, login, employer_a, register):
    mine = register(employer_a, swe_number="SW100001", first_name="Ada")
    theirs = register(employer_a, swe_number="SW100002", first_name="Grace")
    other_assessor = person(role=Role.ASSESSOR, employer=employer_a.employer, email="other@alpha.example")
    act(
        employer_a,
        services.registration_allocate_assessor,
        registration=mine,
        assessor_id=employer_a.assessor.pk,
    )
    act(
        employer_a,
        services.registration_allocate_assessor,
        registration=theirs,
        assessor_id=other_assessor.pk,
    )
    act(
        employer_a,
        services.registration_set_line_manager,
        registration=theirs,
        line_manager_id=employer_a.line_manager.pk,
    )

    login(employer_a.assessor)
    html = html_of(client)
    assert "Ada Okafor" in html and "Grace Okafor" not in html
    assert "Register an NQSW" not in html

    login(employer_a.line_manager)
    html = html_of(client)
    assert "Grace Okafor" in html and "Ada Okafor" not in html
    assert "Register an NQSW" not in html


def test_nqsws_cannot_open_the_dashboard(client, login, employer_a):
    login(employer_a.nqsw)
    assert client.get(LIST).status_code == 403


def test_filters(client, login, employer_a, register):
    ada = register(employer_a, swe_number="SW100001", first_name="Ada")
    grace = register(employer_a, swe_number="SW100002", first_name="Grace")
    mary = register(employer_a, swe_number="SW100003", first_name="Mary")
    act(
        employer_a,
        services.registration_allocate_assessor,
        registration=ada,
        assessor_id=employer_a.assessor.pk,
    )
    act(
        employer_a,
        services.registration_defer,
        registration=grace,
        started_on=IN_OCTOBER,
        reason="Illness",
    )
    act(
        employer_a,
        services.registration_withdraw,
        registration=mary,
        on=IN_OCTOBER,
        reason="Left",
    )
    login(employer_a.coordinator)

    def names(**params) -> set[str]:
        html = html_of(client, **params)
        return {name for name in ("Ada", "Grace", "Mary") if f"{name} Okafor" in html}

    assert names() == {"Ada", "Grace", "Mary"}
    assert names(status="open") == {"Ada", "Grace"}
    assert names(status="deferred") == {"Grace"}
    assert names(status="withdrawn") == {"Mary"}
    assert names(assessor=str(employer_a.assessor.pk)) == {"Ada"}
    assert names(assessor="none") == {"Grace", "Mary"}
    year = funding_year_label(STARTED)
    assert names(funding_year=year) == {"Ada", "Grace", "Mary"}
    assert names(funding_year=year, status="open", assessor="none") == {"Grace"}
    # Ada has had no supervision since starting eleven weeks ago: it is overdue.
    assert "Ada" in names(status="overdue")
    assert names(status="on_track") == set()
    # Filters that are not offered are ignored, not errors.
    assert names(status="bogus", funding_year="1999-00", assessor="abc") == {"Ada", "Grace", "Mary"}
    assert "Select a valid choice" not in html_of(client, status="bogus")
    # The chosen filters stay selected.
    assert '<option value="withdrawn" selected>' in html_of(client, status="withdrawn")
    html = html_of(client, status="withdrawn")
    assert "Clear filters" in html and "1 NQSW match" in html


def test_supervision_held_clears_the_overdue_tag(client, login, employer_a, register):
    registration = register(employer_a, swe_number="SW100001")
    login(employer_a.coordinator)
    overdue = 'govuk-tag--red">Supervision overdue'
    assert overdue in html_of(client)
    # Recorded through the service, which keeps the registration's stored flags (the list reads them).
    start = registration.start_date
    for week in range(12):
        held_on = start + datetime.timedelta(days=7 * week)
        if held_on <= TODAY:
            act(
                employer_a,
                support_services.supervision_record,
                registration=registration,
                held_on=held_on,
                duration_minutes=60,
                reflective=True,
            )
    assert overdue not in html_of(client)


def test_pages_of_fifty(client, login, employer_a, register, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    many(register, employer_a, 5)
    login(employer_a.coordinator)
    first = html_of(client)
    assert "Person000" in first and "Person002" not in first
    assert 'aria-label="Page 1" aria-current="page"' in first and 'aria-label="Page 3"' in first
    assert 'rel="next"' in first
    third = html_of(client, page="3")
    assert "Person004" in third and "Person000" not in third
    # The filters are kept across pages.
    filtered = html_of(client, status="open")
    assert "?status=open&amp;page=2" in filtered or "?status=open&page=2" in filtered
    assert views.PAGE_SIZE == 2


def test_the_query_count_does_not_grow_with_the_rows(client, login, employer_a, register):
    first = many(register, employer_a, 5)
    for registration in first[:2]:
        act(
            employer_a,
            services.registration_allocate_assessor,
            registration=registration,
            assessor_id=employer_a.assessor.pk,
        )
    login(employer_a.coordinator)
    client.get(LIST)  # warm up (session, content types)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(queries)

    with_five = count()
    more = many(register, employer_a, 10, start=5)
    for registration in more[:5]:
        act(
            employer_a,
            services.registration_allocate_assessor,
            registration=registration,
            assessor_id=employer_a.assessor.pk,
        )
    act(
        employer_a,
        services.registration_defer,
        registration=more[6],
        started_on=IN_OCTOBER,
        reason="Illness",
    )
    with_fifteen = count()
    assert "Person014" in client.get(LIST).content.decode()
    assert with_five == with_fifteen
