"""The upload storage cannot take a file (fault drill "upload storage full", docs/operations.md): the NQSW
is told on the form, in the error summary, and nothing is saved: no row, no partly written file."""

from __future__ import annotations

import pytest
from django.urls import reverse

from asye.tenancy.db import tenant_context
from portfolios.models import EvidenceFile
from portfolios.uploads import STORAGE_FAILED
from tests.portfolios import samples
from tests.portfolios.conftest import add_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_storage(settings, tmp_path):
    """A real file system storage whose directory cannot be made: a file stands where it should be, so
    every save fails with an OSError, as a full or read-only disk's would."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_bytes(b"")
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "media")},
        },
    }
    return blocker


def test_a_file_the_storage_cannot_take_is_an_error_on_the_form_and_saves_nothing(
    client, login, employer_a, portfolio_a, broken_storage
):
    evidence = add_evidence(employer_a, portfolio_a)
    login(employer_a.nqsw)
    response = client.post(
        reverse("portfolios:evidence_file_add", args=[evidence.pk]),
        {"version": evidence.version, "file": samples.upload("reflection.pdf", samples.pdf_bytes())},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and STORAGE_FAILED in page
    with tenant_context(employer_a.employer.pk):
        assert not EvidenceFile.objects.filter(evidence=evidence).exists()
    assert broken_storage.read_bytes() == b""  # nothing written anywhere below it
