"""The 360 evaluation over the API: a co-ordinator's token lists the employer's cycles and, once a cycle
has closed, reads its report: the same figures as the report page (the hand calculation of
test_report.py), only aggregates, a type below 3 responses named but not broken down, a cell below 3
ratings hidden; never another employer's cycle; the schema describes it."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import call_command

from asye.api.services import api_token_create
from asye.tenancy.db import tenant_context
from tests.evaluations.helpers import close, coordinator, open_cycle
from tests.evaluations.test_report import _run

pytestmark = pytest.mark.django_db


def token_for(tenant) -> str:
    with tenant_context(tenant.employer.pk):
        return api_token_create(actor=coordinator(tenant), name="Quality system").secret


def _api(client, tenant):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(tenant)}"}
    return lambda url: client.get(url, **headers)


def test_cycles_and_the_report_of_a_closed_cycle(client, employer_a, employer_b):
    cycle = _run(employer_a)
    other = open_cycle(employer_b)
    api = _api(client, employer_a)
    listing = api("/api/v1/evaluation-cycles/").json()
    assert [row["id"] for row in listing["results"]] == [cycle.pk]
    row = listing["results"][0]
    assert row["status"] == "open" and row["invited"] == 9 and row["answered"] == 9
    # Open: no report yet (figures moving with each answer would tell who answered what).
    early = api(f"/api/v1/evaluation-cycles/{cycle.pk}/report/")
    assert early.status_code == 404 and early["Content-Type"].startswith("application/problem+json")
    close(employer_a, cycle)
    report = api(f"/api/v1/evaluation-cycles/{cycle.pk}/report/").json()
    assert report["cycle"]["status"] == "closed" and report["min_group"] == 3
    assert report["columns"] == [
        {"respondent_type": "self", "responses": 1},
        {"respondent_type": "assessor", "responses": 4},
        {"respondent_type": "nqsw", "responses": 3},
    ]
    assert report["hidden_types"] == [{"respondent_type": "line_manager", "responses": 2}]
    theme1 = report["themes"][0]
    s1, s2 = theme1["statements"][:2]
    # The hand calculation of test_report.py, as the page shows it (one place).
    assert (s1["average"], s1["rag"], s1["ratings"]) == ("4.0", "green", 8)
    assert {c["respondent_type"]: c["average"] for c in s1["by_type"]} == {
        "self": "2.0",
        "assessor": "4.5",
        "nqsw": "4.0",
    }
    nqsw_s2 = next(c for c in s2["by_type"] if c["respondent_type"] == "nqsw")
    assert nqsw_s2 == {"respondent_type": "nqsw", "average": None, "ratings": None, "hidden": True}
    assert (s2["average"], s2["rag"]) == ("3.3", "amber")
    assert theme1["average"] == "3.3" and s1["national"] == "3.6"
    # Nothing names a response, a rating or a line manager's figure.
    text = str(report)
    assert "line_manager', 'average" not in text and "rating'" not in text
    # Another employer's cycle: 404, in the list and by address.
    assert api(f"/api/v1/evaluation-cycles/{other.pk}/").status_code == 404
    assert api(f"/api/v1/evaluation-cycles/{other.pk}/report/").status_code == 404


def test_only_coordinators_read_cycles(client, login, employer_a):
    open_cycle(employer_a)
    login(employer_a.assessor, employer_a.employer)
    response = client.get("/api/v1/evaluation-cycles/")
    assert response.status_code == 403


def test_the_schema_describes_the_evaluation_endpoints(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(path), "--validate", "--fail-on-warn")
    schema = yaml.safe_load(path.read_text())
    paths = schema["paths"]
    assert "/api/v1/evaluation-cycles/" in paths
    report = paths["/api/v1/evaluation-cycles/{id}/report/"]["get"]
    assert set(report["responses"]) >= {"200", "403", "404"}
    assert "EvaluationReport" in str(report["responses"]["200"])
