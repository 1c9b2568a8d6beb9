"""Done when: a national file shaped like the seed report's 2023-24 registrations, loaded through the
legacy portal import, gives the seed's two registration tables exactly from ``national_report``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.reporting import seed_2023_24 as seed

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Loaded once for the module (3,203 rows), and removed after it."""
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        seed.load()
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def national_report(*args: str) -> dict:
    out = StringIO()
    call_command("national_report", "--year", "2023-24", "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_national_report_reproduces_the_seed_tables(seeded):
    report = national_report()

    assert report["year"] == "2023-24"
    registrations = report["registrations"]
    assert (registrations["total"], registrations["employers"]) == (seed.TOTAL_NQSWS, seed.TOTAL_EMPLOYERS)
    assert registrations["by_employer_type"] == [
        {"employer_type": kind, "employers": employers, "nqsws": nqsws}
        for kind, employers, nqsws in seed.BY_TYPE
    ]
    assert registrations["by_region"] == [
        {"region": region, "employers": employers, "nqsws": nqsws}
        for region, employers, nqsws in seed.BY_REGION
    ]


def test_the_seed_shares_of_north_midlands_and_south(seeded):
    groups = {group["label"]: group for group in national_report()["region_groups"]}
    # The seed's "32% North, 24% Midlands, 44% South" are the groups' shares of the 191 employers.
    assert [groups[name]["employers_share"] for name in ("North", "Midlands", "South")] == [32, 24, 44]
    assert [groups[name]["nqsws"] for name in ("North", "Midlands", "South")] == [1127, 851, 1225]
    assert [groups[name]["nqsws_share"] for name in ("North", "Midlands", "South")] == [35, 27, 38]


def test_the_school_that_registered_nobody_is_not_an_employer_registering(seeded):
    report = national_report()
    assert report["trend"][-2:] == [
        {"year": "2022-23", "employers": 1, "nqsws": 1, "change": None, "change_percent": None},
        {"year": "2023-24", "employers": 191, "nqsws": 3203, "change": 3202, "change_percent": 320200.0},
    ]
    school = next(
        row for row in report["registrations"]["by_employer_type"] if row["employer_type"] == "School"
    )
    assert school == {"employer_type": "School", "employers": 0, "nqsws": 0}
    # Nothing in the seed's tables is below the threshold: a publication suppresses nothing there.
    assert not [
        cell
        for cell in report["disclosure"]["would_suppress"]
        if cell["table"] in ("by_employer_type", "by_region")
    ]


def test_the_service_area_filter(seeded):
    assert national_report("--service-area", "adults")["registrations"]["total"] == 0
    assert national_report("--service-area", "child_and_family")["registrations"]["total"] == 3203
