"""Evidence pages: the list, adding and changing evidence, sharing it with the assessor, the assessor's
response, and the files (adding, downloading, removing). The portfolio's own pages, and what these share
with them, are ``portfolio_views``; amending accepted evidence is ``amendment_views``.

An item page starts from the item, read through ``portfolios.selectors`` scoped to the actor: another
employer's, or an NQSW's the person does not work with, is a 404 whatever the method; only then is the
person's right to act checked (403). Writes go through ``portfolios.services``.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from asye.web.confirm import confirm_post
from asye.web.decorators import GET_ONLY, employer_view, opens, refuse_method
from asye.web.flow import Latest, form_flow, form_page
from asye.web.forms import answers, posted
from portfolios import services
from portfolios.access import is_assessor, is_writable, portfolio_statements, require_owner
from portfolios.amendment_history import evidence_history
from portfolios.evidence_amendments import can_amend_evidence, can_reflect_on_evidence
from portfolios.evidence_downloads import stored_file_response
from portfolios.evidence_forms import EvidenceFileForm, EvidenceForm, EvidenceResponseForm, VersionForm
from portfolios.models import Evidence
from portfolios.portfolio_views import portfolio_context, portfolio_page_get
from portfolios.record_pages import READERS
from portfolios.selectors import (
    capability_sets_of,
    evidence_counts,
    evidence_file_get,
    evidence_get,
    evidence_list,
)
from portfolios.uploads import (
    UploadSizeLimitHandler,
    too_large_message,
)


def limits_uploads(view):
    """An upload page: the size limit goes first among the upload handlers before the body is read, which
    CSRF checking would do; so the view is exempt here and checks CSRF itself (``csrf_protect`` under its
    guard). The view is called with the limit's handler (``handler=``)."""

    @csrf_exempt
    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        handler = UploadSizeLimitHandler(request)
        request.upload_handlers.insert(0, handler)
        return view(request, *args, handler=handler, **kwargs)

    return limited


def _checked_with_size(form, handler: UploadSizeLimitHandler):
    """The posted form checked, with a file over the limit said as such (the flow then runs nothing)."""
    form.is_valid()
    if handler.too_large:
        form.errors.pop("file", None)
        form.add_error("file", too_large_message(handler.max_bytes))
    return form


