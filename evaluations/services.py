"""Writes of the 360 evaluation by the employer's co-ordinator: opening and closing the year's cycle, the
self-assessment, and inviting respondents by single-use links emailed through the outbox.

Each runs in one transaction, checks the role, saves and writes an audit event. The link's secret is
made here, put only in the outbox email (``contains_secret``: blanked once sent) and never stored: the
invitation keeps its SHA-256.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, audited_create
from asye.errors import Conflict
from asye.notifications.outbox import secret_link_email_queue
from asye.records import versioned_update
from evaluations import selectors
from evaluations.models import (
    INVITED_TYPES,
    EvaluationCycle,
    EvaluationInvitation,
    EvaluationRating,
    EvaluationResponse,
    RespondentType,
    year_label,
)

INVITATION_EMAIL = "evaluation_invitation"
# The longest a cycle may stay open, and the most addresses one form may invite.
MAX_CYCLE_DAYS = 366
MAX_INVITES_AT_ONCE = 200
DONT_KNOW = "dont_know"
STALE = "Someone else changed this evaluation since you opened the page. Check it and save again."


def invitation_email_queue(invitation: EvaluationInvitation, *, template: str, subject: str, context: dict):
    """Queue the email of an invitation (or its reminder) to the invited address: the body carries the
    single-use link, so the outbox keeps it as a secret."""
    secret_link_email_queue(
        to=invitation.email,
        about=invitation,
        subject=subject,
        template=template,
        context=context,
        kind=INVITATION_EMAIL,
    )


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- Cycles ------------------------------------------------------------------------------------------


@transaction.atomic
def cycle_open(*, actor: Actor, closes_on: datetime.date) -> EvaluationCycle:
    """Open this year's cycle for the actor's employer (one a year), closing on ``closes_on``."""
    actor.require(Role.COORDINATOR)
    today = clock.today()
    year = selectors.evaluation_year(today)
    framework = selectors.framework_for_year(year)
    if framework is None:
        raise ValidationError("There are no evaluation statements for this year. Contact the national team.")
    if selectors.cycle_list(actor=actor).filter(year=year).exists():
        raise ValidationError(f"You have already opened the 360 evaluation for {year_label(year)}.")
    if closes_on <= today:
        raise ValidationError({"closes_on": ["The closing date must be in the future"]})
    if (closes_on - today).days > MAX_CYCLE_DAYS:
        raise ValidationError({"closes_on": ["The closing date must be within a year of today"]})
    return audited_create(
        EvaluationCycle,
        actor=actor,
        action="evaluation_cycle.opened",
        changes={"closes_on": [None, str(closes_on)]},
        employer_id=actor.employer_id,
        year=year,
        framework=framework,
        opened_on=today,
        closes_on=closes_on,
        created_by=actor.user,
    )


@transaction.atomic
def cycle_close(*, actor: Actor, cycle: EvaluationCycle, version: int) -> EvaluationCycle:
    """Close an open cycle today: no more answers; the report becomes available."""
    actor.require(Role.COORDINATOR, employer=cycle.employer_id)
    if not selectors.cycle_is_open(cycle):
        raise ValidationError("This evaluation is already closed.")
    cycle = versioned_update(cycle, version, STALE, closed_on=clock.today())
    audit_record(actor=actor, obj=cycle, action="evaluation_cycle.closed")
    return cycle


def _require_open(cycle: EvaluationCycle) -> None:
    if not selectors.cycle_is_open(cycle):
        raise ValidationError("This evaluation has closed: nothing more can be added to it.")


# --- The self-assessment -----------------------------------------------------------------------------


def rating_of(value: str) -> int | None:
    """The rating an answer gives: "1".."5" as a number, "dont_know" as none."""
    return None if value == DONT_KNOW else int(value)


@transaction.atomic
def self_assessment_save(
    *, actor: Actor, cycle: EvaluationCycle, answers: dict[int, str], version: int | None
) -> EvaluationResponse:
    """Save the co-ordinator's answers to some statements (one theme's page): ``answers`` maps statement
    numbers to "1".."5" or "dont_know". The self-assessment is complete once every statement has one."""
    actor.require(Role.COORDINATOR, employer=cycle.employer_id)
    _require_open(cycle)
    statements = selectors.statements_by_number(cycle.framework_id)
    if not answers or set(answers) - set(statements):
        raise ValidationError("Answer the statements on this page.")
    response = selectors.self_assessment_get(cycle)
    if response is None:
        response = EvaluationResponse.objects.create(
            employer_id=cycle.employer_id, cycle=cycle, respondent_type=RespondentType.SELF
        )
    else:
        expected = response.version if version is None else version
        moved = EvaluationResponse.objects.filter(pk=response.pk, version=expected).update(
            version=F("version") + 1
        )
        if not moved:
            raise Conflict(STALE)
    for number, value in answers.items():
        EvaluationRating.objects.update_or_create(
            employer_id=cycle.employer_id,
            response=response,
            statement=statements[number],
            defaults={"rating": rating_of(value)},
        )
    complete = response.ratings.count() >= len(statements)
    if complete and response.submitted_on is None:
        EvaluationResponse.objects.filter(pk=response.pk).update(submitted_on=clock.today())
    audit_record(
        actor=actor,
        obj=cycle,
        action="evaluation_self_assessment.saved",
        changes={"statements": [None, sorted(answers)], "complete": [None, complete]},
    )
    response.refresh_from_db()
    return response


# --- Invitations -------------------------------------------------------------------------------------


def parse_addresses(text: str) -> list[str]:
    """Email addresses from a box (one a line, or separated by commas or spaces), lower case, each once.
    Raises ValidationError naming the first that is not an address."""
    found: list[str] = []
    for raw in text.replace(",", " ").replace(";", " ").split():
        address = raw.strip().lower()
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                {"emails": [f"“{raw[:60]}” is not an email address. Enter one address a line"]}
            ) from None
        if address not in found:
            found.append(address)
    return found


@transaction.atomic
def invitations_send(
    *,
    actor: Actor,
    cycle: EvaluationCycle,
    people: list[tuple[str, int]],
    emails: list[str],
    email_type: str,
    link_builder,
) -> int:
    """Invite people to answer: ``people`` picked on the platform, as (respondent type, user id) pairs
    (their sign-in address is used), and other ``emails`` as ``email_type``. Each gets a single-use link
    by email. An address already invited to this cycle is skipped. Returns how many were invited now."""
    actor.require(Role.COORDINATOR, employer=cycle.employer_id)
    _require_open(cycle)
    types = dict(INVITED_TYPES)
    if emails and email_type not in types:
        raise ValidationError({"email_type": ["Select who the people you entered are"]})
    recipients: dict[str, tuple[str, object]] = {}
    for kind, pk in people:
        known = {p.pk: p for p in selectors.platform_people(actor=actor, respondent_type=kind)}
        if pk not in known:
            raise ValidationError({"people": ["Select people from the list"]})
        recipients.setdefault(known[pk].email.lower(), (kind, known[pk]))
    for address in emails:
        recipients.setdefault(address, (email_type, None))
    if not recipients:
        raise ValidationError({"people": ["Select someone to invite or enter an email address"]})
    if len(recipients) > MAX_INVITES_AT_ONCE:
        raise ValidationError({"emails": [f"Invite at most {MAX_INVITES_AT_ONCE} people at a time"]})
    already = set(
        EvaluationInvitation.objects.filter(employer_id=cycle.employer_id, cycle=cycle).values_list(
            "email", flat=True
        )
    )
    sent = 0
    employer_name = actor.employer.name
    for address, (respondent_type, person) in recipients.items():
        if address in already:
            continue
        secret = secrets.token_urlsafe(32)
        invitation = EvaluationInvitation.objects.create(
            employer_id=cycle.employer_id,
            cycle=cycle,
            respondent_type=respondent_type,
            email=address,
            person=person,
            token_hash=secret_hash(secret),
            invited_on=clock.today(),
            created_by=actor.user,
        )
        context = {
            "employer_name": employer_name,
            "link": link_builder(secret),
            "closes_on": cycle.closes_on,
            "respondent_label": types[respondent_type],
        }
        invitation_email_queue(
            invitation,
            template="evaluations/email/invitation",
            subject=f"{employer_name} asks for your view of its ASYE programme",
            context=context,
        )
        sent += 1
    audit_record(
        actor=actor,
        obj=cycle,
        action="evaluation_invitations.sent",
        changes={"invited": [None, sent]},
    )
    return sent
