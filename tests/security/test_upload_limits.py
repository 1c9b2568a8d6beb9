"""Uploads are refused as soon as they pass the limit, not after all of them has arrived (security finding
#12.11: a 200 MB upload was read whole before it was refused). Each test counts the bytes the server
reads from the request body."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart
from django.urls import reverse

from portfolios.models import Evidence
from tests.portfolios import samples
from tests.portfolios.conftest import linked_registration, portfolio_of

pytestmark = pytest.mark.django_db

LIMIT = 256 * 1024
MB = 1024 * 1024
CHUNK = 64 * 1024  # Django's multipart parser reads this much at a time: one read, and no more


class CountingPayload(FakePayload):
    """The request body as the server reads it, counting what it reads."""

    def __init__(self, content: bytes):
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size=-1, /):
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size=-1, /):
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


def post_counted(client, url: str, fields: dict) -> tuple:
    """POST ``fields`` as multipart/form-data (in order); return the response and the bytes read."""
    body = encode_multipart(BOUNDARY, fields)
    payload = CountingPayload(body)
    response = client.generic("POST", url, body, content_type=MULTIPART_CONTENT, **{"wsgi.input": payload})
    return response, payload.bytes_read, len(body)


def stored_files(settings) -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def registration_a(employer_a):
    return linked_registration(employer_a)


@pytest.fixture
def portfolio_a(employer_a, registration_a):
    return portfolio_of(employer_a, registration_a)


@pytest.fixture
def small_limit(settings):
    settings.ASYE_UPLOAD_MAX_BYTES = LIMIT
    return LIMIT


def test_a_huge_evidence_file_is_refused_before_it_is_read(
    client,
    login,
    employer_a,
    registration_a,
    portfolio_a,
    small_limit,
    settings,
    unscoped,
):
    login(employer_a.nqsw)
    huge = SimpleUploadedFile("scan.pdf", samples.pdf_bytes() + b"0" * (8 * MB))
    response, read, sent = post_counted(
        client,
        reverse("portfolios:evidence_add", args=[registration_a.pk]),
        {"title": "Big scan", "file": huge},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The selected file must be smaller than 256KB" in html
    # The title, sent before the file, is kept; nothing of the file was read.
    assert 'value="Big scan"' in html
    assert sent > 8 * MB and read <= CHUNK
    with unscoped():
        assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_a_file_a_little_over_the_limit_is_skipped_and_the_fields_after_it_are_kept(
    client,
    login,
    employer_a,
    registration_a,
    portfolio_a,
    small_limit,
    settings,
    unscoped,
):
    login(employer_a.nqsw)
    over = SimpleUploadedFile("scan.pdf", samples.pdf_bytes() + b"0" * (LIMIT + 1024))
    response, _, _ = post_counted(
        client,
        reverse("portfolios:evidence_add", args=[registration_a.pk]),
        {"title": "Scan", "file": over, "reflection": "What I learned from the visit"},
    )
    html = response.content.decode()
    assert "The selected file must be smaller than 256KB" in html
    assert "What I learned from the visit" in html
    with unscoped():
        assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_other_pages_stop_reading_an_oversized_upload_too(client, login, employer_a, small_limit):
    """Any form posted as multipart: the platform-wide handler stops at the limit as well."""
    login(employer_a.coordinator)
    junk = SimpleUploadedFile("junk.bin", b"0" * (8 * MB))
    response, read, sent = post_counted(
        client, reverse("accounts:invite"), {"full_name": "Nia New", "email": "nia@a.example", "file": junk}
    )
    assert response.status_code in (200, 302)
    assert read <= CHUNK < sent


def test_an_oversized_upload_to_the_registration_csv_page_is_not_read_whole(
    client, login, employer_a, small_limit
):
    login(employer_a.coordinator)
    big = SimpleUploadedFile("nqsws.csv", b"a,b\n" * (2 * MB))
    response, read, sent = post_counted(client, reverse("registration_upload:upload"), {"file": big})
    assert response.status_code == 200
    assert read <= CHUNK < sent


def test_the_api_answers_an_oversized_body_with_413_before_reading_it(client, login, employer_a, settings):
    login(employer_a.coordinator)
    body = b'{"note": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'
    payload = CountingPayload(body)
    response = client.generic(
        "POST", "/api/v1/registrations/", body, content_type="application/json", **{"wsgi.input": payload}
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 413 and problem["title"] == "Content too large"
    assert problem["limit"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert payload.bytes_read == 0


def test_a_body_within_the_api_limit_is_still_read(client, login, employer_a):
    login(employer_a.coordinator)
    response = client.post("/api/v1/registrations/", {"nqsw_name": ""}, content_type="application/json")
    assert response.status_code == 400
