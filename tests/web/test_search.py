# ruff: noqa: RUF001  (the pages quote a search in curly quotes, as GOV.UK style does)
"""Search by name, email or Social Work England number on the lists of NQSWs and registrations (#18 item 2):
co-ordinators within their employer, national staff across employers (audited), combined with the filters,
with result counts and an empty state, served by an index at national scale (EXPLAIN under row-level
security, as the application's role).

Alice is A's co-ordinator; Charlie is B's co-ordinator and finds nothing of A's."""

from __future__ import annotations

import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from asye.audit.models import AuditEvent
from asye.tenancy.db import system_national_context, tenant_context, tenant_settings
from asye.tenancy.national import national_scope
from funding.models import ClaimStatus
from funding.selectors import claim_queue_national
from programmes.models import Registration
from programmes.search import registration_search_q, search_text
from programmes.selectors import registration_list, registration_review_queue_national
from tests.funding.conftest import register
from tests.funding.helpers import approve, claim_of, national_actor
from tests.programmes.conftest import actor_for

pytestmark = pytest.mark.django_db

LIST = reverse("programmes:list")
NATIONAL = reverse("national_registrations:list")
DEMO_SWE = "SW1042331"
_swe = itertools.count(930_001)


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def names_listed(page: str) -> list[str]:
    return re.findall(
        r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="[^"]+">([^<]+)</a>', page
    )


@pytest.fixture
def national(national_staff):
    return national_actor(national_staff)


@pytest.fixture
def priya(employer_a):
    """A demo-like NQSW at A, with neighbours whose names and numbers look alike."""
    found = register(
        employer_a,
        first_name="Priya",
        last_name="Campbell",
        swe_number=DEMO_SWE,
        email="priya.campbell@example.org",
    )
    register(employer_a, first_name="Priyanka", last_name="Shah", swe_number="SW10423310")
    register(employer_a, first_name="Tom", last_name="Campbell-Smith", swe_number=f"SW{next(_swe)}")
    register(employer_a, first_name="Grace", last_name="Okafor", swe_number=f"SW{next(_swe)}")
    return found


def test_the_swe_number_finds_exactly_that_nqsw_for_their_co_ordinator_and_national_staff_only(
    client, login, employer_a, employer_b, national_staff, priya
):
    register(employer_b, first_name="Bertha", last_name="Campbell", swe_number=f"SW{next(_swe)}")
    login(employer_a.coordinator)
    page = text(client.get(LIST, {"q": DEMO_SWE.lower()}))
    assert names_listed(page) == ["Priya Campbell"]
    assert "1 NQSW matches ‘sw1042331’" in page

    login(employer_b.coordinator)
    other = text(client.get(LIST, {"q": DEMO_SWE}))
    assert names_listed(other) == []
    assert "Priya Campbell" not in other and "No NQSWs match ‘sw1042331’" in other

    login(national_staff)
    national = text(client.get(NATIONAL, {"q": DEMO_SWE, "funding_status": "all"}))
    assert names_listed(national) == ["Priya Campbell"]
    assert employer_a.employer.name in national


def test_names_and_emails_match_from_their_start(client, login, employer_a, priya):
    login(employer_a.coordinator)
    assert names_listed(text(client.get(LIST, {"q": "campbell"}))) == ["Priya Campbell", "Tom Campbell-Smith"]
    assert names_listed(text(client.get(LIST, {"q": "  PRIYA  "}))) == ["Priya Campbell", "Priyanka Shah"]
    assert names_listed(text(client.get(LIST, {"q": "priya camp"}))) == ["Priya Campbell"]
    assert names_listed(text(client.get(LIST, {"q": "campbell priya"}))) == ["Priya Campbell"]
    assert names_listed(text(client.get(LIST, {"q": "priya.campbell@"}))) == ["Priya Campbell"]
    # The middle of a name is not its start.
    assert names_listed(text(client.get(LIST, {"q": "ampbell"}))) == []


def test_search_combines_with_the_filters_and_counts(client, login, employer_a, national, priya):
    approve(national, priya)
    login(employer_a.coordinator)
    page = text(client.get(LIST, {"q": "campbell", "status": "active"}))
    assert "2 NQSWs match ‘campbell’ and the filters" in page
    none = text(client.get(LIST, {"q": "campbell", "funding_year": "1999-00"}))
    # A year not offered is ignored, not an error; the search still applies.
    assert names_listed(none) == ["Priya Campbell", "Tom Campbell-Smith"]
    empty = text(client.get(LIST, {"q": "zebedee"}))
    assert "No NQSWs match ‘zebedee’" in empty and "0 NQSWs match ‘zebedee’" in empty
    assert 'role="search"' in empty


def test_national_search_is_audited_with_what_was_searched(client, login, national_staff, priya):
    login(national_staff)
    text(client.get(NATIONAL, {"q": "Campbell", "funding_status": "all"}))
    with system_national_context():
        event = AuditEvent.objects.get(action="national.searched")
    assert event.employer_id is None
    assert event.actor_user_id == national_staff.pk
    assert event.changes == {"list": "national registrations", "search": "campbell"}


def test_the_national_queue_is_searched_only_among_registrations_to_decide(
    client, login, national, national_staff, priya
):
    approve(national, priya)  # decided: no longer in the queue
    login(national_staff)
    assert names_listed(text(client.get(NATIONAL, {"q": "priya"}))) == ["Priyanka Shah"]
    assert names_listed(text(client.get(NATIONAL, {"q": "priya", "funding_status": "all"}))) == [
        "Priya Campbell",
        "Priyanka Shah",
    ]


