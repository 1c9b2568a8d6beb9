"""The audit trail in words (#18 item 7): each event as a sentence ("Priya Campbell submitted the grant
application") and each change as "Field: from … to …", with the model's field labels and choice labels.

The sentence's verb comes from one registry: the domain apps contribute theirs
(``settings.ASYE_CONTRIBUTIONS["audit_sentences"]``: ``<app>/audit_sentences.py``, ``SENTENCES =
{action: "approved the claim"}``), the cross-cutting apps' are below, and any other action is read from
itself and the model it names (``grant_application.updated`` on ``funding.grantapplication`` → "updated
the grant application"), so no event is ever shown as a bare code. The labels are read through the model
named by the event's ``object_type`` (``apps.get_model``), so ``asye/`` imports no domain app. The raw
event stays as it is, in the database and in the API.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst

from asye.audit.models import AuditEvent
from asye.contributions import contributions

# The cross-cutting apps' own actions, in words.
SENTENCES = {
    "national.read": "read records across employers",
    "national.searched": "searched across employers",
    "job.started": "started a background job",
    "invitation.created": "invited a person",
    "invitation.accepted": "accepted an invitation",
    "invitation.revoked": "withdrew an invitation",
    "invitation.resent": "sent an invitation again",
    "invitation.emailed": "emailed an invitation",
    "invitation.email_failed": "could not email an invitation",
    "membership.ended": "ended a person's role",
    "employer.updated": "changed the employer's details",
    "api_token.created": "created an API token",
    "api_token.revoked": "revoked an API token",
}
NOTHING = "nothing"


@cache
def sentences() -> dict[str, str]:
    """Every action's words: the cross-cutting apps' and each contributing app's."""
    found = dict(SENTENCES)
    for module in contributions("audit_sentences"):
        found.update(module.SENTENCES)
    return found


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    single: bool = (
        False  # a value recorded on its own (an amount, a purpose), not a change from one to another
    )

    def __str__(self) -> str:
        return f"{self.label}: {self.new}" if self.single else f"{self.label}: from {self.old} to {self.new}"


@dataclass(frozen=True)
class ReadableEvent:
    event: AuditEvent
    who: str
    sentence: str
    changes: list[Change]


def _model(object_type: str) -> type[models.Model] | None:
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _words(code: str) -> str:
    return code.replace("_", " ").replace(".", " ").strip()


def _value(field, value: Any) -> str:
    """A recorded value as a person would say it: its choice's label, Yes or No, a date in words."""
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choices = dict(field.flatchoices) if field is not None and getattr(field, "choices", None) else {}
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str) and field is not None:
        try:
            if isinstance(field, models.DateTimeField):
                return f"{datetime.datetime.fromisoformat(value):%-d %B %Y %H:%M}"
            if isinstance(field, models.DateField):
                return f"{datetime.date.fromisoformat(value):%-d %B %Y}"
        except ValueError:
            pass
    if isinstance(value, list):
        return ", ".join(_value(field, item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{_words(str(k))}: {_value(None, v)}" for k, v in value.items())
    return str(value)


def _label(model, name: str) -> str:
    field = _field(model, name)
    if field is not None and getattr(field, "verbose_name", None):
        return capfirst(str(field.verbose_name))
    return capfirst(_words(name))


def readable_changes(event: AuditEvent) -> list[Change]:
    """Each recorded change of ``event`` with its field's label: "from … to …" for a pair of values."""
    model = _model(event.object_type)
    changes = []
    for name, recorded in (event.changes or {}).items():
        field = _field(model, name)
        if isinstance(recorded, list) and len(recorded) == 2:
            changes.append(
                Change(_label(model, name), _value(field, recorded[0]), _value(field, recorded[1]))
            )
        else:
            changes.append(Change(_label(model, name), "", _value(field, recorded), single=True))
    return changes


def action_words(event: AuditEvent) -> str:
    """What was done, in words ("approved the claim"), from the registry or the action and its model."""
    known = sentences().get(event.action)
    if known:
        return known
    model = _model(event.object_type)
    subject, _, verb = event.action.rpartition(".")
    noun = str(model._meta.verbose_name) if model is not None else _words(subject)
    return f"{_words(verb)} the {noun}" if noun else _words(verb)


def who(event: AuditEvent) -> str:
    user = event.actor_user
    if user is not None and getattr(user, "full_name", ""):
        return user.full_name
    return "The service" if event.actor_label == "system" else event.actor_label


def readable(event: AuditEvent) -> ReadableEvent:
    name = who(event)
    return ReadableEvent(
        event=event,
        who=name,
        sentence=f"{name} {action_words(event)}",
        changes=readable_changes(event),
    )


def kind_choices(object_types) -> list[tuple[str, str]]:
    """The kinds of record an audit trail can be filtered by: each object type as its model's name."""
    choices = []
    for object_type in object_types:
        model = _model(object_type)
        label = (
            capfirst(str(model._meta.verbose_name)) if model is not None else capfirst(_words(object_type))
        )
        choices.append((object_type, label))
    return sorted(choices, key=lambda choice: choice[1])
