"""Writes about people: invitations, memberships, the employer a person acts for."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import EMPLOYER_ROLES, NATIONAL_ROLES, Invitation, Membership, Role, User
from asye.accounts.welcome import membership_welcome_on_commit
from asye.audit.services import audit_record, audited_create
from asye.notifications.models import OutboxEmail
from asye.notifications.outbox import outbox_cancel, secret_link_email_queue
from asye.tenancy.db import apply_settings, tenant_settings

logger = logging.getLogger(__name__)

# Sending an invitation again: not more often than this, and not more times than this in all.
RESEND_INTERVAL = timedelta(minutes=1)
MAX_SENDS = 5
# The outbox's kind for an invitation's email (its outcome is recorded by ``invitation_email_outcome``).
INVITATION_EMAIL = "invitation"


def invitation_secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    secret: str
    # The outbox row of its email, sent once the transaction commits; None: not emailed.
    email_id: int | None = None


def _invitation_audit(invitation: Invitation, action: str, *, actor: Actor | None = None, **changes) -> None:
    """Audit ``action`` on ``invitation`` in its employer's trail (no employer's, for a national role):
    by ``actor``, or by the system when it is None."""
    audit_record(
        actor=actor, obj=invitation, action=action, employer_id=invitation.employer_id, changes=changes
    )


def _can_invite(actor: Actor, role: str) -> bool:
    if role in EMPLOYER_ROLES:
        return actor.employer_id is not None and actor.has_role(Role.COORDINATOR)
    return role in NATIONAL_ROLES and actor.is_national_staff


@transaction.atomic
def invitation_create(
    *, actor: Actor, email: str, role: str, full_name: str = "", accept_url_builder=None
) -> IssuedInvitation:
    """Invite a person to a role at the actor's employer (or, for national staff, a national role).

    Earlier pending invitations of the same person to the same role are revoked. With
    ``accept_url_builder`` the email is written to the outbox and sent once the transaction commits (see
    ``_invitation_email_queue``); what became of it is recorded on the invitation. The secret is in the
    link and never stored.
    """
    if role not in Role.values:
        raise ValidationError({"role": "Select a role"})
    if not _can_invite(actor, role):
        raise PermissionDenied("Your role does not allow you to invite people to this role.")
    email = email.strip().lower()
    employer_id = actor.employer_id if role in EMPLOYER_ROLES else None
    already = Membership.objects.active().filter(
        user__email__iexact=email, role=role, employer_id=employer_id
    )
    if already.exists():
        raise ValidationError({"email": "This person already has this role"})
    now = clock.now()
    superseded = Invitation.objects.filter(
        employer_id=employer_id,
        email__iexact=email,
        role=role,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    for earlier in superseded:
        _invitation_audit(earlier, "invitation.superseded", actor=actor)
    superseded.update(revoked_at=now)
    secret = secrets.token_urlsafe(32)
    invitation = audited_create(
        Invitation,
        actor=actor,
        action="invitation.created",
        audit=("email", "role"),
        employer_id=employer_id,
        email=email,
        full_name=full_name.strip(),
        role=role,
        token_hash=invitation_secret_hash(secret),
        invited_by=actor.user,
        expires_at=now + timedelta(days=settings.ASYE_INVITATION_DAYS),
    )
    email_id = None
    if accept_url_builder is not None:
        email_id = _invitation_email_queue(invitation=invitation, accept_url=accept_url_builder(secret))
    return IssuedInvitation(invitation=invitation, secret=secret, email_id=email_id)


def _invitation_email_queue(*, invitation: Invitation, accept_url: str) -> int:
    """Write the invitation's email to the outbox in the caller's transaction; it is sent after that
    commits, by the outbox's task (ids only: the link lives in the row, blanked once sent), tried again
    with backoff while the relay's failures are transient. The invitation says "Sending" until
    ``invitation_email_outcome`` records what happened (security finding #12.11: the co-ordinator sees a
    failure on the team page and can send it again). Returns the outbox row's id.

    One row per link: earlier rows still waiting carry a link that no longer works and are cancelled;
    the outbox sends each row at most once, however often its task runs."""
    context = {
        "invitation": invitation,
        "accept_url": accept_url,
        "employer_name": invitation.employer.name if invitation.employer_id else "Skills for Care",
        "role": invitation.get_role_display(),
        "days": settings.ASYE_INVITATION_DAYS,
        "service_name": settings.ASYE_SERVICE_NAME,
    }
    outbox_cancel(about=invitation, kind=INVITATION_EMAIL)
    email = secret_link_email_queue(
        to=invitation.email,
        about=invitation,
        subject=f"You have been invited to the {settings.ASYE_SERVICE_NAME} platform",
        template="accounts/email/invitation",
        context=context,
        kind=INVITATION_EMAIL,
    )
    invitation.send_attempts += 1
    invitation.last_send_at = clock.now()
    invitation.last_send_failed = False
    invitation.last_sent_at = None
    invitation.save(update_fields=["send_attempts", "last_send_at", "last_send_failed", "last_sent_at"])
    return email.pk


def invitation_email_outcome(email: OutboxEmail, *, sent: bool, final: bool) -> None:
    """Record what became of an invitation's email on the invitation and in the audit trail (the outbox's
    outcome hook for its kind, called in the transaction of each attempt, in the system's national
    context). An email superseded by a newer one (the invitation was sent again) changes nothing; a
    failure is recorded at its first attempt and when the outbox gives up, not at each retry."""
    if not email.about_id.isdigit():
        return
    invitation = Invitation.objects.select_for_update().filter(pk=int(email.about_id)).first()
    newer = OutboxEmail.objects.filter(
        kind=INVITATION_EMAIL, about_type=email.about_type, about_id=email.about_id, pk__gt=email.pk
    )
    if invitation is None or newer.exists():
        return
    if sent:
        invitation.last_send_failed = False
        invitation.last_sent_at = email.sent_at
        invitation.save(update_fields=["last_send_failed", "last_sent_at"])
        _invitation_audit(invitation, "invitation.emailed", attempt=invitation.send_attempts)
        return
    logger.warning("Invitation %s: the email could not be sent: %s", invitation.pk, email.last_error)
    first = not invitation.last_send_failed
    invitation.last_send_failed = True
    invitation.save(update_fields=["last_send_failed"])
    if first or final:
        _invitation_audit(
            invitation,
            "invitation.email_failed",
            attempt=invitation.send_attempts,
            error=email.last_error.split(":", 1)[0],
            trying_again=not final,
        )


@transaction.atomic
def invitation_resend(*, actor: Actor, invitation: Invitation, accept_url_builder) -> IssuedInvitation:
    """Send a pending invitation again, with a new link (the earlier link stops working) that is valid
    for the full number of days from now. At most once a minute and ``MAX_SENDS`` times in all."""
    if not _can_invite(actor, invitation.role) or invitation.employer_id != actor.employer_id:
        raise PermissionDenied("Your role does not allow you to send this invitation.")
    # One send at a time per invitation, so two clicks cannot both pass the limits below.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != "pending":
        raise ValidationError(
            "This invitation has been accepted, cancelled or has expired, so it cannot be sent again. "
            "Invite them again instead."
        )
    now = clock.now()
    if invitation.last_send_at and now - invitation.last_send_at < RESEND_INTERVAL:
        raise ValidationError(
            "This invitation was sent less than a minute ago. Wait a minute, then try again."
        )
    if invitation.send_attempts >= MAX_SENDS:
        raise ValidationError(
            f"This invitation has been sent {invitation.send_attempts} times. Check the email address: "
            "cancel this invitation and invite them again with the right one."
        )
    secret = secrets.token_urlsafe(32)
    invitation.token_hash = invitation_secret_hash(secret)
    invitation.expires_at = now + timedelta(days=settings.ASYE_INVITATION_DAYS)
    invitation.save(update_fields=["token_hash", "expires_at"])
    _invitation_audit(invitation, "invitation.resent", actor=actor, expires_at=invitation.expires_at)
    email_id = _invitation_email_queue(invitation=invitation, accept_url=accept_url_builder(secret))
    return IssuedInvitation(invitation=invitation, secret=secret, email_id=email_id)


def invitation_find(*, secret: str) -> Invitation | None:
    """The invitation whose link carries ``secret``, whatever its state; None if there is none."""
    apply_settings({"app.invitation_hash": invitation_secret_hash(secret)})
    try:
        return (
            Invitation.objects.select_related("employer", "invited_by")
            .filter(token_hash=invitation_secret_hash(secret))
            .first()
        )
    finally:
        apply_settings({"app.invitation_hash": None})


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation: Invitation) -> Invitation:
    if not _can_invite(actor, invitation.role) or invitation.employer_id != actor.employer_id:
        raise PermissionDenied("Your role does not allow you to revoke this invitation.")
    if invitation.accepted_at or invitation.revoked_at:
        return invitation
    invitation.revoked_at = clock.now()
    invitation.save(update_fields=["revoked_at"])
    _invitation_audit(invitation, "invitation.revoked", actor=actor)
    return invitation


@transaction.atomic
def invitation_accept(*, secret: str, user: User | None, full_name: str = "", password: str = "") -> User:
    """Accept an invitation: as the signed-in ``user`` (whose email must match), or by creating the
    account with ``full_name`` and ``password`` when nobody has that email yet."""
    invitation = invitation_find(secret=secret)
    if invitation is None or invitation.status != "pending":
        raise ValidationError("This invitation link is not valid. It may have expired or been used already.")
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError("An account with this email address already exists. Sign in to accept.")
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip() or invitation.full_name
        )
    elif user.email.lower() != invitation.email.lower():
        raise PermissionDenied("This invitation is for a different email address.")
    # The invitation itself grants the role: the rows it writes belong to its employer and this person.
    with tenant_settings(
        employer_id=invitation.employer_id, user_id=user.pk, national=invitation.employer_id is None
    ):
        membership, _ = Membership.objects.get_or_create(
            user=user, employer_id=invitation.employer_id, role=invitation.role, ended_at=None
        )
        invitation.accepted_at = clock.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        actor = Actor(user=user)
        audit_record(
            actor=actor,
            obj=membership,
            action="membership.created",
            employer_id=invitation.employer_id,
            changes={"role": invitation.role, "invitation": invitation.pk},
        )
    membership_welcome_on_commit(user_id=user.pk, employer_id=invitation.employer_id, role=invitation.role)
    return user


@transaction.atomic
def membership_end(*, actor: Actor, membership: Membership) -> Membership:
    """End a person's role at the actor's employer. The membership is kept as history."""
    actor.require(Role.COORDINATOR, employer=membership.employer_id)
    if membership.ended_at:
        return membership
    if membership.user_id == actor.user.pk and membership.role == Role.COORDINATOR:
        others = Membership.objects.active().filter(employer_id=membership.employer_id, role=Role.COORDINATOR)
        if not others.exclude(pk=membership.pk).exists():
            raise ValidationError("You are the only co-ordinator. Invite another before you step down.")
    membership.ended_at = clock.now()
    membership.save(update_fields=["ended_at"])
    audit_record(actor=actor, obj=membership, action="membership.ended", changes={"role": membership.role})
    return membership
