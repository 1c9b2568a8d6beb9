"""The national equity page: who may see it, the published view's suppression, bad input, and a model that
cannot be trusted shown as a warning rather than a failure."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from asye.accounts.models import Role
from asye.audit.models import AuditEvent
from programmes.legacy_import import EMPLOYER_COLUMNS, REGISTRATION_COLUMNS, import_portal_export
from reporting.equity import equity_summary
from reporting.equity_tables import equity_tables
from tests.factories import person
from tests.reporting.seed_2019_22 import csv_bytes

pytestmark = pytest.mark.django_db
URL = "/national/reports/equity/"
EMPLOYERS = ["P01,Moorland Council,Local authority,North East", "P02,Dale Trust,PVI,London"]


def small_cohorts(unscoped, *, minoritised_unsuccessful=3):
    """60 NQSWs in 2021-22 and 2022-23: a handful unsuccessful, so a publication must hide some counts."""
    rows = []
    for i in range(60):
        cohort = "2021-22" if i < 30 else "2022-23"
        year = int(cohort[:4])
        minoritised = i % 3 == 0
        unsuccessful = (minoritised and i // 3 < minoritised_unsuccessful) or i in (31, 35)
        rows.append(
            ",".join(
                [
                    f"T{i:03d}",
                    "P01" if i % 2 else "P02",
                    "child_and_family" if i % 4 else "adults",
                    cohort,
                    "Sam",
                    f"Tester{i}",
                    f"SW{800000 + i}",
                    f"{year - 30}-01-10",
                    f"{year}-07-01",
                    f"{year}-09-02",
                    "Male" if i % 5 == 0 else "Female",
                    "Black" if minoritised else "White",
                    str(int(i % 3 == 1)),
                    "unsuccessful" if unsuccessful else ("withdrawn" if i == 59 else "passed"),
                ]
            )
        )
    import_portal_export(
        employers_csv=csv_bytes(EMPLOYER_COLUMNS, EMPLOYERS),
        registrations_csv=csv_bytes(REGISTRATION_COLUMNS, rows),
        today=datetime.date(2026, 11, 23),
    )


def test_national_staff_see_the_published_figures_with_small_counts_hidden(login, national_staff, unscoped):
    small_cohorts(unscoped)
    client = login(national_staff)
    response = client.get(
        URL, {"cohorts": ["2021-22", "2022-23"], "service_area": "both", "view": "published"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unsuccessful completion by ethnicity group" in html
    assert "[c]" in html
    assert "Reading an odds ratio" in html
    assert "Too few events" in html or "No model" in html
    with unscoped():
        assert AuditEvent.objects.filter(action="national.read", changes__purpose=f"GET {URL}").exists()


def test_published_tables_never_show_a_count_below_the_threshold(national_staff, unscoped):
    small_cohorts(unscoped)
    with unscoped():
        summary = equity_summary(["2021-22", "2022-23"])
    tables = equity_tables(summary, threshold=5, published=True)
    for table in tables["breakdowns"] + tables["trends"]:
        for row in table.rows:
            count_cells = row.cells[:2]
            for cell in count_cells:
                assert cell.value is None or cell.value == 0 or cell.value >= 5, (table.title, row.label)
            if any(cell.value is None and cell.hidden for cell in count_cells):
                assert row.cells[2].value is None  # the rate goes with its count
        hidden_in_column = [sum(1 for row in table.rows if row.cells[c].hidden) for c in (0, 1)]
        assert all(count != 1 for count in hidden_in_column), table.title  # never one alone under a total
    exact = equity_tables(summary, threshold=5, published=False)
    white = exact["breakdowns"][0].rows[0]
    assert white.label == "White" and white.cells[0].value == summary["by"]["ethnicity_group"]["White"]["n"]


def test_exact_view_marks_what_a_publication_would_hide(login, national_staff, unscoped):
    small_cohorts(unscoped)
    response = login(national_staff).get(
        URL, {"cohorts": ["2021-22"], "service_area": "both", "view": "exact"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Exact figures, for national staff only" in html
    assert " *</td>" in html  # what a publication would hide, marked


def test_default_opens_on_finished_cohorts_and_bad_input_is_an_error_not_a_failure(
    login, national_staff, unscoped
):
    small_cohorts(unscoped)
    client = login(national_staff)
    response = client.get(URL)
    assert response.status_code == 200
    # 2021-22 is finished by November 2026 (2022-23 too); any date in the suite's range opens on figures.
    assert "Cohorts 2021-22" in response.content.decode()
    for params in (
        {"cohorts": ["1999-00"], "service_area": "both", "view": "exact"},
        {"service_area": "nowhere"},
    ):
        response = client.get(URL, params)
        assert response.status_code == 200
        html = response.content.decode()
        assert "govuk-error-summary" in html and "Show the figures" in html
        assert "Logistic regression" not in html


def test_a_model_that_separates_is_a_warning(login, national_staff, unscoped):
    small_cohorts(
        unscoped, minoritised_unsuccessful=0
    )  # every unsuccessful NQSW white: separation, few events
    with unscoped():
        model = equity_summary(["2022-23"])["logistic_regression"]
    assert model["warnings"]
    response = login(national_staff).get(
        URL, {"cohorts": ["2022-23"], "service_area": "both", "view": "exact"}
    )
    assert response.status_code == 200


def test_only_national_staff(client, login, alice, employer_a):
    response = client.get(URL)
    assert response.status_code == 302  # to sign in
    assert login(alice, employer_a.employer).get(URL).status_code == 403


def test_page_query_count_does_not_grow_with_the_data(
    login, national_staff, unscoped, django_assert_max_num_queries
):
    small_cohorts(unscoped)
    client = login(national_staff)
    params = {"cohorts": ["2021-22", "2022-23"], "service_area": "both", "view": "published"}
    client.get(URL, params)  # warm the session
    # The request's own (tenant settings, session, person, memberships, second factor, the audit of the
    # national read, savepoints) and the page's four: the cohorts offered, the size of those chosen (a job
    # above the threshold), the disclosure rule and ONE analysis query, whatever the numbers.
    with django_assert_max_num_queries(18):
        assert client.get(URL, params).status_code == 200
    assert reverse("reports:equity") == URL


def test_over_the_threshold_the_analysis_is_a_job_and_its_page_shows_the_figures(
    login, national_staff, unscoped, monkeypatch, django_capture_on_commit_callbacks
):
    from asye.jobs.models import Job

    small_cohorts(unscoped)
    monkeypatch.setattr("reporting.equity_views.JOB_THRESHOLD", 10)
    client = login(national_staff)
    params = {"cohorts": ["2021-22", "2022-23"], "service_area": "both", "view": "published"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL, params)
    with unscoped():
        job = Job.objects.get(kind="reporting.equity_analysis")
    assert response.status_code == 302
    assert response.url == reverse("jobs:progress", kwargs={"pk": job.public_id})
    assert job.status == Job.Status.DONE and job.employer_id is None
    page = client.get(response.url)
    assert f"{URL}?job={job.public_id}" in page.content.decode()
    shown = client.get(URL, {"job": str(job.public_id)})
    html = shown.content.decode()
    assert "Worked out by a background job" in html and "Unsuccessful completion by ethnicity group" in html
    with unscoped():
        exact = equity_summary(["2021-22", "2022-23"])
    assert f'<dd class="govuk-summary-list__value">{exact["records"]}</dd>' in html
    # Another member of national staff cannot read this person's job's figures.
    other = person(role=Role.NATIONAL_STAFF, email="other.national@skillsforcare.example")
    client.logout()
    assert login(other).get(URL, {"job": str(job.public_id)}).status_code == 404


def test_equity_report_refuses_a_cohort_that_is_not_a_funding_year():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="2019-21"):
        call_command("equity_report", "--cohorts", "2019-20", "2019-21", "--format", "json")
