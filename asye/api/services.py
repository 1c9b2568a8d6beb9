"""Creating and revoking API tokens: an employer's (its co-ordinators') and national staff's own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.api.models import ApiToken, IdempotencyRecord, NationalApiToken
from asye.api.tokens import NATIONAL_TOKEN_PREFIX, token_generate, token_hash
from asye.audit.services import audit_record


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


@transaction.atomic
def api_token_create(*, actor: Actor, name: str) -> IssuedToken:
    """A new token for the actor's employer. The secret is returned once and never stored."""
    actor.require(Role.COORDINATOR)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter a name for the token"})
    if ApiToken.objects.visible_to(actor).filter(name__iexact=name, revoked_at__isnull=True).exists():
        raise ValidationError({"name": "You already have a token with this name"})
    secret = token_generate()
    token = ApiToken.objects.create(
        employer_id=actor.employer_id,
        name=name[:100],
        prefix=secret[:12],
        key_hash=token_hash(secret),
        created_by=actor.user,
    )
    audit_record(actor=actor, obj=token, action="api_token.created", changes={"name": token.name})
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke a token of the actor's employer. Revoking twice is harmless."""
    actor.require(Role.COORDINATOR, employer=token.employer_id)
    if token.revoked_at:
        return token
    token.revoked_at = clock.now()
    token.revoked_by = actor.user
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=actor, obj=token, action="api_token.revoked")
    return token


# How long a national token may last, in days: national access across employers is time-limited.
NATIONAL_TOKEN_LIFETIMES = (7, 30, 90)


@transaction.atomic
def national_api_token_create(*, actor: Actor, name: str, days: int) -> IssuedToken:
    """A new national token for the actor themself, expiring after ``days`` (one of
    ``NATIONAL_TOKEN_LIFETIMES``). Inside the national scope (the token pages). The secret is returned
    once and never stored."""
    actor.require(Role.NATIONAL_STAFF)
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the token"
    elif NationalApiToken.objects.filter(
        created_by=actor.user, name__iexact=name, revoked_at__isnull=True
    ).exists():
        errors["name"] = "You already have a token with this name"
    if days not in NATIONAL_TOKEN_LIFETIMES:
        errors["days"] = "Choose how long the token lasts"
    if errors:
        raise ValidationError(errors)
    secret = token_generate(NATIONAL_TOKEN_PREFIX)
    token = NationalApiToken.objects.create(
        name=name[:100],
        prefix=secret[:15],
        key_hash=token_hash(secret),
        created_by=actor.user,
        expires_at=clock.now() + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        obj=token,
        action="national_api_token.created",
        employer_id=None,
        changes={"name": token.name, "expires_at": token.expires_at.isoformat()},
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def national_api_token_revoke(*, actor: Actor, token: NationalApiToken) -> NationalApiToken:
    """Revoke one of the actor's own national tokens. Revoking twice is harmless."""
    actor.require(Role.NATIONAL_STAFF)
    if token.created_by_id != actor.user.pk:
        # Callers fetch through national_api_token_get, which finds only the actor's own.
        raise PermissionDenied("Not your token.")
    if token.revoked_at:
        return token
    token.revoked_at = clock.now()
    token.revoked_by = actor.user
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=actor, obj=token, action="national_api_token.revoked", employer_id=None)
    return token


# How long a POST with an Idempotency-Key is replayed rather than repeated.
IDEMPOTENCY_WINDOW = timedelta(hours=24)


def idempotency_records_purge(*, now=None) -> int:
    """Delete idempotency records older than the window; returns how many went. Needs national scope."""
    cutoff = (now or clock.now()) - IDEMPOTENCY_WINDOW
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
