"""The portfolio pack: a PDF with every section, for the NQSW, assessor, line manager and co-ordinator;
answered feedback without who was asked; drafts left out; and a url fetcher that reads only the
platform's own static files."""

from __future__ import annotations

import datetime
import re
import zlib
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from asye.accounts.models import Role
from asye.audit.models import AuditEvent
from asye.tenancy.db import tenant_context
from portfolios import pack
from portfolios.models import (
    AgreementSignature,
    Evidence,
    FeedbackRequest,
    LearningAgreement,
    Observation,
    ObservationTag,
    PdpObjective,
    SelfAssessment,
    SelfAssessmentRating,
)
from portfolios.pack import (
    SECTIONS,
    StaticOnlyURLFetcher,
    portfolio_pack_html,
    portfolio_pack_pdf,
    render_pdf,
)
from portfolios.selectors import portfolio_contents
from tests.factories import person
from tests.portfolios import samples
from tests.portfolios.conftest import add_evidence, linked_registration, statement
from tests.today import days_ago, days_ahead

# An observation five weeks ago, after the start eleven weeks ago (written as 20 October 2026).
OBSERVED_ON = days_ago(34)

pytestmark = pytest.mark.django_db

S = Evidence.Status
RECIPIENT_EMAIL = "grandparent.carer@example.org"
RECIPIENT_NAME = "Mrs Recipient Private"


