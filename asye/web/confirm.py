"""A confirmation page (#13): a question and one button, not a form (cancel a request, remove a file,
withdraw a submission). On POST ``confirm_post`` runs the page's service: when it goes through, a banner and
the redirect; when the service refuses (``ValidationError``), its words, for the page to say."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse


@dataclass
class Confirmation:
    """``response``: the redirect, when the service went through; ``refusal``: the service's refusal ("" if
    none, or for a GET, which runs nothing)."""

    response: HttpResponse | None = None
    refusal: str = ""


def confirm_post(
    request: HttpRequest, run: Callable[[], Any], *, message: str, done: Callable[[], HttpResponse]
) -> Confirmation:
    """For a POST, ``run()``; then ``message`` as the banner and ``done()``, or the refusal's messages."""
    if request.method != "POST":
        return Confirmation()
    try:
        run()
    except ValidationError as error:
        return Confirmation(refusal=" ".join(error.messages))
    messages.success(request, message)
    return Confirmation(response=done())
