"""The employer's report matches a hand calculation: averages per statement and theme by respondent type,
a type with fewer than 3 responses and a cell with fewer than 3 ratings hidden (and left out of "all
respondents", so nothing hidden can be had by subtraction), the colour codes, the national figures and
the employer's own last year. The report exists only once the cycle has closed."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from asye.tenancy.db import tenant_context
from evaluations import selectors
from evaluations.models import EvaluationRating, EvaluationResponse, year_label
from evaluations.scoring import one_place, rag
from tests.evaluations.helpers import (
    answers,
    close,
    coordinator,
    open_cycle,
    past_cycle,
    respondents,
    self_assess,
    this_year,
)

pytestmark = pytest.mark.django_db


def _last_year(tenant):
    """Last year's cycle: the self-assessment all 3s and three NQSWs all 5s, so 4.5 a statement."""
    cycle = past_cycle(tenant, this_year() - 1)
    with tenant_context(tenant.employer.pk):
        statements = list(cycle.framework.themes.values_list("statements", flat=True))
        for kind, rating in (("self", 3), ("nqsw", 5), ("nqsw", 5), ("nqsw", 5)):
            response = EvaluationResponse.objects.create(
                employer=tenant.employer, cycle=cycle, respondent_type=kind, submitted_on=cycle.closes_on
            )
            EvaluationRating.objects.bulk_create(
                EvaluationRating(employer=tenant.employer, response=response, statement_id=pk, rating=rating)
                for pk in statements
            )
    return cycle


def _run(tenant):
    cycle = open_cycle(tenant)
    self_assess(tenant, cycle, answers("4", s1="2", s2="dont_know"))
    respondents(
        tenant,
        cycle,
        "nqsw",
        [answers(s1="5", s2="1"), answers(s1="4", s2="2"), answers(s1="3", s2="dont_know")],
    )
    respondents(tenant, cycle, "line_manager", [answers(s1="1"), answers(s1="1")])
    respondents(
        tenant,
        cycle,
        "assessor",
        [answers(s1="5", s2="3"), answers(s1="5", s2="3"), answers(s1="4", s2="3"), answers(s1="4", s2="4")],
    )
    return cycle


def test_the_report_matches_a_hand_calculation(employer_a):
    _last_year(employer_a)
    cycle = close(employer_a, _run(employer_a))
    with tenant_context(employer_a.employer.pk):
        report = selectors.employer_report(actor=coordinator(employer_a), cycle=cycle)
        counts = {c.respondent_type: (c.invited, c.responded) for c in selectors.cycle_counts(cycle)}
    assert counts == {"nqsw": (3, 3), "line_manager": (2, 2), "assessor": (4, 4), "other": (0, 0)}
    figures = report.figures
    assert figures.columns == ["self", "assessor", "nqsw"]
    assert figures.hidden_types == ["line_manager"]
    assert figures.responses == {"self": 1, "nqsw": 3, "line_manager": 2, "assessor": 4}
    theme1 = figures.themes[0]
    s1, s2, s3 = theme1.statements[:3]
    # Statement 1: self 2; assessors (5+5+4+4)/4 = 4.5; NQSWs (5+4+3)/3 = 4.0; line managers hidden and left
    # out: all respondents (2 + 18 + 12) / 8 = 4.0, green.
    assert s1.by_type["self"].average == 2
    assert s1.by_type["assessor"].average == Decimal("4.5")
    assert s1.by_type["nqsw"].average == 4
    assert "line_manager" not in s1.by_type
    assert s1.overall.average == 4 and s1.overall.count == 8 and s1.overall.rag == "green"
    # Statement 2: self "don't know"; NQSWs have 2 ratings (hidden); assessors 13/4 = 3.25, shown 3.3;
    # all respondents only the assessors': 3.25 -> 3.3, amber.
    assert s2.by_type["self"].average is None
    assert s2.by_type["nqsw"].hidden and s2.by_type["nqsw"].average is None
    assert one_place(s2.by_type["assessor"].average) == Decimal("3.3")
    assert s2.overall.average == Decimal("3.25") and s2.overall.count == 4
    assert one_place(s2.overall.average) == Decimal("3.3") and rag(s2.overall.average) == "amber"
    # Statement 3 (and 4 to 8): self 4, NQSWs 3,3,3, assessors 3,3,3,3: 25/8 = 3.125 -> 3.1.
    assert s3.overall.average == Decimal("3.125") and one_place(s3.overall.average) == Decimal("3.1")
    # Theme 1 (statements 1 to 8): all respondents (4 + 3.25 + 6 x 3.125) / 8 = 3.25 -> 3.3;
    # NQSWs (4 + 6 x 3) / 7 shown statements = 22/7 -> 3.1; self (2 + 6 x 4) / 7 = 26/7 -> 3.7.
    assert theme1.overall == Decimal("3.25")
    assert one_place(theme1.by_type["nqsw"]) == Decimal("3.1")
    assert one_place(theme1.by_type["self"]) == Decimal("3.7")
    # Against the national figures published for the latest year up to this one (2023-24: 3.6 for
    # statement 1) and last year's cycle (4.5 everywhere).
    assert report.national_label.endswith("(published)")
    assert s1.national == Decimal("3.6") and s2.national == Decimal("3.6") and s3.national == Decimal("3.9")
    assert s1.last_year == Decimal("4.5") and theme1.last_year == Decimal("4.5")
    assert report.last_year_label == year_label(this_year() - 1)