def test_claims_are_found_by_the_nqsw(client, login, employer_a, national, priya):
    approve(national, priya)
    login(employer_a.coordinator)
    page = text(client.get(reverse("funding:claims"), {"q": DEMO_SWE}))
    assert "1 claim matches ‘sw1042331’" in page
    assert claim_of(priya).status == ClaimStatus.DRAFT

    with tenant_settings(user_id=national.user.pk), national_scope(actor=national, purpose="test"):
        found = list(claim_queue_national(actor=national, filters={"status": "all", "q": "campbell p"}))
    assert [c.registration.full_name for c in found] == ["Priya Campbell"]


def test_search_text_is_tidied_and_cut():
    assert search_text("  Priya   CAMPBELL ") == "priya campbell"
    assert len(search_text("x" * 500)) == 100
    assert registration_search_q("").children == []


def test_the_list_with_a_search_reads_a_fixed_number_of_queries(client, login, employer_a, priya):
    login(employer_a.coordinator)
    client.get(LIST, {"q": "campbell"})  # the day's progress worked out first
    with CaptureQueriesContext(connection) as few:
        text(client.get(LIST, {"q": "campbell"}))
    for n in range(8):
        register(employer_a, first_name=f"Carla{n}", last_name="Campbell", swe_number=f"SW{next(_swe)}")
    client.get(LIST, {"q": "campbell"})
    with CaptureQueriesContext(connection) as more:
        page = text(client.get(LIST, {"q": "campbell"}))
    assert "10 NQSWs match ‘campbell’" in page
    assert len(more) == len(few) == SEARCH_LIST_QUERIES, [q["sql"][:120] for q in more.captured_queries]


SEARCH_LIST_QUERIES = 18  # 20 until the session was read without a savepoint of its own (#14)


def _plan(queryset) -> str:
    return queryset.explain()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_an_index_serves_the_search_at_national_scale(employer_a, employer_b, national):
    """Some 4,000 registrations across two employers: national staff's search by name, email and number
    is read off the search indexes, not a scan of the table, under row-level security as the app role."""
    template = register(employer_a, first_name="Template", last_name="Row")
    with system_national_context():
        base = Registration.objects.get(pk=template.pk)
    fields = {
        name: getattr(base, name)
        for name in ("framework_version_id", "qualification_date", "start_date", "contracted_hours")
    }
    surnames = ["Okafor", "Campbell", "Nowak", "Singh", "Jones", "Evans", "Taylor", "Brown", "Wilson", "Khan"]
    for tenant in (employer_a, employer_b):
        with tenant_context(tenant.employer.pk):
            Registration.objects.bulk_create(
                [
                    Registration(
                        employer=tenant.employer,
                        first_name=f"Person{n:04d}",
                        last_name=surnames[n % len(surnames)],
                        email=f"person{n:04d}.{tenant.employer.pk}@example.org",
                        swe_number=f"SW{next(_swe)}",
                        funding_year=base.funding_year,
                        funding_status=base.funding_status,
                        **fields,
                    )
                    for n in range(2000)
                ],
                batch_size=500,
            )
    with tenant_settings(user_id=national.user.pk), national_scope(actor=national, purpose="test"):
        every = {"funding_status": "all"}
        by_name = registration_review_queue_national(actor=national, filters={**every, "q": "person012"})
        by_email = registration_review_queue_national(actor=national, filters={**every, "q": "person0123."})
        by_number = registration_review_queue_national(
            actor=national, filters={**every, "q": template.swe_number}
        )
        plans = {"name": _plan(by_name), "email": _plan(by_email), "number": _plan(by_number)}
        assert by_name.count() == 20 and by_email.count() == 2 and by_number.count() == 1
    # A co-ordinator's search, under the employer's row-level security policy: read off an index too (the
    # employer's own rows by the list's index, or the search index: the comparisons are leakproof).
    coordinator = actor_for(employer_a.coordinator, employer_a.employer)
    with tenant_context(employer_a.employer.pk):
        mine = registration_list(actor=coordinator).filter(registration_search_q("person0123 s"))
        plans["coordinator"] = _plan(mine)
        assert mine.count() == 1
    # By the list's own index or by the search indexes, by an index scan or a bitmap of them: which one the
    # planner picks depends on the statistics of the moment, a scan of the table never.
    assert re.search(r"(Index Scan using|Bitmap Index Scan on) programmes_reg", plans["coordinator"]), plans[
        "coordinator"
    ]
    assert "programmes_reg_search_name_idx" in plans["name"], plans["name"]
    assert "programmes_reg_srch_email_idx" in plans["email"], plans["email"]
    assert "programmes_reg_swe_idx" in plans["number"], plans["number"]
    for plan in plans.values():
        assert "Seq Scan on programmes_registration" not in plan, plan


def test_the_team_is_searched_by_name_or_email_within_the_employer(client, login, employer_a, employer_b):
    login(employer_a.coordinator)
    assessor = employer_a.assessor
    word = (assessor.full_name.split()[-1] if assessor.full_name else assessor.email)[:5]
    page = text(client.get(reverse("accounts:team"), {"q": word.upper()}))
    assert assessor.email in page and 'id="result-count"' in page
    by_email = text(client.get(reverse("accounts:team"), {"q": employer_b.coordinator.email}))
    assert f'<td class="govuk-table__cell">{employer_b.coordinator.email}</td>' not in by_email
    assert "Nobody matches" in by_email
