"""The API's registration read, compiled once (issue #14: the detail near the cost of the health check).

The same rows as the viewset's scoped queryset (``registration_api_queryset``: the employer's registrations,
narrowed by ``registration_people`` for assessors and line managers), with the framework, the deferrals the
timeline needs and the corrections the answer lists: up to three statements whose SQL is built by the
usual scoping once per thread and shape (``asye.prepared``) and only run again after that. The
registration's statement also says whether it has any deferrals or corrections, so a registration with
neither (most) is one statement.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from asye.accounts.actor import Actor
from asye.accounts.models import User
from asye.prepared import PreparedRead
from asye.tenancy.models import Employer
from programmes.models import Deferral, Registration, RegistrationCorrection
from programmes.selectors import registration_people

# The registration read's two gates (annotations): whether any deferral or correction is there to read.
HAS_DEFERRALS = "api_has_deferrals"
HAS_CORRECTIONS = "api_has_corrections"


def registration_api_queryset(queryset: QuerySet[Registration], *, actor: Actor) -> QuerySet[Registration]:
    """The registrations of ``queryset`` (already the employer's) the actor may read over the API, with
    their framework: the same people-scoping as the HTML pages (``registration_list``), as a filter
    (combining two querysets with ``&`` cost more to build and compile than the read itself)."""
    people = registration_people(actor=actor)
    if people is not None:
        queryset = queryset.filter(people)
    return queryset.select_related("framework_version__framework")


def _registration(roles: frozenset[str], *, employer_id: int, pk: int, user_id: int | None = None):
    # The actor as far as the scoping reads it: the employer, the person and their roles there.
    actor = Actor(
        user=User(pk=user_id) if user_id is not None else None,
        employer=Employer(pk=employer_id),
        roles=roles,
    )
    # Whether it has deferrals and corrections at all, in the same statement: most have neither, and then
    # their reads are not sent. Only a gate: the rows themselves come from the scoped reads below.
    return (
        registration_api_queryset(Registration.objects.visible_to(actor), actor=actor)
        .filter(pk=pk)
        .annotate(
            **{
                HAS_DEFERRALS: Exists(Deferral.objects.filter(registration=OuterRef("pk"))),
                HAS_CORRECTIONS: Exists(RegistrationCorrection.objects.filter(registration=OuterRef("pk"))),
            }
        )
    )


def _deferrals(_shape: None, *, employer_id: int, registration_id: int):
    return Deferral.objects.filter(employer_id=employer_id, registration_id=registration_id)


def _corrections(_shape: None, *, employer_id: int, registration_id: int):
    return RegistrationCorrection.objects.filter(employer_id=employer_id, registration_id=registration_id)


REGISTRATION = PreparedRead(_registration)
DEFERRALS = PreparedRead(_deferrals)
CORRECTIONS = PreparedRead(_corrections)


def _prefetched(model, rows: list) -> QuerySet:
    """``rows`` as a related manager's prefetched queryset (what ``prefetch_related`` would leave)."""
    queryset = model._default_manager.all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


def registration_api_get(*, actor: Actor, pk: str | int) -> Registration:
    """The registration the actor may read, with its framework, deferrals and corrections (in their
    models' order) loaded; 404 whether missing, another employer's or not the actor's to read."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No Registration matches the given query.") from None
    if actor.employer_id is None:
        raise Http404("No Registration matches the given query.")
    values = {"employer_id": actor.employer_id, "pk": pk}
    if registration_people(actor=actor) is not None:  # assessors and line managers: their own NQSWs'
        values["user_id"] = actor.user.pk
    found = REGISTRATION.fetch(actor.all_roles, **values)
    if not found:
        raise Http404("No Registration matches the given query.")
    registration = found[0]
    related = {"employer_id": actor.employer_id, "registration_id": registration.pk}
    registration._prefetched_objects_cache = {
        "deferrals": _prefetched(
            Deferral, DEFERRALS.fetch(**related) if getattr(registration, HAS_DEFERRALS) else []
        ),
        "corrections": _prefetched(
            RegistrationCorrection,
            CORRECTIONS.fetch(**related) if getattr(registration, HAS_CORRECTIONS) else [],
        ),
    }
    return registration