@employer_view(*READERS)
def evidence_list_page(request, pk: int):
    registration, portfolio = portfolio_page_get(request, pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    status = request.GET.get("status", "")
    if status not in Evidence.Status.values:
        status = ""
    items = list(evidence_list(actor=request.actor, portfolio=portfolio, status=status))
    context = portfolio_context(request, registration, portfolio)
    counts = evidence_counts(portfolio=portfolio)
    if not context["is_owner"]:
        counts[Evidence.Status.DRAFT] = 0
    context.update(
        {
            "items": items,
            "status": status,
            "status_label": Evidence.Status(status).label if status else "",
            "filters": [
                (value, label, counts[value]) for value, label in Evidence.Status.choices if counts[value]
            ],
        }
    )
    return render(request, "portfolios/evidence_list.html", context)


def _evidence_form(portfolio, data=None, files=None, *, initial=None, with_file=False) -> EvidenceForm:
    return EvidenceForm(
        data,
        files,
        initial=initial,
        capability_sets=capability_sets_of(portfolio),
        statements=portfolio_statements(portfolio),
        with_file=with_file,
    )


@limits_uploads
@employer_view(*READERS)
@csrf_protect
@require_http_methods(["GET", "POST"])
def evidence_add(request, pk: int, handler: UploadSizeLimitHandler):
    actor = request.actor
    registration, portfolio = portfolio_page_get(request, pk)
    require_owner(actor, registration, "Only the NQSW adds evidence to their portfolio.")
    context = portfolio_context(request, registration, portfolio)
    if request.method == "POST":
        form = _checked_with_size(
            _evidence_form(portfolio, request.POST, request.FILES, with_file=True), handler
        )
    else:
        form = _evidence_form(portfolio, with_file=True)
    return form_page(
        request,
        form,
        template="portfolios/evidence_form.html",
        context={**context, "adding": True},
        save=form.placing_errors(
            lambda data: services.evidence_create(
                actor=actor,
                portfolio=portfolio,
                files=[data["file"]] if data.get("file") else None,
                **form.evidence_answers(),
            )
        ),
        done=lambda evidence: redirect("portfolios:evidence", pk=evidence.pk),
        message="Evidence saved as a draft. Share it with your assessor when it is ready",
    )


def _evidence_context(request, evidence: Evidence) -> dict:
    portfolio = evidence.portfolio
    registration = portfolio.registration
    context = portfolio_context(request, registration, portfolio)
    editable = context["can_write"] and evidence.status in services.EDITABLE_STATUSES
    context.update(
        {
            "evidence": evidence,
            "editable": editable,
            "can_respond": context["is_assessor"]
            and context["writable"]
            and evidence.status == Evidence.Status.SHARED,
            "can_amend": can_amend_evidence(request.actor, evidence, registration),
            "can_reflect": can_reflect_on_evidence(request.actor, evidence, registration),
            "history": evidence_history(evidence),
        }
    )
    return context


@employer_view(*READERS)
@opens(evidence_get, GET_ONLY)
def evidence_detail(request, evidence):
    return render(request, "portfolios/evidence_detail.html", _evidence_context(request, evidence))


def _require_evidence_owner(request, evidence: Evidence) -> None:
    require_owner(
        request.actor, evidence.portfolio.registration, "Only the NQSW whose evidence this is can change it."
    )


@employer_view(*READERS)
@require_http_methods(["GET", "POST"])
def evidence_change(request, pk: int):
    actor = request.actor
    evidence = evidence_get(actor=actor, pk=pk)
    _require_evidence_owner(request, evidence)
    portfolio = evidence.portfolio
    registration = portfolio.registration
    if request.method == "POST":
        form = _evidence_form(portfolio, request.POST)
    else:
        if not (is_writable(portfolio, registration) and evidence.status in services.EDITABLE_STATUSES):
            messages.info(
                request,
                services.ACCEPTED_MESSAGE
                if evidence.status == Evidence.Status.ACCEPTED and is_writable(portfolio, registration)
                else "This evidence can be changed only while it is a draft or your assessor has asked for "
                "more, and the portfolio has not been submitted",
            )
            return redirect("portfolios:evidence", pk=evidence.pk)
        form = _evidence_form(portfolio, initial=EvidenceForm.initial_for(evidence))
    latest = Latest(lambda: evidence_get(actor=actor, pk=pk))
    return form_page(
        request,
        form,
        template="portfolios/evidence_form.html",
        context=lambda _flow: {**_evidence_context(request, latest.or_(evidence)), "adding": False},
        save=form.placing_errors(
            lambda data: services.evidence_update(
                actor=actor,
                evidence=evidence,
                version=data["version"] or 0,
                **form.evidence_answers(),
            )
        ),
        done=lambda _saved: redirect("portfolios:evidence", pk=evidence.pk),
        message="Evidence updated",
        # Keep what the person typed; the form now carries the version they have been warned of.
        current_version=latest.version,
        rebind=lambda data: _evidence_form(portfolio, data),
    )


@employer_view(*READERS)
@require_http_methods(["GET", "POST"])
def evidence_share(request, pk: int):
    """Check what will be shared, then share it with the assessor."""
    actor = request.actor
    evidence = evidence_get(actor=actor, pk=pk)
    _require_evidence_owner(request, evidence)
    latest = Latest(lambda: evidence_get(actor=actor, pk=pk))
    flow = form_flow(
        request,
        VersionForm(posted(request), initial={"version": evidence.version}),
        save=lambda data: services.evidence_share(actor=actor, evidence=evidence, version=data["version"]),
        done=lambda _saved: redirect("portfolios:evidence", pk=evidence.pk),
        message="Evidence shared with your assessor",
        current_version=latest.version,
        rebind=lambda data: VersionForm(initial={"version": data["version"]}),
    )
    if flow.response:
        return flow.response
    evidence = latest.or_(evidence)
    form = flow.form
    # What is missing is put right on the change page: each problem is listed, linking there.
    problems = [] if flow.conflict else list(form.non_field_errors())
    if problems:
        form = VersionForm(initial={"version": evidence.version})
    context = _evidence_context(request, evidence)
    context.update({"form": form, "conflict": flow.conflict, "problems": problems})
    return render(request, "portfolios/evidence_share.html", context, status=flow.status)


@employer_view(*READERS)
@require_http_methods(["GET", "POST"])
def evidence_respond(request, pk: int):
    """The assessor accepts shared evidence or says what more is needed."""
    actor = request.actor
    evidence = evidence_get(actor=actor, pk=pk)
    if not is_assessor(actor, evidence.portfolio.registration):
        raise PermissionDenied("Only the NQSW's assessor responds to their evidence.")
    form = EvidenceResponseForm(posted(request), initial={"version": evidence.version})
    latest = Latest(lambda: evidence_get(actor=actor, pk=pk))
    return form_page(
        request,
        form,
        template="portfolios/evidence_respond.html",
        context=lambda _flow: _evidence_context(request, latest.or_(evidence)),
        save=lambda data: services.evidence_respond(
            actor=actor,
            evidence=evidence,
            **answers(data, "version", "decision", "comment"),
        ),
        done=lambda _saved: redirect("portfolios:evidence", pk=evidence.pk),
        message=lambda _saved: (
            "Evidence accepted"
            if form.cleaned_data["decision"] == Evidence.Status.ACCEPTED
            else "You asked for more evidence"
        ),
        current_version=latest.version,
    )


@limits_uploads
@employer_view(*READERS)
@csrf_protect
@require_http_methods(["GET", "POST"])
def evidence_file_add(request, pk: int, handler: UploadSizeLimitHandler):
    actor = request.actor
    evidence = evidence_get(actor=actor, pk=pk)
    _require_evidence_owner(request, evidence)
    if request.method == "POST":
        form = _checked_with_size(EvidenceFileForm(request.POST, request.FILES), handler)
    else:
        form = EvidenceFileForm(initial={"version": evidence.version})
    latest = Latest(lambda: evidence_get(actor=actor, pk=pk))
    flow = form_flow(
        request,
        form,
        save=lambda data: services.evidence_file_add(
            actor=actor, evidence=evidence, version=data["version"], upload=data["file"]
        ),
        done=lambda _saved: redirect("portfolios:evidence", pk=evidence.pk),
        message="File added",
        current_version=latest.version,
        # A file cannot be sent back to the browser: after a stale save it is asked for again.
        rebind=lambda data: EvidenceFileForm(initial={"version": data["version"]}),
    )
    if flow.response:
        return flow.response
    context = _evidence_context(request, latest.or_(evidence))
    context.update({"file_form": flow.form, "conflict": flow.conflict})
    return render(request, "portfolios/evidence_file_add.html", context, status=flow.status)


@employer_view(*READERS)
@opens(evidence_file_get, GET_ONLY)
def evidence_file(request, file):
    """Download a file, as an attachment, if the person may read the evidence it belongs to."""
    return stored_file_response(file)


@employer_view(*READERS)
@require_http_methods(["GET", "POST"])
def evidence_file_remove(request, pk: int):
    """A confirmation button, not a form: a refusal is said on the page."""
    actor = request.actor
    file = evidence_file_get(actor=actor, pk=pk)
    evidence = evidence_get(actor=actor, pk=file.evidence_id)
    _require_evidence_owner(request, evidence)
    answer = confirm_post(
        request,
        lambda: services.evidence_file_remove(actor=actor, file=file),
        message=f"{file.original_name} removed",
        done=lambda: redirect("portfolios:evidence", pk=evidence.pk),
    )
    if answer.response:
        return answer.response
    context = _evidence_context(request, evidence)
    context.update({"file": file, "error_message": answer.refusal})
    return render(request, "portfolios/evidence_file_remove.html", context)
