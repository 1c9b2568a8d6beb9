"""Errors as RFC 9457 problem details (``application/problem+json``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from asye.errors import Conflict

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://asye.invalid/problems/"

TITLES = {
    400: "Your request is not valid",
    401: "You need to authenticate",
    403: "You do not have permission",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    415: "Unsupported media type",
    422: "Unprocessable request",
    429: "Too many requests",
    500: "Something went wrong",
}


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "This record was changed by someone else. Reload it and try again."


def problem(status_code: int, detail: str, *, code: str = "", instance: str = "", **extra) -> dict:
    body = {
        "type": PROBLEM_BASE + (code or str(status_code)),
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def problem_response(request, status_code: int, detail: str, **extra) -> JsonResponse:
    """A plain Django response for errors raised outside DRF views (404 and 500 handlers)."""
    return JsonResponse(
        problem(status_code, detail, instance=request.path, **extra),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {str(k): _field_errors(v) for k, v in detail.items()}
    if isinstance(detail, list):
        flat = []
        for item in detail:
            flat.extend(_field_errors(item) if isinstance(item, list) else [_field_errors(item)])
        return flat
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Conflict):
        exc = ConflictError(exc.message)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    instance = request.path if request is not None else ""
    code = getattr(exc, "default_code", "") or ""
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            response.status_code,
            "Some fields are not valid. See 'errors'.",
            code="validation-error",
            instance=instance,
            errors=_field_errors(response.data),
        )
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else str(response.data)
        body = problem(response.status_code, str(detail), code=code.replace("_", "-"), instance=instance)
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after_seconds"] = int(exc.wait)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
