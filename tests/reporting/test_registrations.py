"""The registrations report's counting rules, counted in SQL in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programmes.models import Registration
from reporting.registrations import registration_years, registrations_report, registrations_trend
from tests.reporting.helpers import load, load_picture

pytestmark = pytest.mark.django_db


def rows(table, name="label"):
    return {row[name]: (row["employers"], row["nqsws"]) for row in table}


def test_employers_registering_and_nqsws_registered_by_type_and_region(unscoped):
    load_picture()
    with unscoped():
        report = registrations_report(year="2024-25")
    assert (report["total"], report["employers"]) == (43, 4)  # A5 registered nobody in 2024-25
    by_type = rows(report["by_employer_type"])
    assert list(by_type) == [
        "Local authority",
        "Private, voluntary and independent (PVI)",
        "Fostering",
        "NHS",
        "School",
        "Other",  # shown because it has registrations
    ]
    assert by_type["Local authority"] == (2, 38)
    assert by_type["Other"] == (1, 2)
    assert by_type["NHS"] == (0, 0)
    by_region = rows(report["by_region"])
    assert by_region["London"] == (2, 23) and by_region["North West"] == (1, 18)
    assert by_region["South West"] == (0, 0)
    groups = {group["label"]: group for group in report["region_groups"]}
    assert (groups["North"]["nqsws"], groups["Midlands"]["nqsws"], groups["South"]["nqsws"]) == (18, 2, 23)
    assert (groups["North"]["employers_share"], groups["South"]["employers_share"]) == (25, 50)
    assert groups["South"]["nqsws_share"] == 53  # 23 of 43 = 53.5%, to the nearest whole per cent: 53


def test_other_is_left_out_when_nobody_of_that_type_registered(unscoped):
    load_picture()
    with unscoped():
        report = registrations_report(year="2023-24")
    assert [row["label"] for row in report["by_employer_type"]][-1] == "School"
    assert (report["total"], report["employers"]) == (14, 2)


def test_service_area_filters_and_the_service_area_table(unscoped):
    load_picture()
    with unscoped():
        adults = registrations_report(year="2024-25", service_area="adults")
        children = registrations_report(year="2024-25", service_area="child_and_family")
    assert (adults["total"], adults["employers"]) == (9, 2)
    assert (children["total"], children["employers"]) == (34, 3)
    # The service-area table is of both areas whichever is chosen; A1 registered in both, counted once.
    assert rows(adults["by_service_area"]) == {"Child and family": (3, 34), "Adults": (2, 9)}
    assert adults["all_service_areas"] == {"employers": 4, "nqsws": 43}


def test_trend_with_change_on_previous_year(unscoped):
    load_picture()
    with unscoped():
        assert registration_years() == ["2023-24", "2024-25"]
        trend = registrations_trend()
        until = registrations_report(year="2023-24")["trend"]
    assert trend == [
        {"year": "2023-24", "employers": 2, "nqsws": 14, "change": None, "change_percent": None},
        {"year": "2024-25", "employers": 4, "nqsws": 43, "change": 29, "change_percent": 207.1},
    ]
    assert [row["year"] for row in until] == ["2023-24"]


def test_a_transfer_is_not_a_new_registration(unscoped):
    load(
        [("B1", "Local authority", "London"), ("B2", "Local authority", "North East")],
        [("B1", "child_and_family", "2024-25", 1), ("B2", "child_and_family", "2024-25", 1)],
    )
    with unscoped():
        first, second = Registration.objects.filter(employer__legacy_ref__in=["B1", "B2"]).order_by("pk")
        Registration.objects.filter(pk=second.pk).update(transferred_from=first)
        report = registrations_report(year="2024-25")
    assert (report["total"], report["employers"]) == (1, 1)


def test_the_report_takes_the_same_queries_however_many_rows(unscoped):
    load_picture()

    def queries() -> int:
        with unscoped(), CaptureQueriesContext(connection) as captured:
            registrations_report(year="2024-25")
        return len(captured.captured_queries)

    before = queries()
    load(
        [("C1", "Fostering", "West Midlands")],
        [("C1", "adults", "2024-25", 7), ("C1", "adults", "2022-23", 2)],
    )
    assert queries() == before
    assert before <= 4  # one GROUP BY query and the national context's settings
