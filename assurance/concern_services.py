"""Writes of the confidential route (the seed's "NQSW protocol"): an NQSW tells the national team about
difficulties on their programme; national staff record what they did and its status, choose what the
NQSW sees, and may raise the matter with the employer in words they choose. Every change is audited with
no employer, so nothing appears in the employer's audit trail."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from assurance.models import ConcernAction, ConcernStatus, ConcernTopic, ConfidentialConcern, RaisedConcern
from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role, User
from asye.audit.services import audit_record
from asye.notifications.services import notify
from asye.records import versioned_update
from asye.tenancy.db import system_national_context


def _national_staff() -> list[User]:
    ids = (
        Membership.objects.active().filter(employer__isnull=True, role=Role.NATIONAL_STAFF).values("user_id")
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("pk"))


@transaction.atomic
def concern_submit(*, actor: Actor, topic: str, details: str, may_contact: bool) -> ConfidentialConcern:
    """The NQSW's concern, about the employer they act for now; the national team's inboxes are told
    (without the details: the notification only says one has arrived)."""
    actor.require(Role.NQSW)
    if topic not in ConcernTopic.values:
        raise ValidationError({"topic": "Select what it is about"})
    if not details.strip():
        raise ValidationError({"details": "Enter what is happening"})
    now = clock.now()
    concern = ConfidentialConcern.objects.create(
        nqsw=actor.user,
        programme_employer_id=actor.employer_id,
        topic=topic,
        details=details.strip(),
        may_contact=may_contact,
        created_at=now,
        updated_at=now,
    )
    audit_record(actor=actor, action="confidential_concern.submitted", obj=concern, employer_id=None)
    link = reverse("national_assurance:concern", kwargs={"pk": concern.pk})
    with system_national_context():
        for person in _national_staff():
            notify(
                person=person,
                employer_id=None,
                kind="assurance.concern_received",
                message=f"An NQSW has told the national team about a difficulty ({concern.short_reference})",
                link=link,
            )
    return concern


@transaction.atomic
def concern_action_record(
    *,
    actor: Actor,
    concern: ConfidentialConcern,
    version: int,
    taken_on: datetime.date,
    description: str,
    shared_with_nqsw: bool,
    status: str,
) -> ConfidentialConcern:
    """Record what national staff did and the concern's status; the NQSW is told when the status changes
    or an action is shared with them. Runs in the national scope (the page's)."""
    actor.require(Role.NATIONAL_STAFF)
    if status not in ConcernStatus.values:
        raise ValidationError({"status": "Select the status"})
    if taken_on > clock.today():
        raise ValidationError({"taken_on": "The date of the action must be today or in the past"})
    before = concern.status
    concern = versioned_update(
        concern,
        version,
        "Someone else recorded an action on this concern. Check it and try again.",
        status=status,
    )
    ConcernAction.objects.create(
        concern=concern,
        nqsw_id=concern.nqsw_id,
        taken_on=taken_on,
        description=description.strip(),
        shared_with_nqsw=shared_with_nqsw,
        recorded_by=actor.user,
        recorded_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="confidential_concern.action_recorded",
        obj=concern,
        employer_id=None,
        changes={"status": [before, status], "shared_with_nqsw": [None, shared_with_nqsw]},
    )
    if before != status or shared_with_nqsw:
        label = ConcernStatus(status).label.lower()
        notify(
            person=User.objects.get(pk=concern.nqsw_id),
            employer_id=concern.programme_employer_id,
            kind="assurance.concern_updated",
            message=f"The national team has updated what you told them in confidence: {label}",
            link=reverse("assurance:concern", kwargs={"pk": concern.pk}),
        )
    return concern


@transaction.atomic
def concern_raise_with_employer(
    *,
    actor: Actor,
    concern: ConfidentialConcern,
    version: int,
    raised_with: str,
    summary: str,
    raised_on: datetime.date,
) -> RaisedConcern:
    """Raise a concern with its employer: the employer gets a record with only ``summary`` (written by
    national staff for them), its co-ordinators a notification; the concern's status becomes "raised"."""
    actor.require(Role.NATIONAL_STAFF)
    if raised_on > clock.today():
        raise ValidationError({"raised_on": "The date must be today or in the past"})
    if not summary.strip():
        raise ValidationError({"summary": "Enter what you are sharing with the employer"})
    concern_action_record(
        actor=actor,
        concern=concern,
        version=version,
        taken_on=raised_on,
        description=f"Raised with {raised_with.strip()} at the employer.",
        shared_with_nqsw=True,
        status=ConcernStatus.RAISED,
    )
    raised = RaisedConcern.objects.create(
        employer_id=concern.programme_employer_id,
        summary=summary.strip(),
        raised_with=raised_with.strip(),
        raised_on=raised_on,
        raised_by=actor.user,
        created_at=clock.now(),
    )
    audit_record(actor=actor, action="raised_concern.created", obj=raised)
    from asye.notifications.reminders import people_with_role

    for person in people_with_role(concern.programme_employer_id, Role.COORDINATOR):
        notify(
            person=person,
            employer_id=concern.programme_employer_id,
            kind="assurance.concern_raised",
            message="The national ASYE team has raised a matter with you about your programme",
            link=reverse("assurance:raised", kwargs={"pk": raised.pk}),
        )
    return raised


@transaction.atomic
def raised_concern_acknowledge(*, actor: Actor, raised: RaisedConcern, response: str) -> RaisedConcern:
    """The co-ordinator acknowledges what the national team raised, with what the employer is doing."""
    actor.require(Role.COORDINATOR, employer=raised.employer_id)
    if raised.acknowledged_at:
        raise ValidationError("This has already been acknowledged")
    if not response.strip():
        raise ValidationError({"response": "Enter what your organisation is doing about it"})
    RaisedConcern.objects.filter(pk=raised.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=clock.now(), acknowledged_by=actor.user, response=response.strip()
    )
    audit_record(
        actor=actor, action="raised_concern.acknowledged", obj=raised, changes={"response": [None, "given"]}
    )
    raised.refresh_from_db()
    return raised