def pdf_outline_titles(pdf: bytes) -> list[str]:
    """The PDF's bookmarks (WeasyPrint makes one per heading), read from its compressed object streams."""
    titles = []
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            data = zlib.decompress(pdf[match.end() : end])
        except zlib.error:
            continue
        for literal, hexa in re.findall(rb"/Title (?:\(((?:\\.|[^\\)])*)\)|<([0-9a-fA-F]+)>)", data):
            if hexa:
                titles.append(bytes.fromhex(hexa.decode()).decode("utf-16"))
            else:
                titles.append(re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1"))
    return titles


def fill_portfolio(tenant, portfolio):
    """One of everything part B's pages record, written as they would leave it."""
    employer = tenant.employer
    with tenant_context(employer.pk):
        agreement = LearningAgreement.objects.create(
            employer=employer,
            portfolio=portfolio,
            revision=1,
            assessor=tenant.assessor,
            line_manager=tenant.line_manager,
            review_dates=f"3 months: {portfolio.registration.start_date + relativedelta(months=3):%-d %B %Y}",
            supervision_plan="Weekly for six weeks",
            workload_arrangements="A protected caseload",
            protected_time="Friday afternoons",
            created_by=tenant.coordinator,
            completed_at=timezone.now(),
        )
        for signed_as, user in (
            ("nqsw", tenant.nqsw),
            ("assessor", tenant.assessor),
            ("line_manager", tenant.line_manager),
        ):
            AgreementSignature.objects.create(
                employer=employer, agreement=agreement, signed_as=signed_as, signed_by=user
            )
        PdpObjective.objects.create(
            employer=employer,
            portfolio=portfolio,
            objective="Write analytical assessments",
            measure="Two assessments my assessor rates as analytical",
            achieve_by=days_ahead(98),  # written as 1 March 2027
            statement=statement(portfolio, "cf-pqs", 7),
            created_by=tenant.nqsw,
        )
        assessment = SelfAssessment.objects.create(
            employer=employer,
            portfolio=portfolio,
            stage="start",
            capability_set=statement(portfolio, "cf-pqs", 1).capability_set,
            completed_at=timezone.now(),
        )
        SelfAssessmentRating.objects.create(
            employer=employer,
            self_assessment=assessment,
            statement=statement(portfolio, "cf-pqs", 3),
            level=2,
        )
        observation = Observation.objects.create(
            employer=employer,
            portfolio=portfolio,
            number=1,
            observer=tenant.assessor,
            observed_on=OBSERVED_ON,
            setting="A family home",
            observer_assessment="Warm and focused practice",
            status=Observation.Status.COMPLETE,
            created_by=tenant.assessor,
        )
        ObservationTag.objects.create(
            employer=employer, observation=observation, statement=statement(portfolio, "pcf", 7)
        )
        for status, words in (
            (FeedbackRequest.Status.ANSWERED, "Sam listened to my granddaughter"),
            (FeedbackRequest.Status.SENT, ""),
        ):
            FeedbackRequest.objects.create(
                employer=employer,
                portfolio=portfolio,
                kind=FeedbackRequest.Kind.PERSON,
                recipient_name=RECIPIENT_NAME,
                recipient_email=RECIPIENT_EMAIL,
                context="The visit in October",
                token_hash=f"{status:0<64}"[:64],
                status=status,
                expires_at=timezone.now() + datetime.timedelta(days=14),
                answered_at=timezone.now() if words else None,
                what_went_well=words,
                felt_listened_to="yes" if words else "",
                created_by=tenant.nqsw,
            )
    add_evidence(
        tenant, portfolio, title="Accepted home visit", tags=(("pcf", 7), ("cf-pqs", 1)), status=S.ACCEPTED
    )
    add_evidence(tenant, portfolio, title="Private draft", tags=(("pcf", 1),))


def test_the_pack_has_every_section_in_the_pdf_and_its_html(employer_a, registration_a, portfolio_a):
    fill_portfolio(employer_a, portfolio_a)
    with tenant_context(employer_a.employer.pk):
        html = portfolio_pack_html(portfolio_contents(portfolio_a))
        pdf = portfolio_pack_pdf(portfolio_a)
    assert pdf.startswith(b"%PDF-")
    titles = pdf_outline_titles(pdf)
    assert titles[0] == f"Portfolio of {registration_a.full_name}"
    assert [t for t in titles if t in SECTIONS] == list(SECTIONS)
    for heading in SECTIONS:
        assert f"<h2>{heading}</h2>" in html, heading
    # The cover, the agreement's signatures, the mapping and the coverage table.
    assert employer_a.employer.name in html and registration_a.swe_number in html
    assert "Signed by all three" in html and "Line manager" in html
    assert "Accepted home visit" in html and "PCF 7, PQS 1" in html
    assert f"Observation 1: {OBSERVED_ON:%-d %B %Y}" in html and "Warm and focused practice" in html
    assert "Write analytical assessments" in html and "(PQS 7)" in html
    assert "Sam listened to my granddaughter" in html and "Felt listened to</dt><dd>Yes" in html
    assert "2 of 19 capabilities are evidenced" in html


def test_the_pack_never_names_who_gave_feedback_and_leaves_out_drafts(employer_a, portfolio_a):
    fill_portfolio(employer_a, portfolio_a)
    with tenant_context(employer_a.employer.pk):
        html = portfolio_pack_html(portfolio_contents(portfolio_a))
    assert RECIPIENT_EMAIL not in html and RECIPIENT_NAME not in html
    assert "Private draft" not in html
    assert "1 draft the NQSW did not share is left out" in html
    assert html.count("<h3>Feedback ") == 1, "only answered requests"


def test_an_empty_portfolio_still_has_every_section(employer_a, portfolio_a):
    with tenant_context(employer_a.employer.pk):
        pdf = portfolio_pack_pdf(portfolio_a)
    assert [t for t in pdf_outline_titles(pdf) if t in SECTIONS] == list(SECTIONS)


def test_reading_a_portfolio_for_the_pack_takes_a_fixed_number_of_queries(
    employer_a, portfolio_a, django_assert_max_num_queries
):
    fill_portfolio(employer_a, portfolio_a)
    with tenant_context(employer_a.employer.pk), django_assert_max_num_queries(25) as filled:
        portfolio_contents(portfolio_a)
    for i in range(5):
        add_evidence(
            employer_a,
            portfolio_a,
            title=f"More {i}",
            status=S.SHARED,
            files=[samples.upload(f"n{i}.txt", b"x")],
        )
    with tenant_context(employer_a.employer.pk), django_assert_max_num_queries(len(filled.captured_queries)):
        contents = portfolio_contents(portfolio_a)
    assert len(contents.evidence) == 6


@pytest.mark.parametrize("who", ["nqsw", "assessor", "line_manager", "coordinator"])
def test_the_nqsw_assessor_line_manager_and_coordinator_download_the_pack(
    client, login, employer_a, registration_a, portfolio_a, who, unscoped, django_capture_on_commit_callbacks
):
    add_evidence(employer_a, portfolio_a, status=S.ACCEPTED)
    login(getattr(employer_a, who))
    url = reverse("portfolios:pack", args=[registration_a.pk])
    # Not made yet: a background job makes it, and its page sends the reader back here for it.
    with django_capture_on_commit_callbacks(execute=True):
        started = client.get(url)
    assert started.status_code == 302 and started.url.startswith("/jobs/")
    assert f'href="{url}"' in client.get(started.url).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="asye-portfolio-ada-okafor-{registration_a.pk}.pdf"'
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    with unscoped():
        assert AuditEvent.objects.filter(
            action="portfolio.pack_downloaded", object_id=str(portfolio_a.pk)
        ).exists()


def test_a_head_request_starts_no_pack_job(client, login, employer_a, registration_a, portfolio_a, unscoped):
    """The pack's link may start a background job, so only a GET may: a HEAD (a link checker, a
    prefetcher) is refused and changes nothing."""
    from asye.jobs.models import Job

    login(employer_a.coordinator)
    response = client.head(reverse("portfolios:pack", args=[registration_a.pk]))
    assert response.status_code == 405 and response["Allow"] == "GET"
    with unscoped():
        assert not Job.objects.exists()


def test_others_cannot_download_the_pack(
    client, login, employer_a, employer_b, registration_a, portfolio_a, national_staff
):
    url = reverse("portfolios:pack", args=[registration_a.pk])
    other_nqsw = person(role=Role.NQSW, employer=employer_a.employer, email="other@alphashire.example")
    linked_registration(employer_a, nqsw=other_nqsw)
    for user in (other_nqsw, employer_b.coordinator, employer_b.nqsw):
        login(user)
        assert client.get(url).status_code == 404
    login(national_staff)
    assert client.get(url).status_code == 403


# --- The url fetcher -----------------------------------------------------------------------------------


def test_the_fetcher_serves_the_platforms_static_files():
    fetcher = StaticOnlyURLFetcher()
    by_url = fetcher(f"{pack.PACK_BASE_URL}static/dist/assets/images/favicon.svg")
    assert by_url.read().startswith(b"<svg") and by_url.content_type == "image/svg+xml"
    path = Path(settings.BASE_DIR) / "static" / "dist" / "app.css"
    assert fetcher(path.as_uri()).read() == path.read_bytes()
    assert fetcher("data:text/plain;base64,aGVsbG8=").read() == b"hello"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/logo.png",
        "https://169.254.169.254/latest/meta-data/",
        "ftp://example.com/file",
        "file:///etc/passwd",
        f"file://{settings.BASE_DIR}/asye/settings.py",
        f"file://{settings.BASE_DIR}/static/dist/../../asye/settings.py",
        f"{pack.PACK_BASE_URL}static/../asye/settings.py",
        f"{pack.PACK_BASE_URL}static/dist/%2e%2e/%2e%2e/asye/settings.py",
        f"{pack.PACK_BASE_URL}media/employers/1/evidence/x",
        f"{pack.PACK_BASE_URL}static/dist/no-such-file.css",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    with pytest.raises(ValueError):
        StaticOnlyURLFetcher()(url)


def test_the_fetcher_refuses_a_link_out_of_a_static_directory(tmp_path, monkeypatch):
    root = tmp_path / "static"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    (root / "escape.txt").symlink_to(secret)
    monkeypatch.setattr(pack, "static_roots", lambda: [root.resolve()])
    with pytest.raises(ValueError):
        StaticOnlyURLFetcher()((root / "escape.txt").as_uri())


def test_rendering_never_reaches_out_for_resources_in_a_persons_words(monkeypatch):
    reached = []
    monkeypatch.setattr(
        "urllib.request.OpenerDirector.open", lambda self, request, *a, **k: reached.append(request) or None
    )
    html = (
        '<link rel="stylesheet" href="https://example.com/x.css">'
        '<img src="http://example.com/track.png"><img src="file:///etc/passwd">'
        '<p style="background: url(https://example.com/bg.png)">Words</p>'
    )
    assert render_pdf(html).startswith(b"%PDF-")
    assert reached == []
