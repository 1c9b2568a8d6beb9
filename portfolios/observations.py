"""Writes for direct observations, and the checks the amendments of complete ones share
(``portfolios.amendments``).

Observations are recorded by the NQSW or their assessor; the NQSW writes the preparation and the
reflection, the observer (or the assessor, for an observer outside the service) the assessment, and marks
it complete. Once the assessment is written the NQSW no longer changes what it relied on (date, setting,
observer, capabilities, the person's feedback); once complete nobody edits it, and it changes only as an
amendment (``portfolios.amendments``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role
from asye.audit.services import audited_create, audited_update, changed_fields
from portfolios.access import (
    is_assessor,
    is_owner,
    portfolio_statements,
)
from portfolios.models import (
    Observation,
    ObservationTag,
    Portfolio,
)
from portfolios.record_writes import (
    MAX_NAME,
    MAX_OBSERVATION_TEXT,
    MAX_SHORT_TEXT,
    checked_text,
    long_date,
    portfolio_for_write,
    refuse_unless,
)
from programmes.models import Registration
from programmes.progress_store import progress_refresh

OBSERVER_ROLES = (Role.ASSESSOR, Role.LINE_MANAGER, Role.COORDINATOR)
# Which parts of an observation each person writes.
NQSW_FIELDS = frozenset(
    {"observed_on", "setting", "observer", "statements", "preparation", "nqsw_reflection", "person_feedback"}
)
ASSESSOR_FIELDS = frozenset(
    {"observed_on", "setting", "observer", "statements", "observer_assessment", "person_feedback"}
)
OBSERVER_FIELDS = frozenset({"observer_assessment", "person_feedback"})
# The NQSW's own words, theirs until the observation is complete; the rest of NQSW_FIELDS is what the
# assessment relies on, closed to the NQSW once the assessment is written.
NQSW_OWN_FIELDS = frozenset({"preparation", "nqsw_reflection"})
COMPLETE_MESSAGE = (
    "This observation is complete: it is kept as it was. What the assessment relied on changes only as "
    "an amendment, with a reason, by the NQSW's assessor or the co-ordinator"
)
ASSESSED_MESSAGE = (
    "The observer's assessment has been written, so the date, setting, observer, capabilities and the "
    "person's feedback are no longer yours to change: ask your assessor"
)
# A change is written only while the observation is still a draft (never over one completed meanwhile).
DRAFT = {"status": Observation.Status.DRAFT}
OBSERVATION_TEXTS = {
    "preparation": "Your preparation",
    "nqsw_reflection": "Your reflection",
    "observer_assessment": "The observer's assessment",
    "person_feedback": "The feedback of the person",
}


def is_observer(actor: Actor, observation: Observation) -> bool:
    """The colleague named as the observer (any employer role; they need not work with the NQSW)."""
    return (
        observation.employer_id == actor.employer_id
        and actor.user is not None
        and observation.observer_id == actor.user.pk
        and actor.has_role(*OBSERVER_ROLES)
    )


def observation_is_assessed(observation: Observation | None) -> bool:
    """The observer's assessment is written (or the observation is complete): what it relied on is no
    longer the NQSW's to change."""
    return observation is not None and (
        observation.status == Observation.Status.COMPLETE or bool(observation.observer_assessment.strip())
    )


def observation_fields_for(actor: Actor, observation: Observation | None, registration: Registration) -> set:
    """The parts of an observation the actor may write now: nothing once it is complete (then it changes
    only as an amendment, ``portfolios.amendments``); once assessed, the NQSW only their own words."""
    if observation is not None and observation.status == Observation.Status.COMPLETE:
        return set()
    fields: set[str] = set()
    if is_owner(actor, registration):
        fields |= NQSW_OWN_FIELDS if observation_is_assessed(observation) else NQSW_FIELDS
    if is_assessor(actor, registration):
        fields |= ASSESSOR_FIELDS
    if observation is not None and is_observer(actor, observation):
        fields |= OBSERVER_FIELDS
    return fields


def can_complete_observation(actor: Actor, observation: Observation, registration: Registration) -> bool:
    return observation.status != Observation.Status.COMPLETE and (
        is_assessor(actor, registration) or is_observer(actor, observation)
    )


def observer_candidates(employer_id: int, registration: Registration) -> QuerySet[Membership]:
    """Active memberships of the employer's people who may observe: assessors, line managers and
    co-ordinators, never the NQSW being observed."""
    return (
        Membership.objects.active()
        .filter(employer_id=employer_id, role__in=OBSERVER_ROLES, user__is_active=True)
        .exclude(user_id=registration.nqsw_id)
    )


