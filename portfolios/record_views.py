"""Pages of a portfolio's records: the learning agreement, the PDP, the self-assessment, direct
observations and feedback requests.

Pages of a whole portfolio take the registration's pk and read it through
``access.portfolio_registration_get``; pages of one record take the record's pk and read it through a
scoped ``record_selectors.*_get``. Either way another employer's, or another NQSW's, is a 404 before
anything else happens, whatever the method. Writes go through ``record_services``; a person who can read
but not write sees no form, and a form sent anyway gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from asye import clock
from asye.accounts.models import Role
from asye.errors import Conflict
from asye.web.dates import date_data
from asye.web.decorators import GET_ONLY, GET_OR_POST, employer_view, refuse_method
from asye.web.forms import add_service_errors, rebind_with_version
from portfolios import amendments
from portfolios import record_selectors as selectors
from portfolios import record_services as services
from portfolios.access import (
    is_assessor,
    is_coordinator,
    is_line_manager,
    is_owner,
    is_writable,
    portfolio_registration_get,
)
from portfolios.amendment_history import observation_history
from portfolios.capabilities import registration_statements
from portfolios.models import (
    FeedbackRequest,
    Observation,
    PdpObjective,
    SelfAssessmentRating,
)
from portfolios.record_forms import (
    EXTERNAL,
    AgreementForm,
    AgreementSignForm,
    FeedbackRequestForm,
    ObservationForm,
    PdpObjectiveForm,
    PdpProgressForm,
    SelfAssessmentForm,
)
from programmes.models import Registration
from programmes.selectors import registration_list

READERS = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW)
# The secret of a new feedback link waits here for the one page that shows it.
NEW_LINK_SESSION_KEY = "portfolios_new_feedback_link"


def overview_url(registration: Registration) -> str:
    """The portfolio's home page (its task list)."""
    return reverse("portfolios:overview", args=[registration.pk])


def _posted(request):
    """The form data of a POST (even an empty one, so that its errors show), else None."""
    return request.POST if request.method == "POST" else None


def _base(request, registration: Registration, portfolio, **extra) -> dict:
    actor = request.actor
    return {
        "registration": registration,
        "portfolio": portfolio,
        "overview_url": overview_url(registration),
        "is_owner": is_owner(actor, registration),
        "is_assessor": is_assessor(actor, registration),
        "is_line_manager": is_line_manager(actor, registration),
        "is_coordinator": is_coordinator(actor, registration),
        "writable": is_writable(portfolio, registration),
        **extra,
    }


# --- Learning agreement --------------------------------------------------------------------------------


def _person(user) -> str:
    return (user.full_name or user.email) if user is not None else "Not allocated yet"


def signature_rows(revision, registration: Registration) -> list[dict]:
    """Each of the three parts: who signs it and their signature, if they have signed. Until someone
    signs, a revision is signed by the registration's people as they are now."""
    by_role = {s.signed_as: s for s in revision.signatures.all()}
    use_revision = bool(by_role)
    names = {
        services.SIGNED_AS.NQSW: registration.full_name,
        services.SIGNED_AS.ASSESSOR: _person(revision.assessor if use_revision else registration.assessor),
        services.SIGNED_AS.LINE_MANAGER: _person(
            revision.line_manager if use_revision else registration.line_manager
        ),
    }
    return [
        {"role": label, "person": names[value], "signature": by_role.get(value)}
        for value, label in services.SIGNED_AS.choices
    ]


@employer_view(*READERS)
def agreement(request, pk: int):
    actor = request.actor
    registration = portfolio_registration_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_ONLY)) is not None:
        return refused
    portfolio = selectors.portfolio_of(registration)
    revisions = selectors.agreement_revisions(portfolio)
    state = selectors.agreement_state(registration, revisions)
    current = state.current
    can_sign = []
    if current is not None and not state.needs_new_revision and not current.completed_at:
        can_sign = [r for r in services.signer_roles(actor, registration) if r not in state.signed]
    can_draft = services.can_draft_agreement(actor, registration)
    return render(
        request,
        "portfolios/records/agreement.html",
        _base(
            request,
            registration,
            portfolio,
            state=state,
            current=current,
            rows=signature_rows(current, registration) if current else [],
            history=[(r, signature_rows(r, registration)) for r in revisions[1:]],
            can_draft=can_draft,
            can_change=bool(can_draft and current and not current.completed_at and not state.signed),
            can_start_revision=bool(can_draft and current and state.signed),
            can_sign=can_sign,
            people_changed=bool(
                current and state.signed and services.agreement_people_changed(current, registration)
            ),
        ),
    )


