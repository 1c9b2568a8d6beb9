"""Bearer-token authentication that derives the tenant from the token."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from asye import clock
from asye.accounts.actor import build_actor
from asye.accounts.models import Role
from asye.api.models import ApiToken
from asye.api.throttling import BadTokenThrottle
from asye.api.tokens import token_hash
from asye.tenancy.db import apply_settings, set_request_tenant

# Writing last_used_at on every call would make every read a write; once a minute is enough.
LAST_USED_RESOLUTION_SECONDS = 60


class ApiTokenAuthentication(BaseAuthentication):
    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        throttle = BadTokenThrottle()
        throttle.check(request)  # an address that keeps guessing gets 429 before any look-up

        def refuse(message: str) -> AuthenticationFailed:
            throttle.failed(request)
            return AuthenticationFailed(message)

        if len(parts) != 2:
            raise refuse("The Authorization header must be 'Bearer <token>'.")
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise refuse("The token is not valid.") from exc
        digest = token_hash(secret)
        # The token row is readable only by whoever presents its secret (see the api migration).
        apply_settings({"app.token_hash": digest})
        token = ApiToken.objects.select_related("created_by").filter(key_hash=digest).first()
        # No separate reset of app.token_hash: set_request_tenant() below replaces the whole context, and
        # a refused token ends the request with a 401, whose transaction (and setting) is rolled back.
        now = clock.now()
        if token is None or token.revoked_at or (token.expires_at and token.expires_at <= now):
            raise refuse("The token is not valid, has expired or has been revoked.")
        user = token.created_by
        if not user.is_active:
            raise refuse("The token is not valid, has expired or has been revoked.")
        set_request_tenant(employer_id=None, user_id=user.pk)
        actor = build_actor(user, employer_id=token.employer_id, api_token_id=token.pk)
        if actor.employer_id != token.employer_id or not actor.has_role(Role.COORDINATOR):
            raise AuthenticationFailed("The person who created this token is no longer a co-ordinator here.")
        apply_settings({"app.employer_id": token.employer_id})
        if (
            not token.last_used_at
            or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        request._request.actor = actor
        return (user, token)

    def authenticate_header(self, request):
        return 'Bearer realm="asye"'
