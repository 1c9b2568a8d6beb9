"""Issue #12 finding 10: the API refuses what it cannot honour and its schema says what it answers."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from django.core.management import call_command

from asye.api.services import api_token_create
from asye.tenancy.db import tenant_context
from reviews.models import Review
from tests.programmes.conftest import actor_for
from tests.reviews.review_fixtures import make_registration, scheduled

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, employer_a):
    with tenant_context(employer_a.employer.pk):
        secret = api_token_create(
            actor=actor_for(employer_a.coordinator, employer_a.employer), name="T"
        ).secret

    def call(method, url, data=None):
        kwargs = {"content_type": "application/json", "data": json.dumps(data)} if data is not None else {}
        return getattr(client, method)(url, HTTP_AUTHORIZATION=f"Bearer {secret}", **kwargs)

    return call


@pytest.fixture
def schema(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    return yaml.safe_load(target.read_text())


@pytest.mark.parametrize("page_size", ["abc", "0", "-1", "201", "1.5"])
def test_a_bad_page_size_is_a_400_problem_naming_it(api, page_size):
    response = api("get", f"/api/v1/memberships/?page_size={page_size}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "page_size" in response.json()["errors"]


def test_an_empty_updated_since_is_a_400_not_ignored(api):
    response = api("get", "/api/v1/registrations/?updated_since=")
    assert response.status_code == 400 and "updated_since" in response.json()["errors"]


def test_recording_a_review_with_nothing_in_it_writes_nothing_and_is_not_201(api, employer_a):
    registration = make_registration(employer_a)
    review = scheduled(employer_a, registration, 3)
    response = api("post", "/api/v1/reviews/", {"registration": registration.pk, "month": 3})
    assert response.status_code == 400, response.content
    with tenant_context(employer_a.employer.pk):
        assert Review.objects.get(pk=review.pk).version == review.version


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_withdrawal_dates_out_of_sense_are_refused(api, employer_a, day):
    registration = make_registration(employer_a)
    response = api(
        "post", f"/api/v1/registrations/{registration.pk}/withdraw/", {"date": day, "reason": "Left"}
    )
    assert response.status_code == 400


def test_every_operation_documents_the_shared_problem_answers(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403", "429"} <= codes, (method, path)
            if "{" in path or method == "get":
                assert "404" in codes, (method, path)
            if method in ("post", "patch"):
                assert {"400", "413", "415"} <= codes, (method, path)


def test_blank_and_null_fields_are_described_as_they_come_back(schema):
    components = schema["components"]["schemas"]
    registration = components["Registration"]["properties"]
    assert {"type": "string", "maxLength": 0} in registration["email"]["anyOf"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in registration["outcome"]["oneOf"]
    kind = components["Milestone"]["properties"]["kind"]
    ref = re.search(r"#/components/schemas/(\w+)", json.dumps(kind))
    enum = components[ref.group(1)]["enum"] if ref else kind["enum"]
    assert "agreement" in enum


def test_page_size_bounds_are_in_the_schema(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/memberships/"]["get"]["parameters"]}
    assert parameters["page_size"]["schema"]["minimum"] == 1
    assert parameters["page_size"]["schema"]["maximum"] == 200


SWE_EXAMPLES = ["SW123456", "sw 123456", " SW1 2 ", "X123456", "SW", "SW12345678901", "123456"]
HOURS_EXAMPLES = ["1", "37", "22.5", "48", "48.00", "0.5", "48.5", "49", "0"]


def _create_schema(schema) -> dict:
    return schema["components"]["schemas"]["RegistrationCreateRequest"]["properties"]


def test_the_swe_number_and_hours_rules_are_in_the_schema_and_match_the_server(api, schema):
    """The schema's patterns say exactly what the services accept: every example the pattern allows has no
    error on that field, every one it refuses is a 400 naming it (and nothing is written either way)."""
    fields = _create_schema(schema)
    swe = next(option for option in fields["swe_number"]["oneOf"] if "pattern" in option)
    swe_pattern = re.compile(swe["pattern"])
    hours_pattern = re.compile(fields["contracted_hours"]["pattern"])
    assert "between 1 and 48" in fields["contracted_hours"]["description"]

    def errors_for(body) -> dict:
        # Otherwise incomplete (no dates), so nothing is ever created: only which fields are wrong matters.
        response = api("post", "/api/v1/registrations/", body)
        assert response.status_code == 400, response.content
        return response.json()["errors"]

    for value in SWE_EXAMPLES:
        assert ("swe_number" not in errors_for({"swe_number": value})) == bool(swe_pattern.match(value)), value
    for value in HOURS_EXAMPLES:
        refused = "contracted_hours" in errors_for({"contracted_hours": value})
        assert refused != bool(hours_pattern.match(value)), value


@pytest.mark.parametrize("value", ["²", "٣", "1²", " 1"])
def test_a_whole_number_filter_takes_ascii_digits_only(api, value):
    """Before: "²" passed ``str.isdigit`` and then failed ``int()``: a 500."""
    response = api("get", f"/api/v1/reviews/?registration={value}")
    assert response.status_code == 400 and "registration" in response.json()["errors"]
