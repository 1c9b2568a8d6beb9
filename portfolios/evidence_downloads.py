"""Serving a file kept in the evidence storage (``portfolios.uploads``): as an attachment, only of a type
the service verified when it was uploaded, never shown inline (not sniffed, not cached, sandboxed). The
callers decide who may read it first: the portfolio's readers (``portfolios.evidence_views.evidence_file``)
and the national moderator of a case (``reviews.moderation_views.cases.my_case_file``); any other record
kept the same way (a forum's material) is served the same way."""

from __future__ import annotations

import logging

from django.http import FileResponse, Http404

from portfolios.models import EvidenceFile
from portfolios.uploads import KINDS, download_name, evidence_storage

logger = logging.getLogger(__name__)


def stored_file_response(file: EvidenceFile, *, label: str = "Evidence file") -> FileResponse:
    """The file as an attachment under its own name; a 404 for a type the service does not verify (none is
    stored) or a file missing from storage (logged as ``label`` and its id). ``file`` is an
    ``EvidenceFile`` or any record with its ``storage_name``, ``original_name`` and ``content_type``."""
    kind = next((k for k in KINDS.values() if k.content_type == file.content_type), None)
    if kind is None:
        raise Http404("Unknown file.")
    try:
        stream = evidence_storage().open(file.storage_name, "rb")
    except FileNotFoundError:
        logger.error("%s %s is missing from storage", label, file.pk)
        raise Http404("The file could not be found.") from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=download_name(file.original_name, kind),
        content_type=kind.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
