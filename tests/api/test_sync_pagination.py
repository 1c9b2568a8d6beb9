"""A sync over the API (``updated_since``, then ``cursor`` from each page's ``next``) pages by keyset on
(updated_at, id): however records change between pages, no record is skipped and none comes twice in one
sync; what changed during it comes in the next sync, which starts at ``sync_until``."""

from __future__ import annotations

import datetime

import pytest
from dateutil.relativedelta import relativedelta

from asye import clock
from asye.api.pagination import decode_cursor, encode_cursor
from asye.api.services import api_token_create
from asye.tenancy.db import tenant_context
from programmes.models import Registration
from tests.funding.helpers import register
from tests.programmes.conftest import actor_for
from tests.today import NOW

pytestmark = pytest.mark.django_db

URL = "/api/v1/registrations/"
SINCE = (NOW - relativedelta(years=2)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def api(client, employer_a):
    with tenant_context(employer_a.employer.pk):
        secret = api_token_create(
            actor=actor_for(employer_a.coordinator, employer_a.employer), name="HR system"
        ).secret
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, response.content
        return response.json()

    return get


@pytest.fixture
def five(employer_a, unscoped):
    """Five of A's registrations, changed a day apart (the oldest first)."""
    made = [register(employer_a, swe_number=f"SW55000{n}", last_name=f"Z{5 - n}") for n in range(5)]
    with unscoped():
        for n, registration in enumerate(made):
            Registration.objects.filter(pk=registration.pk).update(
                updated_at=NOW - datetime.timedelta(days=10 - n)
            )
    return made


def test_a_sync_pages_by_time_of_change_with_a_cursor(api, five):
    first = api(f"{URL}?updated_since={SINCE}&page_size=2")
    assert [r["id"] for r in first["results"]] == [five[0].pk, five[1].pk]  # by change, not by name
    assert "count" not in first and first["sync_until"] and "updated_since" not in first["next"]
    second = api(first["next"])
    third = api(second["next"])
    assert [r["id"] for r in second["results"] + third["results"]] == [r.pk for r in five[2:]]
    assert third["next"] is None and third["sync_until"] == first["sync_until"]


def test_records_changed_between_pages_are_neither_skipped_nor_repeated(api, five, employer_a, unscoped):
    first = api(f"{URL}?updated_since={SINCE}&page_size=2")
    # Between pages: one already sent changes, one not yet sent changes, and a new one is registered.
    with unscoped():
        for registration in (five[0], five[3]):
            Registration.objects.filter(pk=registration.pk).update(
                email="new@example.org", updated_at=clock.now()
            )
    new = register(employer_a, swe_number="SW5500099")
    seen = [r["id"] for r in first["results"]]
    page = first
    while page["next"]:
        page = api(page["next"])
        seen += [r["id"] for r in page["results"]]
    assert len(seen) == len(set(seen)), "a record came twice in one sync"
    # The one changed before it was sent comes in its new state in the next sync, with the other changes.
    assert set(seen) == {r.pk for r in five} - {five[3].pk}
    after = api(f"{URL}?updated_since={page['sync_until'].replace('+', '%2B')}")
    assert {r["id"] for r in after["results"]} == {five[0].pk, five[3].pk, new.pk}
    assert set(seen) | {r["id"] for r in after["results"]} == {r.pk for r in five} | {new.pk}


def test_a_sync_reads_only_the_callers_rows_and_their_filters(api, five, employer_b):
    register(employer_b, swe_number="SW5500100")
    everything = api(f"{URL}?updated_since={SINCE}&page_size=200")
    assert {r["id"] for r in everything["results"]} == {r.pk for r in five}
    none = api(f"{URL}?updated_since={SINCE}&status=withdrawn")
    assert none["results"] == [] and none["next"] is None


@pytest.mark.parametrize(
    "query",
    [
        "cursor=nonsense",
        "cursor=",
        f"cursor={encode_cursor(NOW, 1, NOW)[:-3]}",
        f"updated_since={SINCE}&page=2",
        "updated_since=",
    ],
)
def test_a_cursor_the_api_did_not_give_is_a_400_naming_it(api, client, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()["errors"]) & {"cursor", "page", "updated_since"}


def test_the_cursor_holds_a_position_and_the_end_of_the_sync():
    assert decode_cursor(encode_cursor(NOW, 42, NOW)) == (NOW, 42, NOW)


def test_pages_by_number_are_unchanged_without_a_sync(api, five):
    page = api(f"{URL}?page_size=2")
    assert page["count"] == 5 and "sync_until" not in page
    assert [r["last_name"] for r in page["results"]] == ["Z1", "Z2"]


def test_the_schema_documents_the_sync(client, api):
    schema = client.get("/api/v1/schema/?format=json").json()
    parameters = {p["name"] for p in schema["paths"][URL]["get"]["parameters"]}
    assert {"updated_since", "cursor", "page", "page_size"} <= parameters
    page = schema["components"]["schemas"]["PaginatedRegistrationList"]
    assert "sync_until" in page["properties"] and page["required"] == ["next", "results"]
