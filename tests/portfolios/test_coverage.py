"""Coverage: for every statement of the portfolio's frameworks, its evidence by status and its
observations, counted in SQL with a fixed number of queries, and the gaps highlighted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asye.tenancy.db import tenant_context
from portfolios.coverage import EVIDENCED, MORE_NEEDED, NO_EVIDENCE, ONLY_DRAFTS, WAITING, portfolio_coverage
from portfolios.models import Evidence, Observation, ObservationTag
from tests.portfolios.conftest import add_evidence, statement
from tests.today import days_ago

pytestmark = pytest.mark.django_db

S = Evidence.Status


def observe(tenant, portfolio, number: int, tags, status=Observation.Status.COMPLETE) -> Observation:
    with tenant_context(tenant.employer.pk):
        observation = Observation.objects.create(
            employer=tenant.employer,
            portfolio=portfolio,
            number=number,
            observer=tenant.assessor,
            observed_on=days_ago(53),  # after the start eleven weeks ago (written as 1 October 2026)
            setting="Home visit",
            status=status,
            created_by=tenant.assessor,
        )
        ObservationTag.objects.bulk_create(
            ObservationTag(
                employer=tenant.employer, observation=observation, statement=statement(portfolio, *tag)
            )
            for tag in tags
        )
    return observation


def rows_by_label(coverage):
    return {row.statement.label: row for row in coverage.rows}


def test_every_statement_of_the_portfolios_frameworks_is_a_row_pcf_first(employer_a, portfolio_a):
    with tenant_context(employer_a.employer.pk):
        coverage = portfolio_coverage(portfolio=portfolio_a)
    assert [g.capability_set.code for g in coverage.groups] == ["pcf", "cf-pqs"]
    assert [row.statement.number for row in coverage.groups[0].rows] == list(range(1, 10))
    assert coverage.total == 19 and coverage.evidenced == 0 and len(coverage.gaps) == 19


def test_counts_by_status_and_the_level_each_gives(employer_a, portfolio_a):
    add_evidence(employer_a, portfolio_a, title="a1", tags=(("pcf", 1), ("cf-pqs", 1)), status=S.ACCEPTED)
    add_evidence(employer_a, portfolio_a, title="a2", tags=(("pcf", 1),), status=S.ACCEPTED)
    add_evidence(employer_a, portfolio_a, title="s", tags=(("pcf", 1), ("pcf", 2)), status=S.SHARED)
    add_evidence(employer_a, portfolio_a, title="m", tags=(("pcf", 3),), status=S.MORE_NEEDED)
    add_evidence(employer_a, portfolio_a, title="d", tags=(("pcf", 4), ("pcf", 3)))
    observe(employer_a, portfolio_a, 1, [("pcf", 5)])
    observe(employer_a, portfolio_a, 2, [("pcf", 6)], status=Observation.Status.DRAFT)
    with tenant_context(employer_a.employer.pk):
        coverage = portfolio_coverage(portfolio=portfolio_a)
    rows = rows_by_label(coverage)
    pcf1 = rows["PCF 1"]
    assert (pcf1.accepted, pcf1.shared, pcf1.more_needed, pcf1.draft) == (2, 1, 0, 0)
    assert rows["PCF 1"].level is EVIDENCED and rows["PQS 1"].level is EVIDENCED
    assert rows["PCF 2"].level is WAITING
    assert rows["PCF 3"].level is MORE_NEEDED and rows["PCF 3"].draft == 1
    assert rows["PCF 4"].level is ONLY_DRAFTS
    assert rows["PCF 5"].level is EVIDENCED and rows["PCF 5"].observations == 1
    assert rows["PCF 6"].level is ONLY_DRAFTS and rows["PCF 6"].observations_complete == 0
    assert rows["PCF 7"].level is NO_EVIDENCE
    assert coverage.evidenced == 3
    assert [(level.key, n) for level, n in coverage.by_level] == [
        ("none", 12),
        ("only_drafts", 2),
        ("more_needed", 1),
        ("waiting", 1),
        ("evidenced", 3),
    ]


def test_the_pack_coverage_leaves_out_drafts(employer_a, portfolio_a):
    add_evidence(employer_a, portfolio_a, title="d", tags=(("pcf", 4),))
    with tenant_context(employer_a.employer.pk):
        coverage = portfolio_coverage(portfolio=portfolio_a, include_drafts=False)
    assert rows_by_label(coverage)["PCF 4"].level is NO_EVIDENCE


def test_another_portfolios_evidence_does_not_count(employer_a, portfolio_a):
    from asye.accounts.models import Role
    from tests.factories import person
    from tests.portfolios.conftest import linked_registration, portfolio_of

    other_nqsw = person(role=Role.NQSW, employer=employer_a.employer, email="other@alphashire.example")
    other = portfolio_of(employer_a, linked_registration(employer_a, nqsw=other_nqsw))
    add_evidence(employer_a, other, nqsw=other_nqsw, tags=(("pcf", 1),), status=S.ACCEPTED)
    with tenant_context(employer_a.employer.pk):
        assert portfolio_coverage(portfolio=portfolio_a).evidenced == 0
        assert portfolio_coverage(portfolio=other).evidenced == 1


def test_coverage_takes_three_queries_however_much_evidence_there_is(
    employer_a, portfolio_a, django_assert_num_queries
):
    with tenant_context(employer_a.employer.pk), django_assert_num_queries(3):
        portfolio_coverage(portfolio=portfolio_a)
    for i in range(12):
        add_evidence(
            employer_a,
            portfolio_a,
            title=f"e{i}",
            tags=(("pcf", 1 + i % 9), ("cf-pqs", 1 + i % 10)),
            status=S.SHARED,
        )
    for number in (1, 2, 3):
        observe(employer_a, portfolio_a, number, [("pcf", number), ("cf-pqs", number)])
    with tenant_context(employer_a.employer.pk), django_assert_num_queries(3):
        coverage = portfolio_coverage(portfolio=portfolio_a)
        assert sum(row.shared for row in coverage.rows) == 24


def test_the_coverage_page_highlights_gaps_and_changes_when_evidence_is_accepted(
    client, login, employer_a, registration_a, portfolio_a
):
    evidence = add_evidence(employer_a, portfolio_a, tags=(("pcf", 6),), status=S.SHARED)
    url = reverse("portfolios:coverage", args=[registration_a.pk])
    login(employer_a.nqsw)
    html = client.get(url).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">No evidence yet</strong>' in html
    assert "0 of 19 capabilities are evidenced" in html
    row = html[html.index(f'id="statement-{statement(portfolio_a, "pcf", 6).pk}"') :]
    assert '<strong class="govuk-tag">Waiting for assessor</strong>' in row[: row.index("</tr>")]

    login(employer_a.assessor)
    client.post(
        reverse("portfolios:evidence_respond", args=[evidence.pk]),
        {"version": evidence.version, "decision": S.ACCEPTED},
    )
    login(employer_a.nqsw)
    html = client.get(url).content.decode()
    assert "1 of 19 capabilities are evidenced" in html
    row = html[html.index(f'id="statement-{statement(portfolio_a, "pcf", 6).pk}"') :]
    assert '<strong class="govuk-tag govuk-tag--green">Evidenced</strong>' in row[: row.index("</tr>")]


def test_the_assessor_sees_that_drafts_exist_but_not_what_they_say(
    client, login, employer_a, registration_a, portfolio_a
):
    add_evidence(employer_a, portfolio_a, title="Secret draft title", tags=(("pcf", 2),))
    login(employer_a.assessor)
    html = client.get(reverse("portfolios:coverage", args=[registration_a.pk])).content.decode()
    assert '<strong class="govuk-tag govuk-tag--grey">Only drafts</strong>' in html
    assert "Secret draft title" not in html
