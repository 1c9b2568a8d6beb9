"""Writes about people: invitations, memberships, the employer a person acts for."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import EMPLOYER_ROLES, NATIONAL_ROLES, Invitation, Membership, Role, User
from asye.audit.services import audit_record
from asye.tenancy.db import apply_settings, tenant_settings


def invitation_secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    secret: str


def _can_invite(actor: Actor, role: str) -> bool:
    if role in EMPLOYER_ROLES:
        return actor.employer_id is not None and actor.has_role(Role.COORDINATOR)
    return role in NATIONAL_ROLES and actor.is_national_staff


@transaction.atomic
def invitation_create(
    *, actor: Actor, email: str, role: str, full_name: str = "", accept_url_builder=None
) -> IssuedInvitation:
    """Invite a person to a role at the actor's employer (or, for national staff, a national role).

    Earlier pending invitations of the same person to the same role are revoked. The email is sent
    after the transaction commits; the secret is in the link and never stored.
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
        audit_record(actor=actor, obj=earlier, action="invitation.superseded", employer_id=employer_id)
    superseded.update(revoked_at=now)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        employer_id=employer_id,
        email=email,
        full_name=full_name.strip(),
        role=role,
        token_hash=invitation_secret_hash(secret),
        invited_by=actor.user,
        expires_at=now + timedelta(days=settings.ASYE_INVITATION_DAYS),
    )
    audit_record(
        actor=actor,
        obj=invitation,
        action="invitation.created",
        employer_id=employer_id,
        changes={"email": email, "role": role},
    )
    if accept_url_builder is not None:
        accept_url = accept_url_builder(secret)
        transaction.on_commit(lambda: _invitation_send(invitation, accept_url))
    return IssuedInvitation(invitation=invitation, secret=secret)


def _invitation_send(invitation: Invitation, accept_url: str) -> None:
    context = {
        "invitation": invitation,
        "accept_url": accept_url,
        "employer_name": invitation.employer.name if invitation.employer_id else "Skills for Care",
        "role": invitation.get_role_display(),
        "days": settings.ASYE_INVITATION_DAYS,
        "service_name": settings.ASYE_SERVICE_NAME,
    }
    send_mail(
        subject=f"You have been invited to the {settings.ASYE_SERVICE_NAME} platform",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


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
    audit_record(actor=actor, obj=invitation, action="invitation.revoked", employer_id=invitation.employer_id)
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
