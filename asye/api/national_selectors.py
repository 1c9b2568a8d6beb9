"""Reads of national staff's own API tokens, inside the audited national scope (their token pages)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.api.models import NationalApiToken


def national_api_token_list(*, actor: Actor) -> QuerySet[NationalApiToken]:
    """The actor's own national tokens, newest first: nobody sees another person's."""
    actor.require(Role.NATIONAL_STAFF)
    return NationalApiToken.objects.filter(created_by=actor.user).select_related("revoked_by")


def national_api_token_get(*, actor: Actor, pk: int) -> NationalApiToken:
    """One of the actor's own national tokens; 404 whether missing or someone else's."""
    return get_object_or_404(national_api_token_list(actor=actor), pk=pk)
