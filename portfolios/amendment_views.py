"""Pages for amending assessed records and adding later reflections: a complete observation or accepted
evidence is amended by the NQSW's assessor or the co-ordinator, with a reason; its NQSW adds a later
reflection. The record is read through its scoped selector first, so another employer's (or one the
person may not read) is a 404 whatever the method; then a person who may not amend it gets 403. Writes
go through ``portfolios.amendments`` and ``portfolios.evidence_amendments``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from asye.web.decorators import GET_OR_POST, employer_view, refuse_method
from asye.web.flow import Latest, form_page
from asye.web.forms import posted
from portfolios import amendments, evidence_amendments
from portfolios import record_selectors as records
from portfolios.amendment_forms import EvidenceAmendForm, LaterReflectionForm, ObservationAmendForm
from portfolios.capabilities import registration_statements
from portfolios.evidence_forms import EvidenceForm
from portfolios.models import Evidence, EvidenceFile, Observation
from portfolios.observation_views import observation_initial, observers_for
from portfolios.record_pages import READERS
from portfolios.selectors import capability_sets_of, evidence_get

SAVED = "Amendment saved. The change and your reason are in the history below."
REFLECTION_ADDED = "Your later reflection has been added"


@dataclass(frozen=True)
class Opening:
    """Who may open one of these pages, for which records: the record must be ``assessed`` (if not, the
    person goes to ``elsewhere``, where it still changes without an amendment), and
    ``allowed(actor, record, registration)`` (if not: 403, saying ``refusal``)."""

    assessed: str
    elsewhere: str
    allowed: Callable
    refusal: str


def _opened(request, record, opening: Opening):
    """What every page here checks after reading the record through its scoped selector (another
    employer's, or one the person may not read: 404): the method (GET or POST), then ``opening``. A
    response to send instead of the page, or None."""
    if (refused := refuse_method(request, GET_OR_POST)) is not None:
        return refused
    if record.status != opening.assessed:
        return redirect(opening.elsewhere, pk=record.pk)
    if not opening.allowed(request.actor, record, record.portfolio.registration):
        raise PermissionDenied(opening.refusal)
    return None


def _later_reflection(request, record, opening: Opening, *, save, record_name: str, back_name: str):
    """The later reflection's page, for an observation or evidence (``record``, read through its scoped
    selector, then ``opening`` checked): the NQSW's words, added once by ``save(text)``."""
    if early := _opened(request, record, opening):
        return early
    registration, record_pk = record.portfolio.registration, record.pk
    return form_page(
        request,
        LaterReflectionForm(posted(request)),
        template="portfolios/later_reflection.html",
        context={
            "registration": registration,
            "record_name": record_name,
            "back_name": back_name,
            "record_pk": record_pk,
        },
        save=lambda data: save(text=data["text"]),
        done=lambda _saved: redirect(back_name, pk=record_pk),
        message=REFLECTION_ADDED,
    )


def _amend_page(registration, name: str, record, portfolio=None) -> dict:
    """An amendment page's names: the registration, the portfolio (the record's, unless given) and the
    record (as it is now, after a stale save), as ``observation`` or ``evidence``."""
    return {"registration": registration, "portfolio": portfolio or record.portfolio, name: record}


# --- Observations --------------------------------------------------------------------------------------

# A complete observation is amended; one still being written changes on its change page.
AMEND_OBSERVATION = Opening(
    Observation.Status.COMPLETE,
    "portfolios:observation_change",
    amendments.can_amend_observation,
    "Only the NQSW's assessor or the co-ordinator amends a complete observation.",
)
REFLECT_ON_OBSERVATION = Opening(
    Observation.Status.COMPLETE,
    "portfolios:observation_change",
    amendments.can_reflect_on_observation,
    "Only the NQSW adds a later reflection to their observation.",
)


