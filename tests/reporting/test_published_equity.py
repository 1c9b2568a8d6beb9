"""The equity section on the public page of a published annual report: kept at publication with the
section's cross-table suppression (no exact small count stored or shown), each table beside its chart
with the chart's text description, and the regression; a report published without one shows none."""

from __future__ import annotations

import re

import pytest

from reporting.disclosure import SUPPRESSED
from reporting.models import PublishedReport
from tests.reporting.helpers import load_picture
from tests.reporting.test_equity_pages import small_cohorts
from tests.reporting.test_published_report import finished_run

pytestmark = pytest.mark.django_db
THRESHOLD = 5


@pytest.fixture
def published(client, login, national_staff, unscoped) -> PublishedReport:
    """The 2024-25 report (its equity section: the cohorts 2020-21 to 2022-23) published."""
    load_picture()
    small_cohorts(unscoped)
    with unscoped():
        run = finished_run(national_staff)
    login(national_staff)
    assert client.post(f"/national/reports/runs/{run.public_id}/publish/").status_code == 302
    client.logout()
    with unscoped():
        return PublishedReport.objects.get()


def equity_tables_of(published: PublishedReport) -> list[dict]:
    return [table for table in published.tables if table["key"].startswith("equity_")]


def test_the_equity_section_is_stored_suppressed(published):
    tables = equity_tables_of(published)
    keys = [table["key"] for table in tables]
    assert keys[0] == "equity_overview" and keys[-1] == "equity_regression"
    assert "equity_ethnicity_group" in keys and "equity_trend_ethnicity_group_white" in keys
    hidden = [cell for table in tables for row in table["rows"] for cell in row["cells"] if cell["hidden"]]
    assert hidden and all(cell["value"] is None for cell in hidden)
    for table in tables:
        if table["key"] == "equity_regression":
            continue
        for row in table["rows"]:
            counts = row["cells"][:1] if table["key"] == "equity_overview" else row["cells"][:2]
            for cell in counts:
                assert cell["value"] is None or cell["value"] == 0 or cell["value"] >= THRESHOLD, (
                    table["key"],
                    row["label"],
                )


def test_anyone_reads_the_equity_section_with_charts_and_their_descriptions(client, published):
    response = client.get(f"/reports/{published.public_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a class="govuk-link" href="#equity">Outcomes and equity</a>' in html
    assert 'id="equity"' in html and "Records and outcomes, cohorts 2020-21, 2021-22, 2022-23" in html
    section = html[html.index('id="equity"') : html.index('id="method"')]
    assert "Unsuccessful completion by ethnicity group" in section and SUPPRESSED in section
    assert "Logistic regression of unsuccessful completion" in section
    # Each chart has a title and a text description, in the SVG and beside it.
    charts = re.findall(r'<svg[^>]*role="img"[^>]*aria-labelledby="([^"]+)"', section)
    assert charts
    assert section.count("<figcaption") == section.count("<svg")
    assert "suppressed when published" not in html  # the public page never marks an exact figure


def test_a_report_published_without_an_equity_section_shows_none(client, published, unscoped):
    with unscoped():
        PublishedReport.objects.filter(pk=published.pk).update(
            tables=[table for table in published.tables if not table["key"].startswith("equity_")]
        )
    html = client.get(f"/reports/{published.public_id}/").content.decode()
    assert 'id="equity"' not in html and "Outcomes and equity" not in html
    assert 'id="registrations"' in html and 'id="quality"' in html
