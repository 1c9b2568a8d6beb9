"""Request bodies refused as soon as they pass their limit, before they are read whole.

- Every multipart upload, on every page and API route: ``UploadLimitHandler``, first in
  ``FILE_UPLOAD_HANDLERS``, counts each file's bytes as they arrive and stops reading the request once one
  passes ``ASYE_UPLOAD_MAX_BYTES``; when the declared Content-Length already says so, it stops before the
  first byte of the file. (Pages that take evidence put their own handler first, which also reports the
  refusal on the form: ``portfolios.uploads``.)
- The API takes JSON of at most ``DATA_UPLOAD_MAX_MEMORY_SIZE``: ``ApiBodyLimitMiddleware`` answers a
  larger declared body with a 413 problem detail before anything reads it. (DRF's parsers read the
  stream to its end: Django's own limit applies only to ``request.body`` and form fields.)

The proxy in front should refuse larger bodies first (nginx ``client_max_body_size``: docs/operations.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from asye.api.problems import problem_response
from asye.web.errors import is_api

DEFAULT_FORM_ALLOWANCE = 2_621_440  # Django's default DATA_UPLOAD_MAX_MEMORY_SIZE


def upload_limit() -> int:
    return int(settings.ASYE_UPLOAD_MAX_BYTES)


def form_allowance() -> int:
    """Room for a form's other fields beside its files (Django's own limit on them)."""
    return int(getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None) or DEFAULT_FORM_ALLOWANCE)


def declared_too_large(content_length: int | None, limit: int) -> bool:
    """Whether a body that says it is ``content_length`` bytes must hold a file over ``limit``."""
    return content_length is not None and content_length > limit + form_allowance()


def _content_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


class UploadLimitHandler(FileUploadHandler):
    """Counts each file as it arrives; stops reading the request once one passes the limit. The fields
    before the file are kept (the CSRF token among them), the file and what follows are not.
    ``request.uploads_too_large`` names the refused fields."""

    def __init__(self, request=None, *, max_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = max_bytes or upload_limit()
        self.received = 0
        self.refuse_at_start = False

    def _refuse(self, field_name: str) -> None:
        if self.request is not None:
            refused = getattr(self.request, "uploads_too_large", set())
            refused.add(field_name)
            self.request.uploads_too_large = refused
        # connection_reset: do not read the rest of the body just to throw it away.
        raise StopUpload(connection_reset=True)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.refuse_at_start = declared_too_large(content_length, self.max_bytes)

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0
        if self.refuse_at_start:
            self._refuse(field_name)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self._refuse(self.field_name)
        return raw_data

    def file_complete(self, file_size):
        return None


class ApiBodyLimitMiddleware:
    """413 Content Too Large, as a problem detail, for an API request whose declared body is over the
    API's limit; nothing of the body is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = _content_length(request)
        if is_api(request) and limit is not None and (length is None or length > limit):
            if length is None:
                return problem_response(request, 400, "The Content-Length header is not a number.")
            return problem_response(
                request,
                413,
                f"The request body is {length} bytes; the API accepts at most {limit}.",
                title="Content too large",
                limit=limit,
            )
        return self.get_response(request)
