"""Writes for assessed observations (amending a complete one, the NQSW's later reflections on it), and
the rules and helpers every amendment of an assessed record shares (``evidence_amendments`` for evidence).

Once the assessor has assessed a record (an observation marked complete, evidence accepted), what they
relied on is kept as it was assessed:
- a complete observation's date, setting, observer, capabilities, the observer's assessment and the
  feedback of the person, and accepted evidence's title, date, description, capabilities, files and the
  critical reflection, change only as an amendment: with a reason, by the NQSW's assessor or the
  employer's co-ordinator (never the NQSW, the line manager or an API token), while the portfolio can
  still change (``access.require_writable``);
- the NQSW does not rewrite what was assessed: they add a later reflection, kept beside the original;
- each changed field is kept as an ``ObservationAmendment``/``EvidenceAmendment`` (its old and new value
  as people read them, the reason, who and when) and the change is audited; as everywhere in the
  portfolio, the audit trail says which words changed, not what they say (the amendment keeps them).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role, User
from asye.audit.services import audit_record
from asye.errors import Conflict
from asye.records import versioned_update
from portfolios.access import (
    is_assessor,
    is_coordinator,
    is_owner,
    is_writable,
    portfolio_statements,
    require_writable,
)
from portfolios.models import (
    CapabilitySet,
    CapabilityStatement,
    Evidence,
    Observation,
    ObservationAmendment,
    Portfolio,
    RecordAmendment,
)
from portfolios.observations import (
    OBSERVATION_TEXTS,
    check_statements,
    check_when_where_who,
    set_observation_tags,
)
from portfolios.record_writes import MAX_OBSERVATION_TEXT, checked_text, refuse_unless
from programmes.models import Registration
from programmes.progress_store import progress_refresh

LATER_REFLECTION = RecordAmendment.LATER_REFLECTION
MAX_REASON = 2_000
# What the assessor relied on, in the order pages show it.
OBSERVATION_FIELDS = (
    "observed_on",
    "setting",
    "observer",
    "statements",
    "observer_assessment",
    "person_feedback",
)
# The words of a record stay out of the audit trail: it says they changed.
WORDS = frozenset({"observer_assessment", "person_feedback", "description", "reflection"})
NOTHING_CHANGED = "You have not changed anything. Change an answer, or cancel."
OBSERVATION_AMEND_STALE = (
    "Someone else changed this observation since you opened it. Your answers are below: check the "
    "observation as it is now before you save again."
)
COMPLETE = Observation.Status.COMPLETE


def can_amend(actor: Actor, registration: Registration) -> bool:
    """The NQSW's assessor or the employer's co-ordinator, as a person (not an API token)."""
    return actor.api_token_id is None and (
        is_assessor(actor, registration) or is_coordinator(actor, registration)
    )


def can_change_assessed(actor: Actor, record, registration: Registration, *, assessed: str, reflect: bool):
    """Whether ``actor`` may amend (or, with ``reflect``, add a later reflection to) ``record`` of the
    registration's portfolio: it is ``assessed``, the portfolio can still change, and they are the NQSW's
    assessor or co-ordinator (``can_amend``), or for a reflection the NQSW."""
    allowed = is_owner(actor, registration) if reflect else can_amend(actor, registration)
    return record.status == assessed and allowed and is_writable(record.portfolio, registration)


def can_amend_observation(actor: Actor, observation: Observation, registration: Registration) -> bool:
    return can_change_assessed(actor, observation, registration, assessed=COMPLETE, reflect=False)


def can_reflect_on_observation(actor: Actor, observation: Observation, registration: Registration) -> bool:
    return can_change_assessed(actor, observation, registration, assessed=COMPLETE, reflect=True)


def portfolio_locked(portfolio_id: int, registration: Registration) -> Portfolio:
    """The portfolio, locked for this transaction, refused if it can no longer change."""
    portfolio = Portfolio.objects.select_for_update().get(pk=portfolio_id)
    require_writable(portfolio, registration)
    return portfolio


def assessed_locked(records: QuerySet, record, registration: Registration, *, assessed: str, not_yet: str):
    """The portfolio and ``record`` (read again from ``records``), each locked in the order every write
    takes, while the portfolio can still change; ValidationError(``not_yet``) unless ``record`` is
    ``assessed`` (an observation complete, evidence accepted)."""
    portfolio = portfolio_locked(record.portfolio_id, registration)
    current = records.select_for_update(of=("self",)).get(pk=record.pk)
    if current.status != assessed:
        raise ValidationError(not_yet)
    return portfolio, current


def reason_checked(errors: dict[str, list[str]], reason: str | None) -> str:
    return checked_text(
        errors,
        "reason",
        reason,
        required="Enter the reason for the amendment",
        max_length=MAX_REASON,
        what="The reason",
    )


def date_shown(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def labels_of(statements: Iterable) -> str:
    return ", ".join(s.label for s in statements)


def in_page_order(statements: Iterable[CapabilityStatement]) -> list[CapabilityStatement]:
    """Statements in the order pages show them: the PCF first, then by framework, in number order."""
    return sorted(
        statements,
        key=lambda s: (s.capability_set.kind != CapabilitySet.Kind.PCF, s.capability_set.code, s.number),
    )


def tagged(record: Observation | Evidence) -> list[CapabilityStatement]:
    return in_page_order(tag.statement for tag in record.tags.select_related("statement__capability_set"))


def audit_value(name: str, value):
    """A value as the audit trail keeps it: an observer by their user id only (an outside observer's name
    stays out of the trail); dates and lists as the trail writes them."""
    return value[0] if name == "observer" else value


def amendment_audit(changed: list[str], before: dict, after: dict, reason: str, **special) -> dict:
    """What the audit trail keeps of an amendment: the reason, and for each changed field "changed" for
    words, the value ``special`` gives for it, or its old and new values."""
    changes: dict = {"reason": reason}
    for name in changed:
        if name in WORDS:
            changes[name] = "changed"
        elif name in special:
            changes[name] = special[name]
        else:
            changes[name] = [audit_value(name, before[name][0]), audit_value(name, after[name][0])]
    return changes


def amendment_rows(
    model, link: str, record, shown: dict[str, tuple[str, str]], *, reason: str, actor: Actor
) -> None:
    """One ``model`` row per changed field of ``record`` (its ``link`` field): ``shown`` gives each field's
    old and new value as people read them; the reason, who amended it. Observations, evidence and
    reviews keep their amendments alike."""
    model.objects.bulk_create(
        model(
            employer_id=record.employer_id,
            **{link: record},
            field=name,
            old_value=old,
            new_value=new,
            reason=reason,
            amended_by=actor.user,
        )
        for name, (old, new) in shown.items()
    )


def amendments_keep(
    model, link: str, record, changed, before, after, *, reason: str, actor: Actor, action: str, **special
) -> None:
    """The amendment rows of ``record``'s changed fields (``amendment_rows``, each value as people read it)
    and the amendment audited as ``action`` (``amendment_audit``, with ``special``)."""
    shown = {name: (before[name][1], after[name][1]) for name in changed}
    amendment_rows(model, link, record, shown, reason=reason, actor=actor)
    audit_record(
        actor=actor,
        obj=record,
        action=action,
        changes=amendment_audit(changed, before, after, reason, **special),
    )


def later_reflection_keep(model, link: str, record, *, actor: Actor, text: str, max_length: int, action: str):
    """The NQSW's later reflection on ``record``, checked and kept as a ``model`` row beside what was
    assessed, and audited as ``action``."""
    errors: dict[str, list[str]] = {}
    text = checked_text(
        errors,
        "text",
        text,
        required="Enter your later reflection",
        max_length=max_length,
        what="Your later reflection",
    )
    if errors:
        raise ValidationError(errors)
    amendment = model.objects.create(
        employer_id=record.employer_id,
        **{link: record},
        field=LATER_REFLECTION,
        new_value=text,
        amended_by=actor.user,
    )
    audit_record(actor=actor, obj=record, action=action, changes={"amendment": amendment.pk})
    return amendment


def _observer_shown(observer, observer_name: str) -> str:
    if observer is not None:
        return observer.full_name or observer.email
    return f"{observer_name} (not a user of this service)" if observer_name else ""


# --- Observations --------------------------------------------------------------------------------------


@transaction.atomic
def observation_amend(
    *,
    actor: Actor,
    observation: Observation,
    version: int,
    reason: str,
    today: datetime.date | None = None,
    **changes,
) -> Observation:
    """Amend what the assessment of a complete observation relied on, giving the reason. ``changes`` are
    any of ``OBSERVATION_FIELDS`` (``observer`` a user id, or None with ``observer_name``; ``statements``
    statement ids). Each changed field is kept with its old and new value; a stale ``version``: Conflict."""
    registration = observation.portfolio.registration
    actor.require(Role.ASSESSOR, Role.COORDINATOR, employer=observation.employer_id)
    refuse_unless(
        can_amend(actor, registration),
        "Only the NQSW's assessor or the co-ordinator amends a complete observation.",
    )
    refuse_unless(
        set(changes) - {"observer_name"} <= set(OBSERVATION_FIELDS),
        "Only what the assessment relied on is amended: the NQSW's preparation and reflection are kept.",
    )
    portfolio, current = assessed_locked(
        Observation.objects.select_related("observer"),
        observation,
        registration,
        assessed=COMPLETE,
        not_yet="This observation is not complete yet: change it on its change page, without an amendment.",
    )
    if current.version != version:
        raise Conflict(OBSERVATION_AMEND_STALE)
    today = today or clock.today()
    errors: dict[str, list[str]] = {}
    values: dict = {}
    values.update(
        check_when_where_who(errors, changes, registration, current_id=current.observer_id, complete_on=today)
    )
    for name in ("observer_assessment", "person_feedback"):
        if name in changes:
            values[name] = checked_text(
                errors, name, changes[name], max_length=MAX_OBSERVATION_TEXT, what=OBSERVATION_TEXTS[name]
            )
    if "observer_assessment" in values and not values["observer_assessment"]:
        errors.setdefault(
            "observer_assessment", ["Enter the observer's assessment: a complete observation keeps one"]
        )
    statements = None
    if "statements" in changes:
        ids = check_statements(errors, portfolio, changes["statements"])
        statements = [s for s in portfolio_statements(portfolio) if s.pk in set(ids)]
    reason = reason_checked(errors, reason)
    if errors:
        raise ValidationError(errors)

    old_statements = tagged(current)
    before: dict[str, tuple] = {
        "observed_on": (current.observed_on, date_shown(current.observed_on)),
        "setting": (current.setting, current.setting),
        "observer": (
            (current.observer_id, current.observer_name),
            _observer_shown(current.observer, current.observer_name),
        ),
        "statements": (sorted(s.pk for s in old_statements), labels_of(old_statements)),
        "observer_assessment": (current.observer_assessment, current.observer_assessment),
        "person_feedback": (current.person_feedback, current.person_feedback),
    }
    after: dict[str, tuple] = {}
    if "observed_on" in values:
        after["observed_on"] = (values["observed_on"], date_shown(values["observed_on"]))
    if "setting" in values:
        after["setting"] = (values["setting"], values["setting"])
    if "observer_id" in values:
        new_observer = User.objects.get(pk=values["observer_id"]) if values["observer_id"] else None
        after["observer"] = (
            (values["observer_id"], values["observer_name"]),
            _observer_shown(new_observer, values["observer_name"]),
        )
    if statements is not None:
        after["statements"] = (sorted(s.pk for s in statements), labels_of(statements))
    for name in ("observer_assessment", "person_feedback"):
        if name in values:
            after[name] = (values[name], values[name])
    changed = [name for name in OBSERVATION_FIELDS if name in after and after[name][0] != before[name][0]]
    if not changed:
        raise ValidationError(NOTHING_CHANGED)

    fields = {}
    for name in changed:
        if name == "observer":
            fields.update(observer_id=values["observer_id"], observer_name=values["observer_name"])
        elif name != "statements":
            fields[name] = values[name]
    current = versioned_update(current, version, OBSERVATION_AMEND_STALE, **fields)
    if "statements" in changed:
        set_observation_tags(current, after["statements"][0])
    if "observed_on" in changed:
        progress_refresh(registration=registration)  # the timeline shows the observation done on its date
    amendments_keep(
        ObservationAmendment,
        "observation",
        current,
        changed,
        before,
        after,
        reason=reason,
        actor=actor,
        action="observation.amended",
    )
    return current


@transaction.atomic
def observation_reflection_add(*, actor: Actor, observation: Observation, text: str) -> ObservationAmendment:
    """The NQSW adds a later reflection to their complete observation; the one that was assessed stays."""
    registration = observation.portfolio.registration
    actor.require(Role.NQSW, employer=observation.employer_id)
    refuse_unless(
        is_owner(actor, registration), "Only the NQSW adds a later reflection to their observation."
    )
    _portfolio, current = assessed_locked(
        Observation.objects,
        observation,
        registration,
        assessed=COMPLETE,
        not_yet="This observation is not complete yet: write your reflection on its change page.",
    )
    return later_reflection_keep(
        ObservationAmendment,
        "observation",
        current,
        actor=actor,
        text=text,
        max_length=MAX_OBSERVATION_TEXT,
        action="observation.reflection_added",
    )
