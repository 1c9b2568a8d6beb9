"""The professional development plan's pages: the plan, adding and changing an objective, and recording
its progress. Shared page parts are in ``record_pages``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.shortcuts import redirect, render

from asye import clock
from asye.web.dates import date_data
from asye.web.decorators import GET_ONLY, GET_OR_POST, employer_view, opens
from asye.web.flow import Latest, form_flow, form_page
from asye.web.forms import posted
from portfolios import pdp as services
from portfolios import record_selectors as selectors
from portfolios.access import is_owner, is_writable, portfolio_registration_get, require_owner
from portfolios.capabilities import registration_statements
from portfolios.models import PdpObjective
from portfolios.record_forms import PdpObjectiveForm, PdpProgressForm
from portfolios.record_pages import READERS, record_context


@employer_view(*READERS)
@opens(portfolio_registration_get, GET_ONLY)
def pdp(request, registration):
    portfolio = selectors.portfolio_of(registration)
    objectives = selectors.pdp_objective_list(portfolio)
    today = clock.today()
    return render(
        request,
        "portfolios/records/pdp.html",
        record_context(
            request,
            registration,
            portfolio,
            objectives=[
                {
                    "objective": o,
                    "overdue": selectors.pdp_is_overdue(o, today),
                    "colour": selectors.PDP_STATUS_COLOURS[o.status],
                }
                for o in objectives
            ],
        ),
    )


def _pdp_values(data: dict) -> dict:
    return {
        "objective": data["objective"],
        "measure": data["measure"],
        "actions": data["actions"],
        "relevance": data["relevance"],
        "achieve_by": data["achieve_by"],
        "statement_id": data.get("statement"),
    }


@employer_view(*READERS)
@opens(portfolio_registration_get, GET_OR_POST)
def pdp_add(request, registration):
    actor = request.actor
    require_owner(actor, registration, "Only the NQSW writes their development plan.")
    portfolio = selectors.portfolio_of(registration)
    return form_page(
        request,
        PdpObjectiveForm(posted(request), statements=registration_statements(registration)),
        template="portfolios/records/pdp_form.html",
        context=lambda _flow: record_context(request, registration, portfolio, objective=None),
        save=lambda data: services.pdp_objective_create(
            actor=actor, registration=registration, **_pdp_values(data)
        ),
        done=lambda objective: redirect("portfolios:pdp_objective", pk=objective.pk),
        message="Objective added to your development plan",
    )


def _objective_page(request, objective, *, form=None, conflict: str = "", status: int = 200):
    actor = request.actor
    registration = objective.portfolio.registration
    portfolio = objective.portfolio
    can_progress = services.can_update_pdp_progress(actor, registration) and is_writable(
        portfolio, registration
    )
    if form is None and can_progress:
        form = PdpProgressForm(
            initial={"status": objective.status, "progress": objective.progress, "version": objective.version}
        )
    return render(
        request,
        "portfolios/records/pdp_objective.html",
        record_context(
            request,
            registration,
            portfolio,
            objective=objective,
            overdue=selectors.pdp_is_overdue(objective),
            colour=selectors.PDP_STATUS_COLOURS[objective.status],
            form=form if can_progress else None,
            conflict=conflict,
            can_change=is_owner(actor, registration)
            and objective.status == PdpObjective.Status.OPEN
            and is_writable(portfolio, registration),
        ),
        status=status,
    )


@employer_view(*READERS)
@opens(selectors.pdp_objective_get, GET_OR_POST)
def pdp_objective(request, objective):
    """One objective, and (for the NQSW and their assessor) the form to update its progress."""
    actor = request.actor
    if request.method != "POST":
        return _objective_page(request, objective)
    if not services.can_update_pdp_progress(actor, objective.portfolio.registration):
        raise PermissionDenied("Only the NQSW or their assessor updates the progress of an objective.")
    latest = Latest(lambda: selectors.pdp_objective_get(actor=actor, pk=objective.pk))
    flow = form_flow(
        request,
        PdpProgressForm(request.POST),
        save=lambda data: services.pdp_objective_progress(
            actor=actor,
            pdp_objective=objective,
            version=data["version"] or 0,
            status=data["status"],
            progress=data["progress"],
        ),
        done=lambda _saved: redirect("portfolios:pdp_objective", pk=objective.pk),
        message="Progress updated",
        current_version=latest.version,
    )
    if flow.response:
        return flow.response
    return _objective_page(
        request, latest.or_(objective), form=flow.form, conflict=flow.conflict, status=flow.status
    )


@employer_view(*READERS)
@opens(selectors.pdp_objective_get, GET_OR_POST)
def pdp_objective_change(request, objective):
    actor = request.actor
    registration = objective.portfolio.registration
    require_owner(actor, registration, "Only the NQSW writes their development plan.")
    statements = registration_statements(registration)
    initial = model_to_dict(
        objective, ("objective", "measure", "actions", "relevance", "statement", "version")
    )
    data = posted(request)
    if data is None:
        initial.update(date_data("achieve_by", objective.achieve_by))
    latest = Latest(lambda: selectors.pdp_objective_get(actor=actor, pk=objective.pk))

    def context(_flow) -> dict:
        shown = latest.or_(objective)
        closed = shown.status != PdpObjective.Status.OPEN
        return record_context(request, registration, shown.portfolio, objective=shown, closed=closed)

    return form_page(
        request,
        PdpObjectiveForm(data, initial=initial, statements=statements, current_date=objective.achieve_by),
        template="portfolios/records/pdp_form.html",
        context=context,
        save=lambda cleaned: services.pdp_objective_update(
            actor=actor, pdp_objective=objective, version=cleaned["version"] or 0, **_pdp_values(cleaned)
        ),
        done=lambda _saved: redirect("portfolios:pdp_objective", pk=objective.pk),
        message="Objective updated",
        current_version=latest.version,
        rebind=lambda again: PdpObjectiveForm(
            again, statements=statements, current_date=latest.record.achieve_by
        ),
    )