@employer_view(*READERS)
def observation_amend(request, pk: int):
    actor = request.actor
    observation = records.observation_get(actor=actor, pk=pk)
    if early := _opened(request, observation, AMEND_OBSERVATION):
        return early
    registration = observation.portfolio.registration
    kwargs = {
        "fields_allowed": set(amendments.OBSERVATION_FIELDS),
        "observers": observers_for(actor, registration, observation),
        "statements": registration_statements(registration),
    }
    form = ObservationAmendForm(posted(request), initial=observation_initial(observation), **kwargs)
    latest = Latest(lambda: records.observation_get(actor=actor, pk=pk))
    return form_page(
        request,
        form,
        template="portfolios/records/observation_amend.html",
        context=lambda _flow: _amend_page(registration, "observation", latest.or_(observation)),
        save=lambda data: amendments.observation_amend(
            actor=actor,
            observation=observation,
            version=data["version"] or 0,
            reason=data["reason"],
            **form.changes(),
        ),
        done=lambda _saved: redirect("portfolios:observation", pk=observation.pk),
        message=SAVED,
        current_version=latest.version,
        rebind=lambda data: ObservationAmendForm(data, **kwargs),
    )


@employer_view(*READERS)
def observation_reflect(request, pk: int):
    actor = request.actor
    observation = records.observation_get(actor=actor, pk=pk)
    return _later_reflection(
        request,
        observation,
        REFLECT_ON_OBSERVATION,
        save=lambda text: amendments.observation_reflection_add(
            actor=actor, observation=observation, text=text
        ),
        record_name=f"Observation {observation.number}",
        back_name="portfolios:observation",
    )


# --- Evidence ------------------------------------------------------------------------------------------

# Accepted evidence is amended; the NQSW changes evidence not yet accepted on its own page.
AMEND_EVIDENCE = Opening(
    Evidence.Status.ACCEPTED,
    "portfolios:evidence",
    evidence_amendments.can_amend_evidence,
    "Only the NQSW's assessor or the co-ordinator amends accepted evidence.",
)
REFLECT_ON_EVIDENCE = Opening(
    Evidence.Status.ACCEPTED,
    "portfolios:evidence",
    evidence_amendments.can_reflect_on_evidence,
    "Only the NQSW adds a later reflection to their evidence.",
)


def _evidence_amend_form(portfolio, files, data=None, *, initial=None) -> EvidenceAmendForm:
    return EvidenceAmendForm(
        data,
        initial=initial,
        capability_sets=capability_sets_of(portfolio),
        statements=registration_statements(portfolio.registration),
        files=files,
    )


@employer_view(*READERS)
def evidence_amend(request, pk: int):
    actor = request.actor
    evidence = evidence_get(actor=actor, pk=pk)
    if early := _opened(request, evidence, AMEND_EVIDENCE):
        return early
    portfolio = evidence.portfolio
    registration = portfolio.registration
    files = list(EvidenceFile.objects.filter(evidence=evidence).order_by("uploaded_at", "id"))
    form = _evidence_amend_form(portfolio, files, posted(request), initial=EvidenceForm.initial_for(evidence))
    latest = Latest(lambda: evidence_get(actor=actor, pk=pk))
    return form_page(
        request,
        form,
        template="portfolios/evidence_amend.html",
        context=lambda _flow: _amend_page(registration, "evidence", latest.or_(evidence), portfolio),
        save=form.placing_errors(
            lambda data: evidence_amendments.evidence_amend(
                actor=actor,
                evidence=evidence,
                version=data["version"] or 0,
                reason=data["reason"],
                remove_file_ids=form.removed_file_ids,
                **form.evidence_answers(),
            )
        ),
        done=lambda _saved: redirect("portfolios:evidence", pk=evidence.pk),
        message=SAVED,
        current_version=latest.version,
        rebind=lambda data: _evidence_amend_form(portfolio, files, data),
    )


@employer_view(*READERS)
def evidence_reflect(request, pk: int):
    evidence = evidence_get(actor=request.actor, pk=pk)
    return _later_reflection(
        request,
        evidence,
        REFLECT_ON_EVIDENCE,
        save=lambda text: evidence_amendments.evidence_reflection_add(
            actor=request.actor, evidence=evidence, text=text
        ),
        record_name=evidence.title,
        back_name="portfolios:evidence",
    )
