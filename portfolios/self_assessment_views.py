"""The PQS self-assessment's pages (child and family): the three stages side by side, and one stage's
ratings, which the NQSW writes. Shared page parts are in ``record_pages``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from asye.web.decorators import GET_ONLY, GET_OR_POST, employer_view, opens
from asye.web.flow import FormFlow, form_flow
from asye.web.forms import posted
from portfolios import record_selectors as selectors
from portfolios import self_assessments as services
from portfolios.access import is_owner, is_writable, portfolio_registration_get
from portfolios.models import SelfAssessmentRating
from portfolios.record_forms import SelfAssessmentForm
from portfolios.record_pages import READERS, record_context


@employer_view(*READERS)
@opens(portfolio_registration_get, GET_ONLY)
def self_assessments(request, registration):
    """The three stages, and the ratings side by side per statement."""
    portfolio = selectors.portfolio_of(registration)
    capability_set = services.self_assessment_set(portfolio, registration)
    stages = selectors.self_assessment_stages(portfolio, registration)
    return render(
        request,
        "portfolios/records/self_assessments.html",
        record_context(
            request,
            registration,
            portfolio,
            capability_set=capability_set,
            stages=stages,
            comparison=selectors.self_assessment_comparison(portfolio, capability_set),
        ),
    )


@employer_view(*READERS)
@opens(portfolio_registration_get, GET_OR_POST)
def self_assessment(request, registration):
    """One stage's ratings (the stage in the query string or the form); the NQSW rates, others read."""
    actor = request.actor
    stage = request.POST.get("stage") if request.method == "POST" else request.GET.get("stage")
    if stage not in services.STAGE.values:
        return redirect("portfolios:self_assessments", pk=registration.pk)
    owner = is_owner(actor, registration)
    if request.method == "POST" and not owner:
        raise PermissionDenied("Only the NQSW completes their self-assessment.")
    portfolio = selectors.portfolio_of(registration)
    capability_set = services.self_assessment_set(portfolio, registration)
    if capability_set is None:
        return redirect("portfolios:self_assessments", pk=registration.pk)
    view = next(s for s in selectors.self_assessment_stages(portfolio, registration) if s.value == stage)
    statements = list(capability_set.statements.select_related("capability_set").order_by("number"))
    existing = view.assessment
    ratings = {r.statement_id: r for r in existing.ratings.all()} if existing else {}
    initial = {"stage": stage, "version": existing.version if existing else ""}
    for rating in ratings.values():
        initial[f"level_{rating.statement_id}"] = rating.level
        initial[f"comment_{rating.statement_id}"] = rating.comment
    kwargs = {"statements": statements, "levels": SelfAssessmentRating.Level.choices}
    form = SelfAssessmentForm(posted(request), initial=initial, **kwargs)
    editable = owner and not view.blocker and is_writable(portfolio, registration)

    def stage_version() -> int:
        """The stage's version as it is now (the portfolio read again, as the page shows it)."""
        nonlocal portfolio
        portfolio = selectors.portfolio_of(registration)
        current = portfolio.self_assessments.filter(stage=stage).first() if portfolio else None
        return current.version if current else 0

    flow = FormFlow(form=form)
    if editable:
        flow = form_flow(
            request,
            form,
            save=lambda data: services.self_assessment_save(
                actor=actor,
                registration=registration,
                stage=stage,
                levels=form.levels(),
                comments=form.comments(),
                version=data["version"],
            ),
            done=lambda _saved: redirect("portfolios:self_assessments", pk=registration.pk),
            message=f"Self-assessment saved: {services.STAGE(stage).label.lower()}",
            current_version=stage_version,
            rebind=lambda data: SelfAssessmentForm(data, **kwargs),
        )
        if flow.response:
            return flow.response
    return render(
        request,
        "portfolios/records/self_assessment.html",
        record_context(
            request,
            registration,
            portfolio,
            stage=view,
            capability_set=capability_set,
            form=flow.form,
            editable=editable,
            conflict=flow.conflict,
            read_rows=[(statement, ratings.get(statement.pk)) for statement in statements],
        ),
        status=flow.status,
    )
