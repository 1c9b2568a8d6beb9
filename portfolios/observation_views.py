"""Direct observations' pages: the list, recording one, one observation, changing the parts a person
writes, and marking it complete. Amending a complete one is in ``amendment_views``; shared page parts
are in ``record_pages``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from asye.errors import Conflict
from asye.web.dates import date_data
from asye.web.decorators import GET_ONLY, GET_OR_POST, employer_view, opens
from asye.web.flow import Latest, form_page
from asye.web.forms import answers, posted
from portfolios import amendments
from portfolios import observations as services
from portfolios import record_selectors as selectors
from portfolios.access import is_assessor, is_owner, is_writable, portfolio_registration_get
from portfolios.amendment_history import observation_history
from portfolios.capabilities import registration_statements
from portfolios.models import Observation
from portfolios.record_forms import EXTERNAL, ObservationForm
from portfolios.record_pages import READERS, record_context
from programmes.selectors import registration_list


@employer_view(*READERS)
@opens(portfolio_registration_get, GET_ONLY)
def observations(request, registration):
    actor = request.actor
    portfolio = selectors.portfolio_of(registration)
    items = selectors.observation_list(portfolio)
    return render(
        request,
        "portfolios/records/observations.html",
        record_context(
            request,
            registration,
            portfolio,
            observations=items,
            complete=sum(1 for o in items if o.status == Observation.Status.COMPLETE),
            needed=selectors.observations_needed(registration),
            can_add=is_owner(actor, registration) or is_assessor(actor, registration),
        ),
    )


def observers_for(actor, registration, observation=None) -> list:
    """The people who may be chosen as the observer, and the one recorded (if they have since left)."""
    people = selectors.observer_choices(actor=actor, registration=registration)
    if (
        observation is not None
        and observation.observer_id
        and all(p.pk != observation.observer_id for p in people)
    ):
        people.append(observation.observer)  # recorded before they left: still shown
    return people


def observation_initial(observation: Observation) -> dict:
    """The observation's parts as a form's initial values (the change and the amendment pages)."""
    return {
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


@employer_view(*READERS)
@opens(portfolio_registration_get, GET_OR_POST)
def observation_add(request, registration):
    actor = request.actor
    fields = services.observation_fields_for(actor, None, registration)
    if not fields:
        raise PermissionDenied("Only the NQSW or their assessor records a direct observation.")
    # When recording one, the NQSW writes the plan; the reflection and assessment come later.
    fields = fields & {"observed_on", "setting", "observer", "statements", "preparation"}
    portfolio = selectors.portfolio_of(registration)
    form = ObservationForm(
        posted(request),
        fields_allowed=fields,
        observers=observers_for(actor, registration),
        statements=registration_statements(registration),
        initial={"observer": str(registration.assessor_id or "")},
    )

    def record(_data):
        changes = form.changes()
        return services.observation_create(
            actor=actor,
            registration=registration,
            observer_id=changes["observer"],
            statement_ids=changes.get("statements") or [],
            preparation=changes.get("preparation", ""),
            **answers(changes, "observed_on", "setting", "observer_name"),
        )

    return form_page(
        request,
        form,
        template="portfolios/records/observation_form.html",
        context=lambda _flow: record_context(request, registration, portfolio, observation=None),
        save=record,
        done=lambda observation: redirect("portfolios:observation", pk=observation.pk),
        message=lambda observation: f"Observation {observation.number} recorded",
    )


def _observation_context(request, observation, **extra) -> dict:
    actor = request.actor
    registration = observation.portfolio.registration
    portfolio = observation.portfolio
    writable = is_writable(portfolio, registration)
    reads_portfolio = registration_list(actor=actor).filter(pk=registration.pk).exists()
    return record_context(
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
@opens(selectors.observation_get, GET_ONLY)
def observation(request, observation):
    return render(request, "portfolios/records/observation.html", _observation_context(request, observation))


@employer_view(*READERS)
@opens(selectors.observation_get, GET_OR_POST)
def observation_change(request, observation):
    """Change the parts of an observation the person writes: the NQSW their preparation and reflection,
    the observer or assessor the assessment."""
    actor = request.actor
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
    kwargs = {
        "fields_allowed": fields,
        "observers": observers_for(actor, registration, observation),
        "statements": registration_statements(registration),
    }
    form = ObservationForm(posted(request), initial=observation_initial(observation), **kwargs)
    latest = Latest(lambda: selectors.observation_get(actor=actor, pk=observation.pk))

    def context(_flow) -> dict:
        shown = latest.or_(observation)
        assessed_for_nqsw = is_owner(actor, registration) and services.observation_is_assessed(shown)
        return _observation_context(request, shown, assessed_for_nqsw=assessed_for_nqsw)

    return form_page(
        request,
        form,
        template="portfolios/records/observation_form.html",
        context=context,
        save=lambda data: services.observation_update(
            actor=actor, observation=observation, version=data["version"] or 0, **form.changes()
        ),
        done=lambda _saved: redirect("portfolios:observation", pk=observation.pk),
        message=f"Observation {observation.number} updated",
        current_version=latest.version,
        rebind=lambda data: ObservationForm(data, **kwargs),
    )


@employer_view(*READERS)
@opens(selectors.observation_get, GET_OR_POST)
def observation_complete(request, observation):
    """The observer or the assessor confirms the observation is complete. A button, not a form: what
    stops it is listed on the observation's page."""
    actor = request.actor
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
        observation = selectors.observation_get(actor=actor, pk=observation.pk)
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
