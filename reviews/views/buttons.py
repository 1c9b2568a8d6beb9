"""The buttons on a record's page that post and come back to it: one that carries the version the page
showed (closing a panel, submitting a recommendation), and one that removes something from the record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from asye.web.confirm import confirm_post
from asye.web.flow import form_flow
from reviews.forms import SignForm


def version_button(
    request: HttpRequest,
    *,
    save: Callable[[int], Any],
    back: str,
    message: str,
    again: str,
    conflict: str = "",
) -> HttpResponse:
    """Run ``save(version)`` with the version the page posted (``SignForm``), then back to the page at
    ``back`` with a banner: ``message`` when it went through; otherwise what went wrong: a broken form
    ("Something went wrong with the form." and ``again``, what to do), a stale version (``conflict``, or
    the conflict's own message) or the service's refusal."""
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Something went wrong with the form. {again}")
        return redirect(back)
    flow = form_flow(
        request,
        form,
        save=lambda data: save(data["version"]),
        done=lambda _saved: redirect(back),
        message=message,
    )
    if flow.response:
        return flow.response
    refusals = [text for errors in flow.form.errors.values() for text in errors]
    messages.error(request, (conflict or flow.conflict) if flow.conflict else " ".join(refusals))
    return redirect(back)


def remove_button(
    request: HttpRequest, remove: Callable[[], Any], *, back: str, message: str
) -> HttpResponse:
    """Run ``remove()``, then back to the page at ``back`` with ``message``, or the service's refusal."""
    answer = confirm_post(request, remove, message=message, done=lambda: redirect(back))
    if answer.refusal:
        messages.error(request, answer.refusal)
    return answer.response or redirect(back)
