"""Uploads done safely: type by content and extension (and they must agree), a size limit, Word packages
checked from their central directory before anything is opened, programs refused whatever their name,
server-made storage names under the employer's prefix, and files served only as attachments to people
who may read the evidence."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from asye.accounts.models import Role
from asye.tenancy.db import tenant_context
from portfolios import uploads
from portfolios.models import Evidence, EvidenceFile
from portfolios.uploads import clean_original_name, download_name, verify_upload
from tests.factories import person
from tests.portfolios import samples
from tests.portfolios.conftest import add_evidence, linked_registration, statement

pytestmark = pytest.mark.django_db

TYPE_MESSAGE = "The selected file must be a PDF, Word document, image or text file"


def refused(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        verify_upload(samples.upload(name, data))
    return " ".join(caught.value.message_dict["file"])


# --- What is accepted ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("reflection.pdf", samples.pdf_bytes(), "application/pdf"),
        (
            "reflection.docx",
            samples.docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("old-report.doc", samples.doc_bytes(), "application/msword"),
        ("ecomap.png", samples.png_bytes(), "image/png"),
        ("photo.JPG", samples.jpeg_bytes(), "image/jpeg"),
        ("photo.jpeg", samples.jpeg_bytes(), "image/jpeg"),
        ("diagram.gif", samples.gif_bytes(), "image/gif"),
        ("notes.txt", "Notes — with a caf\u00e9\u2019s name\n".encode(), "text/plain; charset=utf-8"),
    ],
)
def test_valid_files_of_each_allowed_type_are_accepted_with_the_type_their_content_shows(
    name, data, content_type
):
    checked = verify_upload(samples.upload(name, data, content_type="application/x-anything"))
    assert checked.content_type == content_type
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


# --- What is refused, and with what message ------------------------------------------------------------


def test_an_executable_renamed_pdf_is_refused():
    assert refused("care-plan.pdf", samples.windows_executable()) == TYPE_MESSAGE


@pytest.mark.parametrize("name", ["notes.txt", "report.docx", "photo.png", "setup.exe", "report.doc"])
def test_programs_are_refused_whatever_their_name(name):
    for program in (samples.windows_executable(), samples.linux_executable(), b"#!/bin/sh\nrm -rf ~\n"):
        assert refused(name, program) == TYPE_MESSAGE


def test_an_oversized_file_is_refused_with_the_limit_in_the_message(settings):
    assert refused("big.pdf", samples.pdf_bytes() + b"0" * (20 * 1024 * 1024)) == (
        "The selected file must be smaller than 20MB"
    )
    settings.ASYE_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    assert refused("big.txt", b"a" * (5 * 1024 * 1024 + 1)) == "The selected file must be smaller than 5MB"


def test_an_empty_file_is_refused():
    assert refused("empty.txt", b"") == "The selected file is empty"


def test_a_pdf_with_a_word_name_is_refused_saying_what_it_is():
    message = refused("reflection.docx", samples.pdf_bytes())
    assert message.startswith("The selected file's name ends in .docx but it is not a Word document")
    assert "It looks like a PDF" in message


def test_an_image_named_as_a_pdf_and_a_pdf_named_as_an_image_are_refused():
    assert "is not a PDF" in refused("scan.pdf", samples.png_bytes())
    assert "is not a PNG image" in refused("scan.png", samples.pdf_bytes())


def test_a_zip_bomb_with_many_entries_renamed_docx_is_refused():
    assert refused("cv.docx", samples.docx_with_many_entries()) == (
        "The selected Word document has too many parts to be checked safely"
    )


def test_a_zip_bomb_with_a_huge_compression_ratio_renamed_docx_is_refused():
    assert refused("cv.docx", samples.docx_with_huge_ratio()) == (
        "The selected Word document could not be checked safely. Save it as a PDF and upload that instead"
    )


def test_a_zip_declaring_a_huge_size_is_refused_without_reading_it(monkeypatch):
    data = samples.docx_declaring_huge_size()
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *args, **kwargs: opened.append(args) or None)
    assert "could not be checked safely" in refused("cv.docx", data)
    assert opened == [], "no entry may be opened before the central directory is checked"


def test_a_word_package_too_large_once_unpacked_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_UNCOMPRESSED", 100)
    assert refused("cv.docx", samples.docx_bytes()).startswith(
        "The selected Word document is too large once unpacked"
    )


def test_a_zip_that_is_not_a_word_document_is_refused_as_docx():
    message = "The selected file is not a Word document that can be opened"
    assert refused("cv.docx", samples.docx_bytes(document=False)) == message
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<x/>")
    assert refused("cv.docx", plain.getvalue()) == message


def test_a_word_document_with_macros_is_refused():
    assert "contains macros" in refused(
        "cv.docx", samples.docx_bytes(extra={"word/vbaProject.bin": b"x" * 10})
    )


def test_a_password_protected_word_package_is_refused():
    data = bytearray(samples.docx_bytes(compression=zipfile.ZIP_STORED))
    # Set the "encrypted" flag in every central directory header (2 bytes at offset 8).
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 8] |= 0x01
        at = data.find(b"PK\x01\x02", at + 4)
    assert "protected with a password" in refused("cv.docx", bytes(data))


def test_a_legacy_office_file_that_is_not_word_is_refused_as_doc():
    assert refused("budget.doc", samples.doc_bytes(stream="Workbook")) == TYPE_MESSAGE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"caf\xe9 notes",
            "The selected text file must be saved as UTF-8. Save it again as UTF-8, or as a PDF",
        ),
        (b"hello\x00world", TYPE_MESSAGE),
    ],
)
def test_text_must_be_utf8_without_nul_bytes(data, message):
    assert refused("notes.txt", data) == message


@pytest.mark.parametrize("name", ["drawing.svg", "page.html", "notes", "sheet.xlsx", "notes.txt.exe"])
def test_other_extensions_are_refused(name):
    assert refused(name, b"plain words") == TYPE_MESSAGE


def test_the_persons_file_name_is_kept_only_as_clean_metadata():
    assert clean_original_name("../../etc/passwd.txt") == "passwd.txt"
    assert clean_original_name("C:\\Users\\sam\\My visit.pdf") == "My visit.pdf"
    assert clean_original_name("bad\x00name\n.pdf") == "badname.pdf"
    assert len(clean_original_name("a" * 400 + ".pdf")) == 255
    kind = uploads.KINDS["pdf"]
    assert download_name('evil";\r\nSet-Cookie: x=1.docx', kind) == "evil-Set-Cookie- x-1.pdf"
    assert download_name("Visite chez Zoë.pdf", kind) == "Visite chez Zoe.pdf"
    assert download_name("«»", kind) == "evidence.pdf"


# --- Storage and serving -------------------------------------------------------------------------------


def test_a_stored_file_has_a_server_made_name_under_the_employers_prefix_and_its_hash(
    employer_a, portfolio_a, settings
):
    data = b"Notes from the visit.\n"
    evidence = add_evidence(employer_a, portfolio_a, files=[samples.upload("../my notes.txt", data)])
    with tenant_context(employer_a.employer.pk):
        stored = EvidenceFile.objects.get(evidence=evidence)
    prefix = f"employers/{employer_a.employer.pk}/evidence/"
    assert stored.storage_name.startswith(prefix)
    assert len(stored.storage_name[len(prefix) :]) == 36 and "notes" not in stored.storage_name
    assert stored.original_name == "my notes.txt"
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    assert stored.content_type == "text/plain; charset=utf-8"
    assert (Path(settings.MEDIA_ROOT) / stored.storage_name).read_bytes() == data


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_adding_evidence_with_an_executable_renamed_pdf_shows_the_message_and_saves_nothing(
    client, login, employer_a, registration_a, portfolio_a, settings, unscoped
):
    login(employer_a.nqsw)
    response = client.post(
        reverse("portfolios:evidence_add", args=[registration_a.pk]),
        {
            "title": "Care plan",
            "file": samples.upload("care-plan.pdf", samples.windows_executable()),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert TYPE_MESSAGE in html and 'href="#id_file"' in html
    with unscoped():
        assert not Evidence.objects.filter(portfolio=portfolio_a).exists()
        assert not EvidenceFile.objects.exists()
    assert _stored_files(settings) == []


def test_an_oversized_upload_is_stopped_while_it_arrives(
    client, login, employer_a, registration_a, portfolio_a, settings, unscoped
):
    settings.ASYE_UPLOAD_MAX_BYTES = 256 * 1024
    login(employer_a.nqsw)
    response = client.post(
        reverse("portfolios:evidence_add", args=[registration_a.pk]),
        {"title": "Big scan", "file": samples.upload("scan.pdf", samples.pdf_bytes() + b"0" * (512 * 1024))},
    )
    assert response.status_code == 200
    assert "The selected file must be smaller than 256KB" in response.content.decode()
    with unscoped():
        assert not Evidence.objects.exists()
    assert _stored_files(settings) == []


def test_the_default_limit_refuses_a_file_just_over_20mb(
    client, login, employer_a, registration_a, portfolio_a
):
    login(employer_a.nqsw)
    evidence = add_evidence(employer_a, portfolio_a)
    response = client.post(
        reverse("portfolios:evidence_file_add", args=[evidence.pk]),
        {
            "version": evidence.version,
            "file": samples.upload("scan.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024)),
        },
    )
    assert "The selected file must be smaller than 20MB" in response.content.decode()
    with tenant_context(employer_a.employer.pk):
        assert not EvidenceFile.objects.filter(evidence=evidence).exists()


def test_a_zip_bomb_renamed_docx_is_refused_on_the_page(
    client, login, employer_a, registration_a, portfolio_a
):
    login(employer_a.nqsw)
    evidence = add_evidence(employer_a, portfolio_a)
    response = client.post(
        reverse("portfolios:evidence_file_add", args=[evidence.pk]),
        {"version": evidence.version, "file": samples.upload("cv.docx", samples.docx_with_many_entries())},
    )
    assert "too many parts to be checked safely" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        (
            "reflection.docx",
            samples.docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("reflection.pdf", samples.pdf_bytes(), "application/pdf"),
        ("ecomap.png", samples.png_bytes(), "image/png"),
        ("notes.txt", b"Plain notes\n", "text/plain; charset=utf-8"),
    ],
)
def test_a_valid_file_is_uploaded_then_downloaded_as_a_safe_attachment(
    client, login, employer_a, registration_a, portfolio_a, name, data, content_type
):
    evidence = add_evidence(employer_a, portfolio_a)
    login(employer_a.nqsw)
    response = client.post(
        reverse("portfolios:evidence_file_add", args=[evidence.pk]),
        {"version": evidence.version, "file": samples.upload(name, data, "text/html")},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(employer_a.employer.pk):
        stored = EvidenceFile.objects.get(evidence=evidence)
    download = client.get(reverse("portfolios:evidence_file", args=[stored.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["Content-Type"] == content_type
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == f'attachment; filename="{name}"'
    assert "no-store" in download["Cache-Control"]


def test_another_employers_file_is_a_404(client, login, employer_a, employer_b, portfolio_b):
    evidence = add_evidence(
        employer_b,
        portfolio_b,
        status=Evidence.Status.ACCEPTED,
        files=[samples.upload("b.txt", b"B's notes")],
    )
    with tenant_context(employer_b.employer.pk):
        file = EvidenceFile.objects.get(evidence=evidence)
    for user in (employer_a.coordinator, employer_a.assessor, employer_a.nqsw):
        login(user)
        assert client.get(reverse("portfolios:evidence_file", args=[file.pk])).status_code == 404
        assert client.get(reverse("portfolios:evidence_file", args=[10**9])).status_code == 404


def test_another_nqsws_file_at_the_same_employer_is_a_404(client, login, employer_a, portfolio_a):
    evidence = add_evidence(
        employer_a, portfolio_a, status=Evidence.Status.SHARED, files=[samples.upload("a.txt", b"A's notes")]
    )
    with tenant_context(employer_a.employer.pk):
        file = EvidenceFile.objects.get(evidence=evidence)
    other_nqsw = person(role=Role.NQSW, employer=employer_a.employer, email="other.nqsw@alphashire.example")
    linked_registration(employer_a, nqsw=other_nqsw)
    login(other_nqsw)
    assert client.get(reverse("portfolios:evidence_file", args=[file.pk])).status_code == 404
    # ...while the NQSW's own assessor may download it.
    login(employer_a.assessor)
    assert client.get(reverse("portfolios:evidence_file", args=[file.pk])).status_code == 200


def test_a_drafts_file_is_the_nqsws_alone(client, login, employer_a, portfolio_a):
    evidence = add_evidence(employer_a, portfolio_a, files=[samples.upload("draft.txt", b"Draft notes")])
    with tenant_context(employer_a.employer.pk):
        file = EvidenceFile.objects.get(evidence=evidence)
    for user in (employer_a.assessor, employer_a.line_manager, employer_a.coordinator):
        login(user)
        assert client.get(reverse("portfolios:evidence_file", args=[file.pk])).status_code == 404
    login(employer_a.nqsw)
    assert client.get(reverse("portfolios:evidence_file", args=[file.pk])).status_code == 200


def test_removing_a_file_deletes_its_bytes_once_the_change_commits(
    client, login, employer_a, portfolio_a, settings, django_capture_on_commit_callbacks
):
    evidence = add_evidence(employer_a, portfolio_a, files=[samples.upload("notes.txt", b"Notes")])
    with tenant_context(employer_a.employer.pk):
        file = EvidenceFile.objects.get(evidence=evidence)
    path = Path(settings.MEDIA_ROOT) / file.storage_name
    assert path.exists()
    login(employer_a.nqsw)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portfolios:evidence_file_remove", args=[file.pk]))
    assert response.status_code == 302
    assert not path.exists()
    with tenant_context(employer_a.employer.pk):
        assert not EvidenceFile.objects.filter(pk=file.pk).exists()


def test_statement_helper_finds_pcf_domains(portfolio_a):
    assert statement(portfolio_a, "pcf", 6).title == "Critical reflection and analysis"


def test_upload_pages_still_check_the_csrf_token(employer_a, registration_a, portfolio_a, mfa, unscoped):
    from django.test import Client

    evidence = add_evidence(employer_a, portfolio_a)
    client = Client(enforce_csrf_checks=True)
    mfa(employer_a.nqsw)
    client.force_login(employer_a.nqsw)
    for url, data in (
        (reverse("portfolios:evidence_add", args=[registration_a.pk]), {"title": "Forged"}),
        (reverse("portfolios:evidence_file_add", args=[evidence.pk]), {"version": evidence.version}),
    ):
        response = client.post(url, {**data, "file": samples.upload("notes.txt", b"Forged notes")})
        assert response.status_code == 403, url
    with unscoped():
        assert not Evidence.objects.filter(title="Forged").exists()
        assert not EvidenceFile.objects.exists()
