"""Claims and payment statements over the API: read-only, the employer's own, co-ordinators only, with
filters and ``updated_since``; a draft statement is not shown; the schema describes both."""

from __future__ import annotations

import datetime

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from asye.api.services import api_token_create
from asye.tenancy.db import tenant_context
from funding.services import claim_reject
from funding.statement_services import statement_build
from tests.funding.conftest import COHORT, register
from tests.funding.helpers import approve, approved_claim, claim_of, paid_statement, submitted
from tests.programmes.conftest import TODAY, actor_for

pytestmark = pytest.mark.django_db


def token_for(tenant) -> str:
    with tenant_context(tenant.employer.pk):
        return api_token_create(actor=actor_for(tenant.coordinator, tenant.employer), name="Finance").secret


@pytest.fixture
def api(client, employer_a):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(employer_a)}"}
    return lambda url: client.get(url, **headers)


@pytest.fixture
def claims(employer_a, employer_b, national):
    ada = approve(national, register(employer_a, first_name="Ada"))
    ben = approve(national, register(employer_a, first_name="Ben"))
    cara = approve(national, register(employer_a, first_name="Cara"))
    submitted(employer_a, claim_of(ben))
    claim_reject(actor=national, claim_id=claim_of(ben).pk, reason="Funded before")
    paid_statement(employer_a, national, [cara])
    approve(national, register(employer_b))
    return ada, ben, cara


def test_the_employers_claims_and_nothing_else(api, claims, employer_b):
    response = api("/api/v1/claims/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert sorted(r["nqsw"] for r in results) == ["Ada Okafor", "Ben Okafor", "Cara Okafor"]
    assert {r["amount"] for r in results} == {"1000.00"}
    rejected = next(r for r in results if r["nqsw"] == "Ben Okafor")
    assert (rejected["status"], rejected["reason"]) == ("rejected", "Funded before")
    paid = next(r for r in results if r["nqsw"] == "Cara Okafor")
    assert paid["status"] == "paid" and paid["statement"] is not None and paid["paid_on"]
    assert employer_b.employer.name not in response.content.decode()


def test_claim_filters(api, claims):
    assert [r["nqsw"] for r in api("/api/v1/claims/?status=draft").json()["results"]] == ["Ada Okafor"]
    assert api("/api/v1/claims/?instalment=completion").json()["count"] == 0
    assert api(f"/api/v1/claims/?funding_year={COHORT}").json()["count"] == 3
    ada = claims[0]
    assert api(f"/api/v1/claims/?registration={ada.pk}").json()["count"] == 1
    future = (timezone.now() + datetime.timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert api(f"/api/v1/claims/?updated_since={future}").json()["results"] == []
    for bad in (
        "status=nope",
        "instalment=x",
        "funding_year=2026",
        "registration=abc",
        "updated_since=today",
    ):
        response = api(f"/api/v1/claims/?{bad}")
        assert response.status_code == 400 and response["Content-Type"].startswith("application/problem+json")


def test_claim_detail(api, claims):
    claim = claim_of(claims[0])
    body = api(f"/api/v1/claims/{claim.pk}/").json()
    assert (body["reference"], body["instalment"], body["cohort"], body["version"]) == (
        claim.reference,
        "registration",
        COHORT,
        claim.version,
    )


def test_statements_once_authorised_with_their_lines(api, claims, employer_a, national):
    approved_claim(employer_a, national, claims[0])
    # Next month's (written as December 2026).
    next_month = (TODAY.replace(day=1) + datetime.timedelta(days=31)).replace(day=1)
    draft = statement_build(actor=national, employer_id=employer_a.employer.pk, month=next_month)
    listing = api("/api/v1/statements/").json()
    assert listing["count"] == 1
    [statement] = listing["results"]
    assert (statement["status"], statement["total"], statement["total_claims"]) == (
        "paid",
        "1000.00",
        "1000.00",
    )
    detail = api(f"/api/v1/statements/{statement['id']}/").json()
    assert [(line["kind"], line["nqsw"], line["amount"]) for line in detail["lines"]] == [
        ("Claim", "Cara Okafor", "1000.00")
    ]
    assert api(f"/api/v1/statements/{draft.pk}/").status_code == 404
    assert api("/api/v1/statements/?status=draft").status_code == 400
    # The claim on the draft statement does not reveal it.
    ada = next(r for r in api("/api/v1/claims/").json()["results"] if r["nqsw"] == "Ada Okafor")
    assert ada["status"] == "on_statement" and ada["statement"] is None


def test_another_employers_claims_are_404(api, employer_b, national):
    theirs = claim_of(approve(national, register(employer_b)))
    response = api(f"/api/v1/claims/{theirs.pk}/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/problem+json")


def test_co_ordinators_only_and_read_only(client, login, employer_a, claims):
    login(employer_a.assessor, employer_a.employer)
    assert client.get("/api/v1/claims/").status_code == 403
    client.logout()
    login(employer_a.coordinator)
    assert client.get("/api/v1/claims/").status_code == 200
    claim = claim_of(claims[0])
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(f"/api/v1/claims/{claim.pk}/").status_code == 405
    assert client.post("/api/v1/claims/", {}).status_code == 405


def test_the_schema_describes_claims_and_statements(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    for path in (
        "/api/v1/claims/",
        "/api/v1/claims/{id}/",
        "/api/v1/statements/",
        "/api/v1/statements/{id}/",
    ):
        assert path in paths, path