def _agreement_initial(source) -> dict:
    return {name: getattr(source, name) for name in services.AGREEMENT_TEXT_FIELDS}


def _agreement_values(form) -> dict:
    data = {name: form.cleaned_data.get(name, "") for name in services.AGREEMENT_TEXT_FIELDS}
    data["reason"] = form.cleaned_data.get("reason", "")
    return data


@employer_view(*READERS)
def agreement_add(request, pk: int):
    """Draft the first agreement, or start a new revision from the latest one's text."""
    actor = request.actor
    registration = portfolio_registration_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    if not services.can_draft_agreement(actor, registration):
        raise PermissionDenied("Only the NQSW, their assessor or the co-ordinator drafts the agreement.")
    portfolio = selectors.portfolio_of(registration)
    revisions = selectors.agreement_revisions(portfolio)
    latest = revisions[0] if revisions else None
    if latest is not None and not latest.signatures.all():
        # Nobody has signed the latest revision: it is changed, not replaced.
        return redirect("portfolios:agreement_change", pk=latest.pk)
    form = AgreementForm(
        _posted(request),
        asks_reason=latest is not None,
        initial=_agreement_initial(latest) if latest else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = services.agreement_create(
                actor=actor, registration=registration, **_agreement_values(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Revision {created.revision} of the learning agreement saved. The NQSW, the assessor and "
                "the line manager now each sign it.",
            )
            return redirect("portfolios:agreement", pk=registration.pk)
    return render(
        request,
        "portfolios/records/agreement_form.html",
        _base(request, registration, portfolio, form=form, latest=latest, revision=None),
    )


@employer_view(*READERS)
def agreement_change(request, pk: int):
    """Change a revision nobody has signed yet."""
    actor = request.actor
    revision = selectors.agreement_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    registration = revision.portfolio.registration
    if not services.can_draft_agreement(actor, registration):
        raise PermissionDenied("Only the NQSW, their assessor or the co-ordinator changes the agreement.")
    portfolio = revision.portfolio
    signed = revision.signatures.exists()
    newer = portfolio.agreements.filter(revision__gt=revision.revision).exists()
    initial = {**_agreement_initial(revision), "reason": revision.reason, "version": revision.version}
    form = AgreementForm(_posted(request), asks_reason=revision.revision > 1, initial=initial)
    conflict, status = "", 200
    if request.method == "POST" and not (signed or newer) and form.is_valid():
        try:
            services.agreement_update(
                actor=actor,
                agreement=revision,
                version=form.cleaned_data["version"] or 0,
                **_agreement_values(form),
            )
        except Conflict as error:
            revision = selectors.agreement_get(actor=actor, pk=pk)
            conflict, status = error.message, 409
            form = rebind_with_version(
                AgreementForm, request.POST, revision.version, asks_reason=revision.revision > 1
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Revision {revision.revision} of the learning agreement updated")
            return redirect("portfolios:agreement", pk=registration.pk)
    return render(
        request,
        "portfolios/records/agreement_form.html",
        _base(
            request,
            registration,
            portfolio,
            form=form,
            revision=revision,
            refused="signed" if signed else ("earlier" if newer else ""),
            conflict=conflict,
        ),
        status=status,
    )


def _sign_blocker(revision, registration, roles: list[str], signed: set[str]) -> str:
    """Why this person cannot sign this revision now; "" if they can."""
    if revision.portfolio.agreements.filter(revision__gt=revision.revision).exists():
        return "This is an earlier revision of the agreement, kept as history. Sign the latest one."
    if revision.completed_at:
        return "The NQSW, the assessor and the line manager have all signed this revision."
    if signed and services.agreement_people_changed(revision, registration):
        return (
            "The assessor or line manager has changed since this revision was signed. A new revision needs "
            "to be started for everyone to sign."
        )
    if not roles:
        return "You have signed this revision. It is waiting for the others to sign."
    if registration.assessor_id is None or registration.line_manager_id is None:
        return "The NQSW needs an assessor and a line manager before the agreement can be signed."
    return ""


@employer_view(*READERS)
def agreement_sign(request, pk: int):
    """The confirmation page on which the NQSW, the assessor or the line manager signs a revision."""
    actor = request.actor
    revision = selectors.agreement_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    registration = revision.portfolio.registration
    all_roles = services.signer_roles(actor, registration)
    if not all_roles:
        raise PermissionDenied("Only the NQSW, their assessor and their line manager sign the agreement.")
    signed = {s.signed_as for s in revision.signatures.all()}
    roles = [role for role in all_roles if role not in signed]
    blocker = _sign_blocker(revision, registration, roles, signed)
    form = None
    if not blocker:
        form = AgreementSignForm(_posted(request), roles=roles, initial={"version": revision.version})
    conflict, status = "", 200
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.agreement_sign(
                actor=actor,
                agreement=revision,
                signed_as=form.cleaned_data["signed_as"],
                version=form.cleaned_data["version"] or 0,
            )
        except Conflict as error:
            revision = selectors.agreement_get(actor=actor, pk=pk)
            conflict, status = error.message, 409
            form = AgreementSignForm(roles=roles, initial={"version": revision.version})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            revision = selectors.agreement_get(actor=actor, pk=pk)
            if revision.completed_at:
                messages.success(request, "Agreement signed. All three have now signed it.")
            else:
                messages.success(request, "Agreement signed")
            return redirect("portfolios:agreement", pk=registration.pk)
    return render(
        request,
        "portfolios/records/agreement_sign.html",
        _base(
            request,
            registration,
            revision.portfolio,
            form=form,
            blocker=blocker,
            revision=revision,
            rows=signature_rows(revision, registration),
            conflict=conflict,
        ),
        status=status,
    )


# --- PDP -----------------------------------------------------------------------------------------------


@employer_view(*READERS)
def pdp(request, pk: int):
    actor = request.actor
    registration = portfolio_registration_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_ONLY)) is not None:
        return refused
    portfolio = selectors.portfolio_of(registration)
    objectives = selectors.pdp_objective_list(portfolio)
    today = clock.today()
    return render(
        request,
        "portfolios/records/pdp.html",
        _base(
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


def _pdp_values(form) -> dict:
    data = form.cleaned_data
    return {
        "objective": data["objective"],
        "measure": data["measure"],
        "actions": data["actions"],
        "relevance": data["relevance"],
        "achieve_by": data["achieve_by"],
        "statement_id": data.get("statement"),
    }


@employer_view(*READERS)
def pdp_add(request, pk: int):
    actor = request.actor
    registration = portfolio_registration_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    if not is_owner(actor, registration):
        raise PermissionDenied("Only the NQSW writes their development plan.")
    portfolio = selectors.portfolio_of(registration)
    form = PdpObjectiveForm(_posted(request), statements=registration_statements(registration))
    if request.method == "POST" and form.is_valid():
        try:
            objective = services.pdp_objective_create(
                actor=actor, registration=registration, **_pdp_values(form)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Objective added to your development plan")
            return redirect("portfolios:pdp_objective", pk=objective.pk)
    return render(
        request,
        "portfolios/records/pdp_form.html",
        _base(request, registration, portfolio, form=form, objective=None),
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
        _base(
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
def pdp_objective(request, pk: int):
    """One objective, and (for the NQSW and their assessor) the form to update its progress."""
    actor = request.actor
    objective = selectors.pdp_objective_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    if request.method != "POST":
        return _objective_page(request, objective)
    if not services.can_update_pdp_progress(actor, objective.portfolio.registration):
        raise PermissionDenied("Only the NQSW or their assessor updates the progress of an objective.")
    form = PdpProgressForm(request.POST)
    if form.is_valid():
        try:
            services.pdp_objective_progress(
                actor=actor,
                pdp_objective=objective,
                version=form.cleaned_data["version"] or 0,
                status=form.cleaned_data["status"],
                progress=form.cleaned_data["progress"],
            )
        except Conflict as error:
            objective = selectors.pdp_objective_get(actor=actor, pk=pk)
            form = rebind_with_version(PdpProgressForm, request.POST, objective.version)
            return _objective_page(request, objective, form=form, conflict=error.message, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Progress updated")
            return redirect("portfolios:pdp_objective", pk=objective.pk)
    return _objective_page(request, objective, form=form)


@employer_view(*READERS)
def pdp_objective_change(request, pk: int):
    actor = request.actor
    objective = selectors.pdp_objective_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    registration = objective.portfolio.registration
    if not is_owner(actor, registration):
        raise PermissionDenied("Only the NQSW writes their development plan.")
    statements = registration_statements(registration)
    initial = {
        "objective": objective.objective,
        "measure": objective.measure,
        "actions": objective.actions,
        "relevance": objective.relevance,
        "statement": objective.statement_id,
        "version": objective.version,
    }
    data = request.POST if request.method == "POST" else None
    if data is None:
        initial.update(date_data("achieve_by", objective.achieve_by))
    kwargs = {"statements": statements, "current_date": objective.achieve_by}
    form = PdpObjectiveForm(data, initial=initial, **kwargs)
    conflict, status = "", 200
    if data is not None and form.is_valid():
        try:
            services.pdp_objective_update(
                actor=actor,
                pdp_objective=objective,
                version=form.cleaned_data["version"] or 0,
                **_pdp_values(form),
            )
        except Conflict as error:
            objective = selectors.pdp_objective_get(actor=actor, pk=pk)
            conflict, status = error.message, 409
            kwargs["current_date"] = objective.achieve_by
            form = rebind_with_version(PdpObjectiveForm, request.POST, objective.version, **kwargs)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Objective updated")
            return redirect("portfolios:pdp_objective", pk=objective.pk)
    return render(
        request,
        "portfolios/records/pdp_form.html",
        _base(
            request,
            registration,
            objective.portfolio,
            form=form,
            objective=objective,
            conflict=conflict,
            closed=objective.status != PdpObjective.Status.OPEN,
        ),
        status=status,
    )


# --- Self-assessment -----------------------------------------------------------------------------------


@employer_view(*READERS)
def self_assessments(request, pk: int):
    """The three stages, and the ratings side by side per statement."""
    actor = request.actor
    registration = portfolio_registration_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_ONLY)) is not None:
        return refused
    portfolio = selectors.portfolio_of(registration)
    capability_set = services.self_assessment_set(portfolio, registration)
    stages = selectors.self_assessment_stages(portfolio, registration)
    return render(
        request,
        "portfolios/records/self_assessments.html",
        _base(
            request,
            registration,
            portfolio,
            capability_set=capability_set,
            stages=stages,
            comparison=selectors.self_assessment_comparison(portfolio, capability_set),
        ),
    )


@employer_view(*READERS)
def self_assessment(request, pk: int):
    """One stage's ratings (the stage in the query string or the form); the NQSW rates, others read."""
    actor = request.actor
    registration = portfolio_registration_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
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
    form = SelfAssessmentForm(_posted(request), initial=initial, **kwargs)
    editable = owner and not view.blocker and is_writable(portfolio, registration)
    conflict, status = "", 200
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.self_assessment_save(
                actor=actor,
                registration=registration,
                stage=stage,
                levels=form.levels(),
                comments=form.comments(),
                version=form.cleaned_data["version"],
            )
        except Conflict as error:
            conflict, status = error.message, 409
            portfolio = selectors.portfolio_of(registration)
            current = portfolio.self_assessments.filter(stage=stage).first() if portfolio else None
            form = rebind_with_version(
                SelfAssessmentForm, request.POST, current.version if current else 0, **kwargs
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Self-assessment saved: {services.STAGE(stage).label.lower()}")
            return redirect("portfolios:self_assessments", pk=registration.pk)
    return render(
        request,
        "portfolios/records/self_assessment.html",
        _base(
            request,
            registration,
            portfolio,
            stage=view,
            capability_set=capability_set,
            form=form,
            editable=editable,
            conflict=conflict,
            read_rows=[(statement, ratings.get(statement.pk)) for statement in statements],
        ),
        status=status,
    )


# --- Direct observations -------------------------------------------------------------------------------


@employer_view(*READERS)
def observations(request, pk: int):
    actor = request.actor
    registration = portfolio_registration_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_ONLY)) is not None:
        return refused
    portfolio = selectors.portfolio_of(registration)
    items = selectors.observation_list(portfolio)
    return render(
        request,
        "portfolios/records/observations.html",
        _base(
            request,
            registration,
            portfolio,
            observations=items,
            complete=sum(1 for o in items if o.status == Observation.Status.COMPLETE),
            needed=selectors.observations_needed(registration),
            can_add=is_owner(actor, registration) or is_assessor(actor, registration),
        ),
    )


def _observers_for(actor, registration, observation=None):
    people = selectors.observer_choices(actor=actor, registration=registration)
    if (
        observation is not None
        and observation.observer_id
        and all(p.pk != observation.observer_id for p in people)
    ):
        people.append(observation.observer)  # recorded before they left: still shown
    return people


@employer_view(*READERS)
def observation_add(request, pk: int):
    actor = request.actor
    registration = portfolio_registration_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    fields = services.observation_fields_for(actor, None, registration)
    if not fields:
        raise PermissionDenied("Only the NQSW or their assessor records a direct observation.")
    # When recording one, the NQSW writes the plan; the reflection and assessment come later.
    fields = fields & {"observed_on", "setting", "observer", "statements", "preparation"}
    portfolio = selectors.portfolio_of(registration)
    form = ObservationForm(
        _posted(request),
        fields_allowed=fields,
        observers=_observers_for(actor, registration),
        statements=registration_statements(registration),
        initial={"observer": str(registration.assessor_id or "")},
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            observation = services.observation_create(
                actor=actor,
                registration=registration,
                observed_on=changes["observed_on"],
                setting=changes["setting"],
                observer_id=changes["observer"],
                observer_name=changes["observer_name"],
                statement_ids=changes.get("statements") or [],
                preparation=changes.get("preparation", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Observation {observation.number} recorded")
            return redirect("portfolios:observation", pk=observation.pk)
    return render(
        request,
        "portfolios/records/observation_form.html",
        _base(request, registration, portfolio, form=form, observation=None),
    )


def _observation_context(request, observation, **extra) -> dict:
    actor = request.actor
    registration = observation.portfolio.registration
    portfolio = observation.portfolio
    writable = is_writable(portfolio, registration)
    reads_portfolio = registration_list(actor=actor).filter(pk=registration.pk).exists()
    return _base(
        request,
        registration,
        portfolio,
        observation=observation,
        statements=list(
            observation.statements.select_related("capability_set").order_by("capability_set", "number")
        ),
        needed=selectors.observations_needed(registration),
        can_change=writable and bool(services.observation_fields_for(actor, observation, registration)),
        can_complete=writable and services.can_complete_observation(actor, observation, registration),
        can_amend=amendments.can_amend_observation(actor, observation, registration),
        can_reflect=amendments.can_reflect_on_observation(actor, observation, registration),
        history=observation_history(observation),
        reads_portfolio=reads_portfolio,
        **extra,
    )


@employer_view(*READERS)
def observation(request, pk: int):
    observation = selectors.observation_get(actor=request.actor, pk=pk)
    if (refused := refuse_method(request, GET_ONLY)) is not None:
        return refused
    return render(request, "portfolios/records/observation.html", _observation_context(request, observation))


@employer_view(*READERS)
def observation_change(request, pk: int):
    """Change the parts of an observation the person writes: the NQSW their preparation and reflection,
    the observer or assessor the assessment."""
    actor = request.actor
    observation = selectors.observation_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    registration = observation.portfolio.registration
    fields = services.observation_fields_for(actor, observation, registration)
    if observation.status == Observation.Status.COMPLETE:
        # Kept as it is: a change sent anyway is refused on the observation's page, which says how it is
        # amended instead.
        if request.method != "POST":
            return redirect("portfolios:observation", pk=observation.pk)
        return render(
            request,
            "portfolios/records/observation.html",
            _observation_context(request, observation, problems=[services.COMPLETE_MESSAGE]),
            status=400,
        )
    if not fields:
        raise PermissionDenied("You cannot change this observation.")
    initial = {
        "setting": observation.setting,
        "observer": str(observation.observer_id) if observation.observer_id else EXTERNAL,
        "observer_name": observation.observer_name,
        "statements": list(observation.tags.values_list("statement_id", flat=True)),
        "preparation": observation.preparation,
        "nqsw_reflection": observation.nqsw_reflection,
        "observer_assessment": observation.observer_assessment,
        "person_feedback": observation.person_feedback,
        "version": observation.version,
        **date_data("observed_on", observation.observed_on),
    }
    kwargs = {
        "fields_allowed": fields,
        "observers": _observers_for(actor, registration, observation),
        "statements": registration_statements(registration),
    }
    form = ObservationForm(_posted(request), initial=initial, **kwargs)
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_update(
                actor=actor,
                observation=observation,
                version=form.cleaned_data["version"] or 0,
                **form.changes(),
            )
        except Conflict as error:
            observation = selectors.observation_get(actor=actor, pk=pk)
            conflict, status = error.message, 409
            form = rebind_with_version(ObservationForm, request.POST, observation.version, **kwargs)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Observation {observation.number} updated")
            return redirect("portfolios:observation", pk=observation.pk)
    return render(
        request,
        "portfolios/records/observation_form.html",
        {
            **_observation_context(request, observation),
            "form": form,
            "conflict": conflict,
            "assessed_for_nqsw": is_owner(actor, registration)
            and services.observation_is_assessed(observation),
        },
        status=status,
    )


@employer_view(*READERS)
def observation_complete(request, pk: int):
    """The observer or the assessor confirms the observation is complete."""
    actor = request.actor
    observation = selectors.observation_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    registration = observation.portfolio.registration
    if request.method != "POST":
        return redirect("portfolios:observation", pk=observation.pk)
    if not services.can_complete_observation(actor, observation, registration):
        if observation.status == Observation.Status.COMPLETE:
            return redirect("portfolios:observation", pk=observation.pk)
        raise PermissionDenied("Only the observer or the NQSW's assessor marks an observation complete.")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = 0
    try:
        services.observation_complete(actor=actor, observation=observation, version=version)
    except Conflict as error:
        observation = selectors.observation_get(actor=actor, pk=pk)
        return render(
            request,
            "portfolios/records/observation.html",
            _observation_context(request, observation, problems=[error.message]),
            status=409,
        )
    except ValidationError as error:
        return render(
            request,
            "portfolios/records/observation.html",
            _observation_context(request, observation, problems=error.messages),
            status=400,
        )
    messages.success(request, f"Observation {observation.number} is complete")
    return redirect("portfolios:observation", pk=observation.pk)


# --- Feedback requests (the NQSW's side) ---------------------------------------------------------------


def _feedback_rows(requests, now):
    rows = []
    for item in requests:
        state = services.feedback_state(item, now)
        label, colour = selectors.FEEDBACK_STATE_LABELS[state]
        rows.append({"request": item, "state": state, "label": label, "colour": colour})
    return rows


@employer_view(*READERS)
def feedback_requests(request, pk: int):
    actor = request.actor
    registration = portfolio_registration_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_ONLY)) is not None:
        return refused
    portfolio = selectors.portfolio_of(registration)
    rows = _feedback_rows(selectors.feedback_request_list(portfolio), clock.now())
    return render(
        request,
        "portfolios/records/feedback_requests.html",
        _base(
            request,
            registration,
            portfolio,
            rows=rows,
            answered=[r for r in rows if r["state"] == "answered"],
            days=services.FEEDBACK_LINK_DAYS,
        ),
    )


@employer_view(*READERS)
def feedback_request_add(request, pk: int):
    actor = request.actor
    registration = portfolio_registration_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    if not is_owner(actor, registration):
        raise PermissionDenied("Only the NQSW asks for feedback on their practice.")
    portfolio = selectors.portfolio_of(registration)
    form = FeedbackRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = services.feedback_request_create(
                actor=actor,
                registration=registration,
                kind=data["kind"],
                recipient_name=data["recipient_name"],
                recipient_email=data["recipient_email"],
                context=data["context"],
                link_builder=lambda secret: request.build_absolute_uri(
                    reverse("feedback:answer", args=[secret])
                ),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[NEW_LINK_SESSION_KEY] = {
                "id": issued.feedback_request.pk,
                "secret": issued.secret,
            }
            return redirect("portfolios:feedback_request_created", pk=issued.feedback_request.pk)
    return render(
        request,
        "portfolios/records/feedback_request_form.html",
        _base(request, registration, portfolio, form=form, days=services.FEEDBACK_LINK_DAYS),
    )


@employer_view(*READERS)
def feedback_request_created(request, pk: int):
    """The confirmation page: the link, shown this once (only its hash is kept), to copy or hand over."""
    actor = request.actor
    item = selectors.feedback_request_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_ONLY)) is not None:
        return refused
    registration = item.portfolio.registration
    if not is_owner(actor, registration):
        raise PermissionDenied("Only the NQSW who asked sees the link.")
    pending = request.session.get(NEW_LINK_SESSION_KEY) or {}
    link = ""
    if pending.get("id") == item.pk:
        del request.session[NEW_LINK_SESSION_KEY]
        if services.feedback_state(item) == "waiting":
            link = request.build_absolute_uri(reverse("feedback:answer", args=[pending["secret"]]))
    response = render(
        request,
        "portfolios/records/feedback_request_created.html",
        _base(
            request,
            registration,
            item.portfolio,
            item=item,
            link=link,
            expires_on=timezone.localtime(item.expires_at).date(),
        ),
    )
    # The page holds a live secret: never from a cache, never in a Referer header sent to another site
    # (same-origin rather than no-referrer, which would make the page's forms fail the CSRF check).
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


@employer_view(*READERS)
def feedback_request(request, pk: int):
    actor = request.actor
    item = selectors.feedback_request_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_ONLY)) is not None:
        return refused
    registration = item.portfolio.registration
    state = services.feedback_state(item)
    label, colour = selectors.FEEDBACK_STATE_LABELS[state]
    listened = services.LISTENED_CHOICES.get(item.felt_listened_to)
    return render(
        request,
        "portfolios/records/feedback_request.html",
        _base(
            request,
            registration,
            item.portfolio,
            item=item,
            state=state,
            label=label,
            colour=colour,
            listened=(listened[1] if item.kind == FeedbackRequest.Kind.CHILD else listened[0])
            if listened
            else "",
            expires_on=timezone.localtime(item.expires_at).date(),
        ),
    )


@employer_view(*READERS)
def feedback_request_cancel(request, pk: int):
    actor = request.actor
    item = selectors.feedback_request_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    registration = item.portfolio.registration
    if not is_owner(actor, registration):
        raise PermissionDenied("Only the NQSW who asked cancels a feedback request.")
    problem = ""
    if request.method == "POST":
        try:
            services.feedback_request_cancel(actor=actor, feedback_request=item)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(
                request, f"Feedback request to {item.recipient_name} cancelled. The link no longer works."
            )
            return redirect("portfolios:feedback_requests", pk=registration.pk)
    return render(
        request,
        "portfolios/records/feedback_request_cancel.html",
        _base(
            request,
            registration,
            item.portfolio,
            item=item,
            state=services.feedback_state(item),
            problem=problem,
        ),
        status=400 if problem else 200,
    )