def check_observer(
    errors: dict[str, list[str]],
    registration: Registration,
    observer_id: int | None,
    observer_name: str,
    *,
    current_id: int | None = None,
) -> tuple[int | None, str]:
    observer_name = (observer_name or "").strip()
    if observer_id:
        # The observer already recorded stays valid even if they have since left.
        if (
            observer_id != current_id
            and not observer_candidates(registration.employer_id, registration)
            .filter(user_id=observer_id)
            .exists()
        ):
            errors["observer"] = ["Select one of your employer's assessors, line managers or co-ordinators"]
        return observer_id, ""
    if not observer_name:
        errors["observer_name"] = ["Enter the observer's name and role"]
    elif len(observer_name) > MAX_NAME:
        errors["observer_name"] = [f"The observer's name and role must be {MAX_NAME} characters or fewer"]
    return None, observer_name


def check_statements(
    errors: dict[str, list[str]], portfolio: Portfolio, statement_ids: Iterable[int]
) -> list[int]:
    allowed = {s.pk for s in portfolio_statements(portfolio)}
    chosen = sorted({int(pk) for pk in statement_ids})
    if any(pk not in allowed for pk in chosen):
        errors["statements"] = ["Select capabilities from the frameworks your portfolio is mapped to"]
    return chosen


def set_observation_tags(observation: Observation, statement_ids: list[int]) -> None:
    ObservationTag.objects.filter(observation=observation).exclude(statement_id__in=statement_ids).delete()
    have = set(ObservationTag.objects.filter(observation=observation).values_list("statement_id", flat=True))
    ObservationTag.objects.bulk_create(
        ObservationTag(employer_id=observation.employer_id, observation=observation, statement_id=pk)
        for pk in statement_ids
        if pk not in have
    )


def check_observed_on(
    errors: dict[str, list[str]], observed_on: datetime.date | None, registration: Registration
) -> None:
    if observed_on is None:
        errors["observed_on"] = ["Enter the date of the observation"]
    elif observed_on < registration.start_date:
        errors["observed_on"] = [
            "The date of the observation must be on or after the programme's start date, "
            f"{long_date(registration.start_date)}"
        ]


def check_when_where_who(
    errors: dict,
    changes: dict,
    registration: Registration,
    *,
    current_id: int | None,
    complete_on: datetime.date | None = None,
) -> dict:
    """The checked values of an observation's date, setting and observer among ``changes``: what a draft's
    change and an amendment of a complete observation share. ``complete_on``: the observation is complete,
    so its date may not be after that day."""
    values: dict = {}
    if "observed_on" in changes:
        check_observed_on(errors, changes["observed_on"], registration)
        if complete_on is not None and "observed_on" not in errors and changes["observed_on"] > complete_on:
            errors["observed_on"] = ["The date of a complete observation must be today or in the past"]
        values["observed_on"] = changes["observed_on"]
    if "setting" in changes:
        values["setting"] = checked_text(
            errors,
            "setting",
            changes["setting"],
            required="Enter where the observation took place and what it was",
            max_length=MAX_SHORT_TEXT,
            what="The setting",
        )
    if "observer" in changes:
        values["observer_id"], values["observer_name"] = check_observer(
            errors, registration, changes["observer"], changes.get("observer_name", ""), current_id=current_id
        )
    return values


@transaction.atomic
def observation_create(
    *,
    actor: Actor,
    registration: Registration,
    observed_on: datetime.date | None,
    setting: str,
    observer_id: int | None,
    observer_name: str = "",
    statement_ids: Iterable[int] = (),
    preparation: str = "",
) -> Observation:
    """The NQSW or their assessor records a direct observation (it may be planned ahead: the date can be
    in the future). The observer is one of the employer's people or someone outside the service, by
    name. Observations are numbered in order; the framework says how many are needed."""
    actor.require(Role.NQSW, Role.ASSESSOR, employer=registration.employer_id)
    refuse_unless(
        is_owner(actor, registration) or is_assessor(actor, registration),
        "Only the NQSW or their assessor records a direct observation.",
    )
    portfolio = portfolio_for_write(actor, registration)
    errors: dict[str, list[str]] = {}
    asked = {
        "observed_on": observed_on,
        "setting": setting,
        "observer": observer_id,
        "observer_name": observer_name,
    }
    when_where_who = check_when_where_who(errors, asked, registration, current_id=None)
    statement_ids = check_statements(errors, portfolio, statement_ids)
    if preparation and not is_owner(actor, registration):
        raise PermissionDenied("Only the NQSW writes their preparation.")
    preparation = checked_text(
        errors,
        "preparation",
        preparation,
        max_length=MAX_OBSERVATION_TEXT,
        what=OBSERVATION_TEXTS["preparation"],
    )
    if errors:
        raise ValidationError(errors)
    # The portfolio row is locked (_portfolio_for_write), so two observations cannot take one number.
    number = (portfolio.observations.aggregate(n=Max("number"))["n"] or 0) + 1
    observation = audited_create(
        Observation,
        actor=actor,
        action="observation.created",
        audit=("number", "observed_on", "observer"),
        changes={
            "registration": registration.pk,
            "external_observer": bool(when_where_who["observer_name"]),
            "statements": statement_ids,
        },
        employer_id=registration.employer_id,
        portfolio=portfolio,
        number=number,
        preparation=preparation,
        created_by=actor.user,
        **when_where_who,
    )
    set_observation_tags(observation, statement_ids)
    return observation


