"""Stored files are readable by the service's own user alone (security finding #12.11): an uploaded file
and the folders made for it carry no group or world permissions."""

from __future__ import annotations

import stat

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def test_a_stored_file_and_its_folders_are_the_services_alone(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("employers/1/evidence/a-new-folder/report.pdf", ContentFile(b"%PDF-1.7"))
    path = tmp_path / name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for folder in (path.parent, path.parent.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_the_file_email_backend_writes_where_it_is_told(settings, tmp_path):
    from django.core.mail import send_mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    send_mail("Subject", "Body", None, ["someone@example.org"])
    assert len(list((tmp_path / "mail").iterdir())) == 1
