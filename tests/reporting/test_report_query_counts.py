"""The report pages' queries are pinned and do not grow with registrations, employers or past runs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from asye.jobs.models import Job
from reporting.jobs import ANNUAL_REPORT
from tests.reporting.helpers import load, load_picture

pytestmark = pytest.mark.django_db

YEAR = "?year=2024-25&service_area=both"
PAGES = {
    "index": "/national/reports/",
    "registrations": f"/national/reports/registrations/{YEAR}",
    "published": f"/national/reports/registrations/published/{YEAR}",
    "quality": f"/national/reports/quality/{YEAR}",
    "overview": f"/national/{YEAR}",
}
# The session, the person, their roles and the national audit row, then: the years registered, the
# threshold, one GROUP BY query (reporting.registrations); the runs page and its count; moderation's and
# funding's GROUP BY queries; on the index, the runs' publications; on the quality page, the 360 composite,
# the survey rounds' response rates and forum attendance (reporting.quality_support).
# Each 2 more until the session was read without a savepoint of its own (#14, asye.accounts.sessions).
PINNED = {"index": 17, "registrations": 15, "published": 15, "quality": 26, "overview": 16}


def _counts(client) -> dict[str, int]:
    counts = {}
    for name, url in PAGES.items():
        assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[name] = len(queries.captured_queries)
    return counts


def _runs(user, count: int, unscoped):
    with unscoped():
        for _ in range(count):
            Job.objects.create(
                kind=ANNUAL_REPORT,
                label="Annual report 2024-25",
                params={"year": "2024-25", "service_area": "both", "format": "pdf", "threshold": 5},
                created_by=user,
                status=Job.Status.DONE,
            )


def test_report_pages_queries_are_pinned(client, login, national_staff, unscoped):
    load_picture()
    _runs(national_staff, 2, unscoped)
    login(national_staff)
    before = _counts(client)
    load(
        [("Q1", "NHS", "London"), ("Q2", "School", "North East")],
        [("Q1", "adults", "2024-25", 5), ("Q2", "child_and_family", "2022-23", 3)],
    )
    _runs(national_staff, 5, unscoped)
    after = _counts(client)
    assert after == before, "a report page's queries grow with its rows"
    assert after == PINNED, f"measured: {after}"
