"""The portfolio's own pages: the overview (a task list), capability coverage, the portfolio pack (PDF)
and submitting for moderation; and what the evidence pages share with them (``portfolio_page_get``,
``portfolio_context``). Evidence and its files are ``evidence_views``.

Every page starts from a query scoped to the actor: a whole-portfolio page from the registration
(``portfolios.access.portfolio_registration_get``), an item page from the item (``portfolios.selectors``).
Another employer's portfolio, or an NQSW's the person does not work with, is a 404 whatever the method;
only then is the person's right to act checked (403). Writes go through ``portfolios.services``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from asye.audit.services import audit_record
from asye.jobs.services import job_start
from asye.web.decorators import GET_ONLY, GET_STARTS_WORK, employer_view, refuse_method
from asye.web.flow import FormFlow, form_flow
from asye.web.forms import posted
from portfolios import services
from portfolios.access import (
    is_assessor,
    is_owner,
    is_writable,
    portfolio_ensure,
    portfolio_registration_get,
)
from portfolios.coverage import portfolio_coverage
from portfolios.evidence_forms import SubmitForm
from portfolios.jobs import PORTFOLIO_PACK
from portfolios.models import Evidence, Portfolio
from portfolios.pack import pack_cached, pack_filename
from portfolios.record_pages import READERS
from portfolios.task_list import portfolio_overview
from programmes.models import Registration

STATUS_COLOURS = {
    Evidence.Status.DRAFT: "grey",
    Evidence.Status.SHARED: "",
    Evidence.Status.ACCEPTED: "green",
    Evidence.Status.MORE_NEEDED: "orange",
}


def portfolio_page_get(request, pk: int) -> tuple[Registration, Portfolio]:
    """The registration the actor may read (404 otherwise) and its portfolio, started if need be."""
    registration = portfolio_registration_get(actor=request.actor, pk=pk)
    return registration, portfolio_ensure(actor=request.actor, registration=registration)


def portfolio_context(request, registration: Registration, portfolio: Portfolio) -> dict:
    """What every portfolio and evidence page shows: who the person is to the NQSW, and what they may do."""
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


# --- The overview --------------------------------------------------------------------------------------


# --- The overview --------------------------------------------------------------------------------------


def _link(name: str, registration: Registration) -> str:
    return reverse(f"portfolios:{name}", kwargs={"pk": registration.pk})


@employer_view(*READERS)
def overview(request, pk: int):
    registration, portfolio = portfolio_page_get(request, pk)
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
    context = portfolio_context(request, registration, portfolio)
    context.update({"overview": summary, "sections": sections, "coverage": summary.coverage})
    return render(request, "portfolios/overview.html", context)


# --- Coverage, the pack, submitting --------------------------------------------------------------------


@employer_view(*READERS)
def coverage(request, pk: int):
    registration, portfolio = portfolio_page_get(request, pk)
    if not_allowed := refuse_method(request, GET_ONLY):
        return not_allowed
    context = portfolio_context(request, registration, portfolio)
    context["coverage"] = portfolio_coverage(portfolio=portfolio)
    return render(request, "portfolios/coverage.html", context)


@employer_view(*READERS)
def pack(request, pk: int):
    """The whole portfolio as a PDF: for its NQSW, assessor, line manager and the co-ordinator. A pack kept
    for the portfolio as it is now downloads at once; otherwise a background job makes it (progress page)."""
    registration, portfolio = portfolio_page_get(request, pk)
    if not_allowed := refuse_method(request, GET_STARTS_WORK):
        return not_allowed
    cached = pack_cached(portfolio)
    try:
        pdf = default_storage.open(cached.name, "rb") if cached.stored else None
    except FileNotFoundError:  # replaced by a newer version since we looked
        pdf = None
    if pdf is None:
        job = job_start(
            actor=request.actor,
            kind=PORTFOLIO_PACK,
            label=f"Portfolio pack of {registration.full_name}",
            params={"portfolio_id": portfolio.pk, "registration_id": registration.pk},
            back_url=reverse("portfolios:overview", args=[registration.pk]),
        )
        return redirect("jobs:progress", pk=job.public_id)
    audit_record(
        actor=request.actor, obj=portfolio, action="portfolio.pack_downloaded", changes={"bytes": pdf.size}
    )
    response = FileResponse(
        pdf, as_attachment=True, filename=pack_filename(registration), content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@employer_view(*READERS)
@require_http_methods(["GET", "POST"])
def submit(request, pk: int):
    """Confirm, then submit the portfolio for moderation (the NQSW or the co-ordinator)."""
    actor = request.actor
    registration, portfolio = portfolio_page_get(request, pk)
    if not services.can_submit(actor, registration):
        raise PermissionDenied("Only the NQSW or the ASYE co-ordinator can submit the portfolio.")
    form = SubmitForm(posted(request))
    flow = FormFlow(form=form)
    if portfolio.submitted_at is None:
        flow = form_flow(
            request,
            form,
            save=lambda _data: services.portfolio_submit(actor=actor, portfolio=portfolio),
            done=lambda _saved: redirect("portfolios:overview", pk=registration.pk),
            message="Portfolio submitted for moderation",
        )
        if flow.response:
            return flow.response
    context = portfolio_context(request, registration, portfolio)
    context.update(
        {
            "form": flow.form,
            "overview": portfolio_overview(portfolio=portfolio, registration=registration),
        }
    )
    return render(request, "portfolios/submit.html", context)