def test_the_report_page_and_pdf(login, employer_a, django_capture_on_commit_callbacks):
    cycle = _run(employer_a)
    client = login(employer_a.coordinator, employer_a.employer)
    # Open: no report, whatever the address.
    assert client.get(reverse("evaluations:report", args=[cycle.pk])).status_code == 404
    assert client.get(reverse("evaluations:report_pdf", args=[cycle.pk])).status_code == 404
    close(employer_a, cycle)
    page = client.get(reverse("evaluations:report", args=[cycle.pk]))
    body = " ".join(page.content.decode().split())
    assert page.status_code == 200
    assert 'Assessors and supervisors <span class="govuk-body-s">(4)</span>' in body
    assert "Not shown: line managers (2 responses)" in body
    assert "Not shown (fewer than 3 ratings)" in body
    assert ">Green</strong>" in body and ">Amber</strong>" in body
    # The PDF is made by a background job: the progress page, then the job's own download.
    with django_capture_on_commit_callbacks(execute=True):
        started = client.get(reverse("evaluations:report_pdf", args=[cycle.pk]))
    assert started.status_code == 302 and started.url.startswith("/jobs/")
    progress = client.get(started.url).content.decode()
    assert "Your file is ready" in progress
    download = re.search(r'href="(/jobs/[^"]+/download/)"', progress).group(1)
    pdf = client.get(download)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "360-evaluation-" in pdf["Content-Disposition"]
    # The job is its starter's: anyone else at the same employer gets a 404.
    client.logout()
    other = login(employer_a.assessor, employer_a.employer)
    assert other.get(started.url).status_code == 404


def test_a_head_request_starts_no_report_job(login, employer_a, unscoped):
    """The PDF's link starts a background job, so only a GET may: a HEAD is refused and changes nothing."""
    from asye.jobs.models import Job

    cycle = _run(employer_a)
    close(employer_a, cycle)
    client = login(employer_a.coordinator, employer_a.employer)
    response = client.head(reverse("evaluations:report_pdf", args=[cycle.pk]))
    assert response.status_code == 405 and response["Allow"] == "GET"
    with unscoped():
        assert not Job.objects.exists()


def test_other_roles_cannot_see_the_report(login, employer_a):
    cycle = close(employer_a, _run(employer_a))
    client = login(employer_a.assessor, employer_a.employer)
    assert client.get(reverse("evaluations:report", args=[cycle.pk])).status_code == 403
