"""Portfolio pages: the overview (a task list), evidence and its files, capability coverage, the
portfolio pack (PDF) and submitting for moderation.

Every page starts from a query scoped to the actor: a whole-portfolio page from the registration
(``portfolios.access.portfolio_registration_get``), an item page from the item (``portfolios.selectors``).
Another employer's portfolio, or an NQSW's the person does not work with, is a 404 whatever the method;
only then is the person's right to act checked (403). Writes go through ``portfolios.services``.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.errors import Conflict
from asye.web.decorators import GET_ONLY, employer_view, refuse_method
from asye.web.forms import add_service_errors, rebind_with_version
from portfolios import services
from portfolios.access import (
    is_assessor,
    is_owner,
    is_writable,
    portfolio_ensure,
    portfolio_registration_get,
    portfolio_statements,
)
from portfolios.amendment_history import evidence_history
from portfolios.evidence_amendments import can_amend_evidence, can_reflect_on_evidence
from portfolios.evidence_forms import (
    EvidenceFileForm,
    EvidenceForm,
    EvidenceResponseForm,
    SubmitForm,
    VersionForm,
)
from portfolios.models import Evidence, Portfolio
from portfolios.pack import pack_filename, portfolio_pack_pdf
from portfolios.selectors import (
    capability_sets_of,
    evidence_counts,
    evidence_file_get,
    evidence_get,
    evidence_list,
    portfolio_coverage,
    portfolio_overview,
)
from portfolios.uploads import (
    KINDS,
    UploadSizeLimitHandler,
    download_name,
    evidence_storage,
    too_large_message,
)
from programmes.models import Registration

logger = logging.getLogger(__name__)

PORTFOLIO_ROLES = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW)
STATUS_COLOURS = {
    Evidence.Status.DRAFT: "grey",
    Evidence.Status.SHARED: "",
    Evidence.Status.ACCEPTED: "green",
    Evidence.Status.MORE_NEEDED: "orange",
}


def _portfolio(request, pk: int) -> tuple[Registration, Portfolio]:
    registration = portfolio_registration_get(actor=request.actor, pk=pk)
    return registration, portfolio_ensure(actor=request.actor, registration=registration)


def _base_context(request, registration: Registration, portfolio: Portfolio) -> dict:
    actor = request.actor
    owner = is_owner(actor, registration)
    writable = is_writable(portfolio, registration)
    return {
        "registration": registration,
        "portfolio": portfolio,
        "is_owner": owner,
        "is_assessor": is_assessor(actor, registration),
        "writable": writable,
        "can_write": owner and writable,
        "status_colours": STATUS_COLOURS,
    }


def _add_evidence_errors(form: EvidenceForm, error: ValidationError) -> None:
    """A service's errors onto the evidence form; its "statements" go on the first checkbox group."""
    if hasattr(error, "error_dict") and "statements" in error.error_dict and form.statement_fields:
        error = ValidationError(
            {
                (form.statement_fields[0] if name == "statements" else name): errors
                for name, errors in error.error_dict.items()
            }
        )
    add_service_errors(form, error)


def _limit_uploads(request) -> UploadSizeLimitHandler:
    """Put the size limit first among the upload handlers, before the body is read."""
    handler = UploadSizeLimitHandler(request)
    request.upload_handlers.insert(0, handler)
    return handler


def _check_size(form, handler: UploadSizeLimitHandler) -> None:
    if handler.too_large:
        form.errors.pop("file", None)
        form.add_error("file", too_large_message(handler.max_bytes))


# --- The overview --------------------------------------------------------------------------------------


def _link(name: str, registration: Registration) -> str:
    return reverse(f"portfolios:{name}", kwargs={"pk": registration.pk})