@transaction.atomic
def observation_update(*, actor: Actor, observation: Observation, version: int, **changes) -> Observation:
    """Change parts of an observation that is not complete. Each person writes only their own parts
    (``observation_fields_for``): asking to write another's is refused. ``observer`` is a user id or
    None with ``observer_name``; ``statements`` a list of statement ids. A stale version: Conflict."""
    registration = observation.portfolio.registration
    actor.require(*OBSERVER_ROLES, Role.NQSW, employer=observation.employer_id)
    portfolio = portfolio_for_write(actor, registration)
    # Read again under a lock: whether it has been assessed decides what the NQSW may change.
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    if observation.status == Observation.Status.COMPLETE:
        raise ValidationError(COMPLETE_MESSAGE)
    allowed = observation_fields_for(actor, observation, registration)
    names = set(changes) - {"observer_name"}
    if is_owner(actor, registration) and names - allowed and names <= allowed | NQSW_FIELDS:
        raise ValidationError(ASSESSED_MESSAGE)
    refuse_unless(bool(allowed) and names <= allowed, "You cannot change these parts of this observation.")
    errors: dict[str, list[str]] = {}
    values: dict = {}
    values.update(check_when_where_who(errors, changes, registration, current_id=observation.observer_id))
    for name, what in OBSERVATION_TEXTS.items():
        if name in changes:
            values[name] = checked_text(
                errors, name, changes[name], max_length=MAX_OBSERVATION_TEXT, what=what
            )
    statement_ids = None
    if "statements" in changes:
        statement_ids = check_statements(errors, portfolio, changes["statements"])
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(observation, name) for name in values}
    audit_changes = changed_fields(before, values)
    old_tags = sorted(observation.tags.values_list("statement_id", flat=True))
    if statement_ids is not None and statement_ids != old_tags:
        audit_changes["statements"] = [old_tags, statement_ids]
    observation = audited_update(
        observation,
        version,
        "Someone else changed this observation since you opened it. Your text is below: check the "
        "observation as it is now before you save again.",
        actor=actor,
        action="observation.changed",
        changes=audit_changes,
        words=OBSERVATION_TEXTS,
        stale_without_version=True,
        still=DRAFT,
        **values,
    )
    if statement_ids is not None and audit_changes:
        set_observation_tags(observation, statement_ids)
    return observation


@transaction.atomic
def observation_complete(
    *, actor: Actor, observation: Observation, version: int, today: datetime.date | None = None
) -> Observation:
    """The observer (or the assessor) marks the observation complete once it has happened and both the
    assessment and the NQSW's reflection are written. A complete observation is not changed again."""
    registration = observation.portfolio.registration
    actor.require(*OBSERVER_ROLES, employer=observation.employer_id)
    refuse_unless(
        is_assessor(actor, registration) or is_observer(actor, observation),
        "Only the observer or the NQSW's assessor marks an observation complete.",
    )
    portfolio_for_write(actor, registration)
    if observation.status == Observation.Status.COMPLETE:
        return observation
    today = today or clock.today()
    problems = []
    if observation.observed_on > today:
        problems.append("The observation has not happened yet: it can be completed from its date")
    if not observation.observer_assessment.strip():
        problems.append("Enter the observer's assessment before you complete the observation")
    if not observation.nqsw_reflection.strip():
        problems.append("The NQSW needs to write their reflection before the observation is complete")
    if problems:
        raise ValidationError(problems)
    observation = audited_update(
        observation,
        version,
        "Someone else changed this observation since you opened it. Read it again before you complete it.",
        actor=actor,
        action="observation.completed",
        changes={
            "status": [Observation.Status.DRAFT, Observation.Status.COMPLETE],
            "number": observation.number,
        },
        stale_without_version=True,
        still=DRAFT,
        status=Observation.Status.COMPLETE,
    )
    progress_refresh(registration=registration)  # the observation is done on the timeline
    return observation
