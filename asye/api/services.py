"""Creating and revoking API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.api.models import ApiToken, IdempotencyRecord
from asye.api.tokens import token_generate, token_hash
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


# How long a POST with an Idempotency-Key is replayed rather than repeated.
IDEMPOTENCY_WINDOW = timedelta(hours=24)


def idempotency_records_purge(*, now=None) -> int:
    """Delete idempotency records older than the window; returns how many went. Needs national scope."""
    cutoff = (now or clock.now()) - IDEMPOTENCY_WINDOW
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
