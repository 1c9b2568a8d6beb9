"""Pages for amending assessed records and adding later reflections: a complete observation or accepted
evidence is amended by the NQSW's assessor or the co-ordinator, with a reason; its NQSW adds a later
reflection. The record is read through its scoped selector first, so another employer's (or one the
person may not read) is a 404 whatever the method; then a person who may not amend it gets 403. Writes
go through ``portfolios.amendments`` and ``portfolios.evidence_amendments``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from asye.accounts.models import Role
from asye.errors import Conflict
from asye.web.dates import date_data
from asye.web.decorators import GET_OR_POST, employer_view, refuse_method
from asye.web.forms import add_service_errors, rebind_with_version
from portfolios import amendments, evidence_amendments
from portfolios import record_selectors as records
from portfolios.amendment_forms import EvidenceAmendForm, LaterReflectionForm, ObservationAmendForm
from portfolios.capabilities import registration_statements
from portfolios.evidence_forms import EvidenceForm
from portfolios.models import Evidence, EvidenceFile, Observation
from portfolios.record_forms import EXTERNAL
from portfolios.selectors import capability_sets_of, evidence_get

READERS = (Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, Role.NQSW)
SAVED = "Amendment saved. The change and your reason are in the history below."


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- Observations --------------------------------------------------------------------------------------


def _observers(actor, registration, observation):
    people = records.observer_choices(actor=actor, registration=registration)
    if observation.observer_id and all(p.pk != observation.observer_id for p in people):
        people.append(observation.observer)  # recorded before they left: still shown
    return people


@employer_view(*READERS)
def observation_amend(request, pk: int):
    actor = request.actor
    observation = records.observation_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    registration = observation.portfolio.registration
    if observation.status != Observation.Status.COMPLETE:
        return redirect("portfolios:observation_change", pk=observation.pk)
    if not amendments.can_amend_observation(actor, observation, registration):
        raise PermissionDenied("Only the NQSW's assessor or the co-ordinator amends a complete observation.")
    kwargs = {
        "fields_allowed": set(amendments.OBSERVATION_FIELDS),
        "observers": _observers(actor, registration, observation),
        "statements": registration_statements(registration),
    }
    initial = {
        "setting": observation.setting,
        "observer": str(observation.observer_id) if observation.observer_id else EXTERNAL,
        "observer_name": observation.observer_name,
        "statements": list(observation.tags.values_list("statement_id", flat=True)),
        "observer_assessment": observation.observer_assessment,
        "person_feedback": observation.person_feedback,
        "version": observation.version,
        **date_data("observed_on", observation.observed_on),
    }
    form = ObservationAmendForm(_posted(request), initial=initial, **kwargs)
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            amendments.observation_amend(
                actor=actor,
                observation=observation,
                version=form.cleaned_data["version"] or 0,
                reason=form.cleaned_data["reason"],
                **form.changes(),
            )
        except Conflict as error:
            observation = records.observation_get(actor=actor, pk=pk)
            conflict, status = error.message, 409
            form = rebind_with_version(ObservationAmendForm, request.POST, observation.version, **kwargs)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, SAVED)
            return redirect("portfolios:observation", pk=observation.pk)
    return render(
        request,
        "portfolios/records/observation_amend.html",
        {
            "registration": registration,
            "portfolio": observation.portfolio,
            "observation": observation,
            "form": form,
            "conflict": conflict,
        },
        status=status,
    )


@employer_view(*READERS)
def observation_reflect(request, pk: int):
    actor = request.actor
    observation = records.observation_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    registration = observation.portfolio.registration
    if observation.status != Observation.Status.COMPLETE:
        return redirect("portfolios:observation_change", pk=observation.pk)
    if not amendments.can_reflect_on_observation(actor, observation, registration):
        raise PermissionDenied("Only the NQSW adds a later reflection to their observation.")
    form = LaterReflectionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            amendments.observation_reflection_add(
                actor=actor, observation=observation, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your later reflection has been added")
            return redirect("portfolios:observation", pk=observation.pk)
    return render(
        request,
        "portfolios/later_reflection.html",
        {
            "registration": registration,
            "form": form,
            "record_name": f"Observation {observation.number}",
            "back_name": "portfolios:observation",
            "record_pk": observation.pk,
        },
    )


# --- Evidence ------------------------------------------------------------------------------------------


def _evidence_amend_form(portfolio, files, data=None, *, initial=None) -> EvidenceAmendForm:
    return EvidenceAmendForm(
        data,
        initial=initial,
        capability_sets=capability_sets_of(portfolio),
        statements=registration_statements(portfolio.registration),
        files=files,
    )


def _add_errors(form: EvidenceAmendForm, error: ValidationError) -> None:
    """A service's errors onto the form; its "statements" go on the first checkbox group."""
    if hasattr(error, "error_dict") and "statements" in error.error_dict and form.statement_fields:
        error = ValidationError(
            {
                (form.statement_fields[0] if name == "statements" else name): errors
                for name, errors in error.error_dict.items()
            }
        )
    add_service_errors(form, error)


@employer_view(*READERS)
def evidence_amend(request, pk: int):
    actor = request.actor
    evidence = evidence_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    portfolio = evidence.portfolio
    registration = portfolio.registration
    if evidence.status != Evidence.Status.ACCEPTED:
        return redirect("portfolios:evidence", pk=evidence.pk)
    if not evidence_amendments.can_amend_evidence(actor, evidence, registration):
        raise PermissionDenied("Only the NQSW's assessor or the co-ordinator amends accepted evidence.")
    files = list(EvidenceFile.objects.filter(evidence=evidence).order_by("uploaded_at", "id"))
    form = _evidence_amend_form(
        portfolio, files, _posted(request), initial=EvidenceForm.initial_for(evidence)
    )
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence_amendments.evidence_amend(
                actor=actor,
                evidence=evidence,
                version=data["version"] or 0,
                reason=data["reason"],
                title=data["title"],
                description=data["description"],
                reflection=data["reflection"],
                occurred_on=data.get("occurred_on"),
                statement_ids=form.statement_ids,
                remove_file_ids=form.removed_file_ids,
            )
        except Conflict as error:
            evidence = evidence_get(actor=actor, pk=pk)
            form = rebind_with_version(
                lambda posted: _evidence_amend_form(portfolio, files, posted), request.POST, evidence.version
            )
            conflict, status = error.message, 409
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, SAVED)
            return redirect("portfolios:evidence", pk=evidence.pk)
    return render(
        request,
        "portfolios/evidence_amend.html",
        {
            "registration": registration,
            "portfolio": portfolio,
            "evidence": evidence,
            "form": form,
            "conflict": conflict,
        },
        status=status,
    )


@employer_view(*READERS)
def evidence_reflect(request, pk: int):
    actor = request.actor
    evidence = evidence_get(actor=actor, pk=pk)
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    registration = evidence.portfolio.registration
    if evidence.status != Evidence.Status.ACCEPTED:
        return redirect("portfolios:evidence", pk=evidence.pk)
    if not evidence_amendments.can_reflect_on_evidence(actor, evidence, registration):
        raise PermissionDenied("Only the NQSW adds a later reflection to their evidence.")
    form = LaterReflectionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            evidence_amendments.evidence_reflection_add(
                actor=actor, evidence=evidence, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your later reflection has been added")
            return redirect("portfolios:evidence", pk=evidence.pk)
    return render(
        request,
        "portfolios/later_reflection.html",
        {
            "registration": registration,
            "form": form,
            "record_name": evidence.title,
            "back_name": "portfolios:evidence",
            "record_pk": evidence.pk,
        },
    )