@employer_view(*PORTFOLIO_ROLES)
def overview(request, pk: int):
    registration, portfolio = _portfolio(request, pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    summary = portfolio_overview(portfolio=portfolio, registration=registration)
    statuses = summary.statuses
    tasks = [
        (
            "Plan your year",
            [
                (
                    "agreement",
                    "Learning agreement",
                    "The support and assessment agreement, signed by the NQSW, assessor and line manager",
                ),
                ("pdp", "Professional development plan", "SMART objectives for the year"),
                *(
                    [
                        (
                            "self_assessments",
                            "Self-assessments",
                            "Against the post-qualifying standards at the start, midway and near the end",
                        )
                    ]
                    if summary.has_self_assessment
                    else []
                ),
            ],
        ),
        (
            "Build your evidence",
            [
                (
                    "evidence_list",
                    "Evidence of progression",
                    "Evidence mapped to the capabilities it supports, with a critical reflection",
                ),
                (
                    "observations",
                    "Direct observations",
                    f"{summary.observations_required} observations of practice",
                ),
                (
                    "feedback_requests",
                    "Feedback",
                    "From people who draw on care and support, and from other professionals",
                ),
                ("coverage", "Capability coverage", "How well each capability is evidenced so far"),
            ],
        ),
        (
            "Finish",
            [
                ("pack", "Portfolio pack", "The whole portfolio as a PDF, for the moderation panel"),
                ("submit", "Submit for moderation", "After this the portfolio can no longer be changed"),
            ],
        ),
    ]
    status_keys = {"evidence_list": "evidence", "feedback_requests": "feedback"}
    can_submit = services.can_submit(request.actor, registration) and is_writable(portfolio, registration)
    sections = [
        {
            "title": title,
            "tasks": [
                {
                    "key": key,
                    "name": name,
                    "hint": hint,
                    "url": None if key == "submit" and not can_submit else _link(key, registration),
                    "status": statuses[status_keys.get(key, key)],
                }
                for key, name, hint in items
            ],
        }
        for title, items in tasks
    ]
    context = _base_context(request, registration, portfolio)
    context.update({"overview": summary, "sections": sections, "coverage": summary.coverage})
    return render(request, "portfolios/overview.html", context)


# --- Evidence ------------------------------------------------------------------------------------------


@employer_view(*PORTFOLIO_ROLES)
def evidence_list_page(request, pk: int):
    registration, portfolio = _portfolio(request, pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    status = request.GET.get("status", "")
    if status not in Evidence.Status.values:
        status = ""
    items = list(evidence_list(actor=request.actor, portfolio=portfolio, status=status))
    context = _base_context(request, registration, portfolio)
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


def _evidence_form(
    registration, portfolio, data=None, files=None, *, initial=None, with_file=False
) -> EvidenceForm:
    return EvidenceForm(
        data,
        files,
        initial=initial,
        capability_sets=capability_sets_of(portfolio),
        statements=portfolio_statements(portfolio),
        with_file=with_file,
    )


@csrf_exempt
def evidence_add(request, pk: int):
    # The size limit must be in place before the body is read, which CSRF checking would do: so the
    # check is made by the inner view instead.
    handler = _limit_uploads(request)
    return _evidence_add(request, pk, handler)


@employer_view(*PORTFOLIO_ROLES)
@csrf_protect
@require_http_methods(["GET", "POST"])
def _evidence_add(request, pk: int, handler: UploadSizeLimitHandler):
    actor = request.actor
    registration, portfolio = _portfolio(request, pk)
    if not is_owner(actor, registration):
        raise PermissionDenied("Only the NQSW adds evidence to their portfolio.")
    context = _base_context(request, registration, portfolio)
    if request.method == "POST":
        form = _evidence_form(registration, portfolio, request.POST, request.FILES, with_file=True)
        valid = form.is_valid()
        _check_size(form, handler)
        if valid and not form.errors:
            upload = form.cleaned_data.get("file")
            try:
                evidence = services.evidence_create(
                    actor=actor,
                    portfolio=portfolio,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    reflection=form.cleaned_data["reflection"],
                    occurred_on=form.cleaned_data.get("occurred_on"),
                    statement_ids=form.statement_ids,
                    files=[upload] if upload else None,
                )
            except ValidationError as error:
                _add_evidence_errors(form, error)
            else:
                messages.success(
                    request, "Evidence saved as a draft. Share it with your assessor when it is ready"
                )
                return redirect("portfolios:evidence", pk=evidence.pk)
    else:
        form = _evidence_form(registration, portfolio, with_file=True)
    context.update({"form": form, "adding": True})
    return render(request, "portfolios/evidence_form.html", context)


def _evidence_context(request, evidence: Evidence) -> dict:
    portfolio = evidence.portfolio
    registration = portfolio.registration
    context = _base_context(request, registration, portfolio)
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


@employer_view(*PORTFOLIO_ROLES)
def evidence_detail(request, pk: int):
    evidence = evidence_get(actor=request.actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    return render(request, "portfolios/evidence_detail.html", _evidence_context(request, evidence))


def _require_evidence_owner(request, evidence: Evidence) -> None:
    if not is_owner(request.actor, evidence.portfolio.registration):
        raise PermissionDenied("Only the NQSW whose evidence this is can change it.")


@employer_view(*PORTFOLIO_ROLES)
@require_http_methods(["GET", "POST"])
def evidence_change(request, pk: int):
    actor = request.actor
    evidence = evidence_get(actor=actor, pk=pk)
    _require_evidence_owner(request, evidence)
    portfolio = evidence.portfolio
    registration = portfolio.registration
    conflict = ""
    status = 200
    if request.method == "POST":
        form = _evidence_form(registration, portfolio, request.POST)
        if form.is_valid():
            try:
                services.evidence_update(
                    actor=actor,
                    evidence=evidence,
                    version=form.cleaned_data["version"] or 0,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    reflection=form.cleaned_data["reflection"],
                    occurred_on=form.cleaned_data.get("occurred_on"),
                    statement_ids=form.statement_ids,
                )
            except Conflict as error:
                # Keep what the person typed; the form now carries the version they have been warned of.
                evidence = evidence_get(actor=actor, pk=pk)
                form = rebind_with_version(
                    lambda data: _evidence_form(registration, portfolio, data), request.POST, evidence.version
                )
                conflict, status = error.message, 409
            except ValidationError as error:
                _add_evidence_errors(form, error)
            else:
                messages.success(request, "Evidence updated")
                return redirect("portfolios:evidence", pk=evidence.pk)
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
        form = _evidence_form(registration, portfolio, initial=EvidenceForm.initial_for(evidence))
    context = _evidence_context(request, evidence)
    context.update({"form": form, "adding": False, "conflict": conflict})
    return render(request, "portfolios/evidence_form.html", context, status=status)


@employer_view(*PORTFOLIO_ROLES)
@require_http_methods(["GET", "POST"])
def evidence_share(request, pk: int):
    """Check what will be shared, then share it with the assessor."""
    actor = request.actor
    evidence = evidence_get(actor=actor, pk=pk)
    _require_evidence_owner(request, evidence)
    form = VersionForm(
        request.POST if request.method == "POST" else None, initial={"version": evidence.version}
    )
    conflict = ""
    problems: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_share(actor=actor, evidence=evidence, version=form.cleaned_data["version"])
        except Conflict as error:
            evidence = evidence_get(actor=actor, pk=pk)
            form = VersionForm(initial={"version": evidence.version})
            conflict, status = error.message, 409
        except ValidationError as error:
            # What is missing is put right on the change page: each problem links there.
            problems = error.messages
            form = VersionForm(initial={"version": evidence.version})
        else:
            messages.success(request, "Evidence shared with your assessor")
            return redirect("portfolios:evidence", pk=evidence.pk)
    context = _evidence_context(request, evidence)
    context.update({"form": form, "conflict": conflict, "problems": problems})
    return render(request, "portfolios/evidence_share.html", context, status=status)


@employer_view(*PORTFOLIO_ROLES)
@require_http_methods(["GET", "POST"])
def evidence_respond(request, pk: int):
    """The assessor accepts shared evidence or says what more is needed."""
    actor = request.actor
    evidence = evidence_get(actor=actor, pk=pk)
    if not is_assessor(actor, evidence.portfolio.registration):
        raise PermissionDenied("Only the NQSW's assessor responds to their evidence.")
    form = EvidenceResponseForm(
        request.POST if request.method == "POST" else None, initial={"version": evidence.version}
    )
    conflict = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_respond(
                actor=actor,
                evidence=evidence,
                version=form.cleaned_data["version"],
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except Conflict as error:
            evidence = evidence_get(actor=actor, pk=pk)
            form = rebind_with_version(EvidenceResponseForm, request.POST, evidence.version)
            conflict, status = error.message, 409
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            accepted = form.cleaned_data["decision"] == Evidence.Status.ACCEPTED
            messages.success(request, "Evidence accepted" if accepted else "You asked for more evidence")
            return redirect("portfolios:evidence", pk=evidence.pk)
    context = _evidence_context(request, evidence)
    context.update({"form": form, "conflict": conflict})
    return render(request, "portfolios/evidence_respond.html", context, status=status)


@csrf_exempt
def evidence_file_add(request, pk: int):
    handler = _limit_uploads(request)
    return _evidence_file_add(request, pk, handler)


@employer_view(*PORTFOLIO_ROLES)
@csrf_protect
@require_http_methods(["GET", "POST"])
def _evidence_file_add(request, pk: int, handler: UploadSizeLimitHandler):
    actor = request.actor
    evidence = evidence_get(actor=actor, pk=pk)
    _require_evidence_owner(request, evidence)
    conflict = ""
    status = 200
    if request.method == "POST":
        form = EvidenceFileForm(request.POST, request.FILES)
        valid = form.is_valid()
        _check_size(form, handler)
        if valid and not form.errors:
            try:
                services.evidence_file_add(
                    actor=actor,
                    evidence=evidence,
                    version=form.cleaned_data["version"],
                    upload=form.cleaned_data["file"],
                )
            except Conflict as error:
                evidence = evidence_get(actor=actor, pk=pk)
                form = EvidenceFileForm(initial={"version": evidence.version})
                conflict, status = error.message, 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "File added")
                return redirect("portfolios:evidence", pk=evidence.pk)
    else:
        form = EvidenceFileForm(initial={"version": evidence.version})
    context = _evidence_context(request, evidence)
    context.update({"file_form": form, "conflict": conflict})
    return render(request, "portfolios/evidence_file_add.html", context, status=status)


@employer_view(*PORTFOLIO_ROLES)
def evidence_file(request, pk: int):
    """Download a file, as an attachment, if the person may read the evidence it belongs to."""
    file = evidence_file_get(actor=request.actor, pk=pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    kind = next((k for k in KINDS.values() if k.content_type == file.content_type), None)
    if kind is None:
        # Only verified types are stored; anything else is not served.
        raise Http404("Unknown file.")
    try:
        stream = evidence_storage().open(file.storage_name, "rb")
    except FileNotFoundError:
        logger.error("Evidence file %s is missing from storage", file.pk)
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


@employer_view(*PORTFOLIO_ROLES)
@require_http_methods(["GET", "POST"])
def evidence_file_remove(request, pk: int):
    actor = request.actor
    file = evidence_file_get(actor=actor, pk=pk)
    evidence = evidence_get(actor=actor, pk=file.evidence_id)
    _require_evidence_owner(request, evidence)
    error_message = ""
    if request.method == "POST":
        try:
            services.evidence_file_remove(actor=actor, file=file)
        except ValidationError as error:
            error_message = " ".join(error.messages)
        else:
            messages.success(request, f"{file.original_name} removed")
            return redirect("portfolios:evidence", pk=evidence.pk)
    context = _evidence_context(request, evidence)
    context.update({"file": file, "error_message": error_message})
    return render(request, "portfolios/evidence_file_remove.html", context)


# --- Coverage, the pack, submitting --------------------------------------------------------------------


@employer_view(*PORTFOLIO_ROLES)
def coverage(request, pk: int):
    registration, portfolio = _portfolio(request, pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    context = _base_context(request, registration, portfolio)
    context["coverage"] = portfolio_coverage(portfolio=portfolio)
    return render(request, "portfolios/coverage.html", context)


@employer_view(*PORTFOLIO_ROLES)
def pack(request, pk: int):
    """The whole portfolio as a PDF: for its NQSW, assessor, line manager and the co-ordinator."""
    registration, portfolio = _portfolio(request, pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    pdf = portfolio_pack_pdf(portfolio)
    audit_record(
        actor=request.actor, obj=portfolio, action="portfolio.pack_downloaded", changes={"bytes": len(pdf)}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pack_filename(registration)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@employer_view(*PORTFOLIO_ROLES)
@require_http_methods(["GET", "POST"])
def submit(request, pk: int):
    """Confirm, then submit the portfolio for moderation (the NQSW or the co-ordinator)."""
    actor = request.actor
    registration, portfolio = _portfolio(request, pk)
    if not services.can_submit(actor, registration):
        raise PermissionDenied("Only the NQSW or the ASYE co-ordinator can submit the portfolio.")
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and portfolio.submitted_at is None and form.is_valid():
        try:
            services.portfolio_submit(actor=actor, portfolio=portfolio)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Portfolio submitted for moderation")
            return redirect("portfolios:overview", pk=registration.pk)
    context = _base_context(request, registration, portfolio)
    context.update(
        {
            "form": form,
            "overview": portfolio_overview(portfolio=portfolio, registration=registration),
        }
    )
    return render(request, "portfolios/submit.html", context)
