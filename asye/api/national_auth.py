"""Authenticating a national API token (``asyenat_…``): the national staff member it belongs to, acting
for no employer, so that it can call only the national endpoints (``asye.api.national``), which read in
the audited national scope. ``asye.api.authentication`` hands a national secret here."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from rest_framework.exceptions import AuthenticationFailed

from asye import clock
from asye.accounts.actor import build_actor
from asye.api.models import NationalApiToken
from asye.tenancy.db import apply_settings, set_request_tenant

INVALID = "The token is not valid, has expired or has been revoked."


def national_token_authenticate(
    request,
    *,
    digest: str,
    hash_set: bool,
    refuse: Callable[[str], AuthenticationFailed],
    last_used_resolution: int,
):
    """``(user, token)`` for a valid national token, with ``request.actor`` the national staff member
    acting for no employer; ``refuse(message)`` (a counted failure) for an unknown, revoked or expired
    one. ``hash_set``: the middleware has already put ``digest`` in ``app.token_hash``, which lets the
    look-up see this token's row and no other."""
    if not hash_set:
        apply_settings({"app.token_hash": digest})
    tokens = NationalApiToken.objects.select_related("created_by").filter(key_hash=digest).order_by()
    token = next(iter(tokens[:1]), None)
    now = clock.now()
    if token is None or token.revoked_at or token.expires_at <= now or not token.created_by.is_active:
        raise refuse(INVALID)
    if not token.last_used_at or (now - token.last_used_at).total_seconds() > last_used_resolution:
        # Before the context changes: app.token_hash is what lets this request write the row.
        NationalApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.created_by
    set_request_tenant(employer_id=None, user_id=user.pk)
    actor = build_actor(user, employer_id=None, api_token_id=token.pk)
    if not actor.is_national_staff:
        raise AuthenticationFailed("The person who created this token is no longer national staff.")
    # build_actor picks a person's only employer for them; a national token acts for none, ever.
    request._request.actor = dataclasses.replace(actor, employer=None, roles=frozenset())
    return (user, token)
