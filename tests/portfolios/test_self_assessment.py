"""The PQS self-assessment: child and family only; start, midway and near the end, in order; every
statement rated; the NQSW writes, the others read; the stages side by side."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from asye.errors import Conflict
from asye.tenancy.db import tenant_context
from portfolios import self_assessments as services
from portfolios.models import SelfAssessment, SelfAssessmentRating
from tests.portfolios.conftest import linked_registration, portfolio_of
from tests.programmes.conftest import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration(employer_a):
    return linked_registration(employer_a)


def pqs_statements(tenant, registration):
    portfolio = portfolio_of(tenant, registration)
    with tenant_context(tenant.employer.pk):
        capability_set = services.self_assessment_set(portfolio, registration)
        return list(capability_set.statements.order_by("number"))


def save(tenant, registration, stage, level=2, user=None, version=None, **overrides):
    statements = pqs_statements(tenant, registration)
    levels = {s.pk: level for s in statements}
    levels.update(overrides.pop("levels", {}))
    with tenant_context(tenant.employer.pk):
        return services.self_assessment_save(
            actor=actor_for(user or tenant.nqsw, tenant.employer),
            registration=registration,
            stage=stage,
            levels=levels,
            comments=overrides.pop("comments", {}),
            version=version,
        )


def test_the_nqsw_rates_every_pqs_statement_at_the_start(employer_a, registration):
    statements = pqs_statements(employer_a, registration)
    assert len(statements) == 10 and statements[0].capability_set.code == "cf-pqs"
    assessment = save(employer_a, registration, "start", comments={statements[0].pk: "Building rapport well"})
    assert assessment.completed_at is not None
    with tenant_context(employer_a.employer.pk):
        ratings = list(SelfAssessmentRating.objects.filter(self_assessment=assessment))
    assert len(ratings) == 10 and {r.level for r in ratings} == {2}
    assert any(r.comment == "Building rapport well" for r in ratings)


def test_every_statement_needs_a_rating(employer_a, registration):
    statements = pqs_statements(employer_a, registration)
    with pytest.raises(ValidationError) as raised:
        save(employer_a, registration, "start", levels={statements[3].pk: None, statements[7].pk: 9})
    assert set(raised.value.message_dict) == {f"level_{statements[3].pk}", f"level_{statements[7].pk}"}
    assert raised.value.message_dict[f"level_{statements[3].pk}"] == [
        f"Select how confident you feel about PQS 4: {statements[3].title}"
    ]


def test_stages_are_completed_in_order_and_earlier_ones_are_then_kept(employer_a, registration):
    with pytest.raises(ValidationError, match="Complete the “start of the programme” self-assessment first"):
        save(employer_a, registration, "midway")
    start = save(employer_a, registration, "start")
    # The start can be changed until midway is done.
    start = save(employer_a, registration, "start", level=3, version=start.version)
    save(employer_a, registration, "midway", level=3)
    with pytest.raises(ValidationError, match="later self-assessment has been completed"):
        save(employer_a, registration, "start", level=4, version=start.version)
    save(employer_a, registration, "end", level=4)
    with tenant_context(employer_a.employer.pk):
        assert SelfAssessment.objects.filter(portfolio__registration=registration).count() == 3


def test_a_stale_save_is_a_conflict(employer_a, registration):
    start = save(employer_a, registration, "start")
    stale = start.version
    save(employer_a, registration, "start", level=3, version=stale)
    with pytest.raises(Conflict):
        save(employer_a, registration, "start", level=4, version=stale)


@pytest.mark.parametrize("who", ["assessor", "line_manager", "coordinator"])
def test_only_the_nqsw_completes_it(employer_a, registration, who):
    with pytest.raises(PermissionDenied):
        save(employer_a, registration, "start", user=getattr(employer_a, who))


def test_adults_have_no_self_assessment(client, login, employer_a):
    adults = linked_registration(employer_a, service_area="adults")
    portfolio = portfolio_of(employer_a, adults)
    with tenant_context(employer_a.employer.pk):
        assert services.self_assessment_set(portfolio, adults) is None
        with pytest.raises(ValidationError, match="child and family NQSWs only"):
            services.self_assessment_save(
                actor=actor_for(employer_a.nqsw, employer_a.employer),
                registration=adults,
                stage="start",
                levels={},
            )
    login(employer_a.nqsw)
    page = client.get(reverse("portfolios:self_assessments", args=[adults.pk])).content.decode()
    assert "does not apply to this programme" in page


def test_the_pages_rate_a_stage_and_compare_the_stages(client, login, employer_a, registration):
    statements = pqs_statements(employer_a, registration)
    save(employer_a, registration, "start", level=1)
    login(employer_a.nqsw)
    url = reverse("portfolios:self_assessment", args=[registration.pk])
    form = client.get(url, {"stage": "midway"}).content.decode()
    assert statements[0].title in form and "Save the self-assessment" in form

    # Missing ratings: the error summary names each statement.
    response = client.post(url, {"stage": "midway", f"level_{statements[0].pk}": "3"})
    body = response.content.decode()
    assert (
        "There is a problem" in body
        and f"Select how confident you feel about PQS 2: {statements[1].title}" in body
    )

    data = {"stage": "midway", **{f"level_{s.pk}": "3" for s in statements}}
    data[f"comment_{statements[2].pk}"] = "More confident with development milestones"
    assert client.post(url, data).status_code == 302

    compare = client.get(reverse("portfolios:self_assessments", args=[registration.pk])).content.decode()
    assert "Not yet confident" in compare and "Confident" in compare
    assert "More confident with development milestones" in compare

    login(employer_a.assessor)
    read = client.get(url, {"stage": "midway"}).content.decode()
    assert "Save the self-assessment" not in read and "More confident with development milestones" in read
    assert client.post(url, data).status_code == 403


def test_another_nqsw_cannot_open_it(client, login, employer_a, registration):
    from tests.factories import person

    other = person(role="nqsw", employer=employer_a.employer, email="other.nqsw@a.example")
    login(other)
    url = reverse("portfolios:self_assessment", args=[registration.pk])
    assert client.get(url, {"stage": "start"}).status_code == 404
    assert client.get(reverse("portfolios:self_assessments", args=[registration.pk])).status_code == 404
