"""A page that offers several forms about one record, each posting the ``action`` its button names (#13):
national staff's claim (decide, void, recover, cancel a recovery) and payment statement (authorise, mark
paid, take a line off). The POST runs the one form its action names through ``form_flow``."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.http import HttpRequest, HttpResponse

from asye.web.flow import form_flow

# An action's form: the name the page's context gives the form, its class and its save, which runs the
# service with the cleaned data and returns the banner's text.
Action = tuple[str, type[forms.Form], Callable[[dict], str]]


def action_post(
    request: HttpRequest,
    actions: dict[str, Action],
    *,
    page: Callable[..., HttpResponse],
    done: Callable[[str], HttpResponse],
) -> HttpResponse:
    """The POST of a page of several forms. An action not in ``actions`` is the page again at 400
    (``page(status=400)``); otherwise its form is bound to the POST and run by ``form_flow``: on success the
    banner its save returned and ``done(action)`` (the redirect), or the page with that form as it came back,
    under its name, at the flow's status (``page(<name>=form, status=...)``; ``page`` reads the record
    again, so a stale save shows it as it is now)."""
    action = request.POST.get("action")
    if action not in actions:
        return page(status=400)
    name, form_class, save = actions[action]
    flow = form_flow(
        request,
        form_class(request.POST),
        save=save,
        done=lambda _text: done(action),
        message=lambda text: text,
    )
    if flow.response:
        return flow.response
    return page(**{name: flow.form}, status=flow.status)
