"""The one way a page runs a service with a form's answers (#13).

Every form page does the same thing on POST: check the form; run one service with the cleaned data; on a
stale save (``Conflict``) show the person their own answers again, carrying the record's current version,
with the conflict's message and status 409; on the service's ``ValidationError`` put its messages on the
form (the GOV.UK error summary); on success, a banner and a redirect. ``form_flow`` is that, once::

    form = RecommendationForm(request.POST or None, initial=initial)
    flow = form_flow(
        request,
        form,
        save=lambda data: services.final_recommendation_update(actor=actor, item=item, **data),
        done=lambda saved: redirect("reviews:recommendation", pk=item.pk),
        message="Your recommendation has been saved",
        current_version=lambda: selectors.final_recommendation_get(actor=actor, pk=pk).version,
    )
    if flow.response:
        return flow.response
    return render(request, template, {"form": flow.form, "conflict": flow.conflict}, status=flow.status)

A GET (or any request that is not a POST) runs nothing: the form comes back as it was given.

``form_page`` is ``form_flow`` and that last render, for the pages whose template takes the form, the
conflict's message and names of their own (``context``: a dict, or a function of the flow, for a page that
reads its record again after a stale save, so as to show it as it is now: ``Latest`` reads it once, for
its version and the page)::

    return form_page(
        request,
        RecommendationForm(request.POST or None, initial=initial),
        template="reviews/recommendation_form.html",
        context=lambda _flow: {"item": latest.or_(item)},
        save=...,
        done=...,
        message="Your recommendation has been saved",
        current_version=latest.version,
    )

``bulk_check`` and ``bulk_decide`` are the two steps of a national list's bulk decision: the check page of
the rows chosen, and the decision sent from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from asye.errors import Conflict
from asye.web.forms import TickedRowsForm, add_service_errors, rebind_with_version


@dataclass
class FormFlow:
    """What a form page renders after ``form_flow``: ``response`` (the redirect) when the save went
    through; otherwise the form to show, the conflict's message ("" if none) and the status."""

    form: forms.Form
    response: HttpResponse | None = None
    conflict: str = ""
    status: int = 200
    saved: Any = None


def form_flow(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict], Any],
    done: Callable[[Any], HttpResponse],
    message: str | Callable[[Any], str] = "",
    current_version: Callable[[], int] | None = None,
    rebind: Callable[..., forms.Form] | None = None,
    version_field: str = "version",
) -> FormFlow:
    """Run ``save(cleaned_data)`` for a valid POST and say what to render (see the module's docstring).

    ``current_version`` reads the record's version after a ``Conflict`` (without it a conflict is shown
    as a form error, for services that raise it for a state rather than a stale version); ``rebind``
    makes the form again from data (default: the form's own class, with its ``initial`` and prefix)."""
    if request.method != "POST" or not form.is_valid():
        return FormFlow(form=form, status=200)
    try:
        saved = save(form.cleaned_data)
    except Conflict as error:
        if current_version is None:
            form.add_error(None, error.message)
            return FormFlow(form=form, conflict=error.message, status=409)
        make = rebind or _same_form(form)
        again = rebind_with_version(make, request.POST, current_version(), name=version_field)
        return FormFlow(form=again, conflict=error.message, status=409)
    except ValidationError as error:
        add_service_errors(form, error)
        return FormFlow(form=form, status=200)
    text = message(saved) if callable(message) else message
    if text:
        messages.success(request, text)
    return FormFlow(form=form, response=done(saved), saved=saved)


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    template: str,
    context: dict | Callable[[FormFlow], dict] | None = None,
    status: int | Callable[[FormFlow], int] | None = None,
    **flow_options: Any,
) -> HttpResponse:
    """``form_flow(request, form, **flow_options)``, then its redirect, or ``template`` rendered with
    ``form``, ``conflict`` and ``context`` at the flow's status (``status`` fixes it, for a page that
    shows a refusal on the form as a page of 200, or works it out from the flow, as the moderation pages'
    400 for a refused POST does)."""
    flow = form_flow(request, form, **flow_options)
    if flow.response:
        return flow.response
    names = context(flow) if callable(context) else (context or {})
    page = {"form": flow.form, "conflict": flow.conflict, **names}
    if callable(status):
        status = status(flow)
    return render(request, template, page, status=flow.status if status is None else status)


class Latest:
    """A record read again after a stale save, for a page that shows it as it is now: ``version`` is the
    flow's ``current_version``; afterwards ``record`` is the record as it is now (None if there was no
    conflict), for the page to show::

        latest = Latest(lambda: selectors.panel_get(actor=actor, pk=panel.pk))
        return form_page(
            ..., context=lambda _flow: {"panel": latest.or_(panel)}, current_version=latest.version
        )
    """

    def __init__(self, read: Callable[[], Any]):
        self.read = read
        self.record = None

    def version(self) -> int:
        self.record = self.read()
        return self.record.version

    def or_(self, record):
        """The record as re-read after a conflict, else ``record`` as the page read it."""
        return self.record if self.record is not None else record


def bulk_check(
    choose: TickedRowsForm,
    queue: QuerySet,
    *,
    confirm: type[forms.Form],
    sign: Callable[[list], str],
    page: Callable[..., HttpResponse],
    back: Callable[[str], HttpResponse],
    unchosen: str,
) -> HttpResponse:
    """The check page of a national list's bulk decision. ``choose`` is the list's bulk form: the rows it
    picks from ``queue`` are signed with their versions (``sign``) into the ``confirm`` form's hidden
    ``selection``, beside the ``decision``, and ``page(rows, form)`` shows them. When nothing can be
    decided, ``back(error)``: the list again with the decision's error (``unchosen`` when the error is on
    another field) or the refusal of ``chosen`` (nothing ticked, none waiting, too many)."""
    if not choose.is_valid():
        return back(choose.errors.get("decision", [unchosen])[0])
    try:
        rows, chosen = choose.chosen(queue)
    except ValidationError as refusal:
        return back(refusal.message)
    return page(
        rows, confirm(initial={"selection": sign(chosen), "decision": choose.cleaned_data["decision"]})
    )


def bulk_decide(
    request: HttpRequest,
    form: forms.Form,
    *,
    read: Callable[[str], Iterable[int]],
    rows: QuerySet,
    page: Callable[..., HttpResponse],
    **flow_options: Any,
) -> HttpResponse:
    """The decision sent from a bulk check page: ``form_flow(request, form, **flow_options)``, then its
    redirect; or the check page again, ``page(rows, form, status)``, with the error and the ``rows`` of
    the signed selection (``read`` gives its ids). A selection edited or expired shows no rows, only the
    error."""
    flow = form_flow(request, form, **flow_options)
    if flow.response:
        return flow.response
    try:
        ids = list(read(form["selection"].value()))
    except Exception:  # an edited or expired token: show nothing of it, only the error
        ids = []
    return page(rows.filter(pk__in=ids), flow.form, status=flow.status)


def _same_form(form: forms.Form) -> Callable[..., forms.Form]:
    """A maker of the same form from new data: its class, initial values and prefix."""
    form_class = type(form)

    def make(data):
        return form_class(data, initial=form.initial, prefix=form.prefix)

    return make
