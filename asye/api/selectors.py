from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from asye.accounts.actor import Actor, roles_held_at
from asye.accounts.models import Role
from asye.api.models import ApiToken
from asye.prepared import PreparedRead
from asye.tenancy.db import settings_from_row


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    actor.require(Role.COORDINATOR)
    return ApiToken.objects.visible_to(actor).select_related("created_by", "revoked_by")


def api_token_get(*, actor: Actor, pk: int) -> ApiToken:
    """The token if it is the actor's employer's; 404 whether missing or another employer's."""
    return get_object_or_404(api_token_list(actor=actor), pk=pk)


def _token_by_hash(switched: bool, *, key_hash: str) -> QuerySet[ApiToken]:
    """The token with this hash, its creator, its employer and the creator's roles there now
    (``_creator_roles``, see ``roles_held_at``): all an API call's authentication needs, in one statement.
    ``switched``: the read also switches the request's tenant settings to the token's employer and creator
    (``settings_from_row``), in the same statement."""
    tokens = (
        ApiToken.objects.select_related("created_by", "employer")
        .filter(key_hash=key_hash)
        .annotate(_creator_roles=roles_held_at(user="created_by_id", employer="employer_id"))
    )
    if switched:
        tokens = tokens.annotate(**settings_from_row(employer_id="employer_id", user_id="created_by_id"))
    # key_hash is unique: no ORDER BY.
    return tokens.order_by()[:1]


TOKEN_BY_HASH = PreparedRead(_token_by_hash)


def api_token_by_hash(*, key_hash: str, switched: bool) -> ApiToken | None:
    """The token whose secret hashes to ``key_hash``, with its creator, its employer and the creator's roles
    there (``_creator_roles``), or None; its row is readable only by whoever presents the secret (row-level
    security), and so are those roles. Compiled once (``asye.prepared``): every API call
    makes this read."""
    found = TOKEN_BY_HASH.fetch(switched, key_hash=key_hash)
    return found[0] if found else None
