from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.api.models import ApiToken


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    actor.require(Role.COORDINATOR)
    return ApiToken.objects.visible_to(actor).select_related("created_by", "revoked_by")


def api_token_get(*, actor: Actor, pk: int) -> ApiToken:
    """The token if it is the actor's employer's; 404 whether missing or another employer's."""
    return get_object_or_404(api_token_list(actor=actor), pk=pk)
