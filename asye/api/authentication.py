"""Bearer-token authentication that derives the tenant from the token."""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from asye import clock
from asye.accounts.actor import token_actor
from asye.accounts.models import Role
from asye.api.models import ApiToken
from asye.api.national_auth import national_token_authenticate
from asye.api.selectors import api_token_by_hash
from asye.api.throttling import BadTokenThrottle
from asye.api.tokens import is_national_secret, token_hash
from asye.tenancy.db import apply_settings, set_request_tenant

# Writing last_used_at on every call would make every read a write; once a minute is enough.
LAST_USED_RESOLUTION_SECONDS = 60
KEYWORDS = (b"bearer", b"token")
# The request attribute where TenantMiddleware leaves the hash it put in ``app.token_hash``.
PRESENTED_TOKEN_HASH = "asye_presented_token_hash"  # noqa: S105  (an attribute name, not a secret)


def presented_token_hash(request) -> str | None:
    """The hash of the API token in the ``Authorization`` header, if one is there, well formed or not
    (a malformed one finds no row); None without one. Looks nothing up."""
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].lower() not in KEYWORDS:
        return None
    try:
        return token_hash(parts[1].decode("ascii"))
    except UnicodeDecodeError:
        return None


class ApiTokenAuthentication(BaseAuthentication):
    keywords = KEYWORDS

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        throttle = BadTokenThrottle()

        def refuse(message: str) -> AuthenticationFailed:
            throttle.failed(request)
            return AuthenticationFailed(message)

        try:
            secret = parts[1].decode("ascii") if len(parts) == 2 else None
        except UnicodeDecodeError:
            secret = None
        national = secret is not None and is_national_secret(secret)
        digest = token_hash(secret) if secret is not None else None
        # An address that keeps guessing gets 429 before any look-up. An employer token's call is counted
        # against its own rate limit in the same round trip to the cache (ClientRateThrottle reads it).
        throttle.check(request, key_hash=None if national else digest)
        if len(parts) != 2:
            raise refuse("The Authorization header must be 'Bearer <token>'.")
        if secret is None:
            raise refuse("The token is not valid.")
        if national:  # national staff's own token: asye.api.national_auth
            return national_token_authenticate(
                request,
                digest=digest,
                hash_set=getattr(request._request, PRESENTED_TOKEN_HASH, None) == digest,
                refuse=refuse,
                last_used_resolution=LAST_USED_RESOLUTION_SECONDS,
            )
        # The token row is readable only by whoever presents its secret (see the api migration).
        # TenantMiddleware has usually set app.token_hash already, with the rest of the context (no
        # employer, not national, the tenant role): then the look-up itself switches to the token's
        # employer and creator as it reads the row, so the tenant settings cost this request one round
        # trip (the middleware's) rather than two. The employer is set before the checks below (and before
        # the roles have shown the creator is still a co-ordinator there): a refusal ends the request
        # with a 401, whose transaction (and settings) is rolled back. app.token_hash stays set then: it
        # opens only this token's own row and its creator's memberships at its employer.
        switched = getattr(request._request, PRESENTED_TOKEN_HASH, None) == digest
        if not switched:
            apply_settings({"app.token_hash": digest})
        token = api_token_by_hash(key_hash=digest, switched=switched)
        now = clock.now()
        if token is None or token.revoked_at or (token.expires_at and token.expires_at <= now):
            raise refuse("The token is not valid, has expired or has been revoked.")
        user = token.created_by
        if not user.is_active:
            raise refuse("The token is not valid, has expired or has been revoked.")
        if not switched:
            # The token's tenant in one round trip, replacing the whole context (app.token_hash included).
            set_request_tenant(employer_id=token.employer_id, user_id=user.pk)
        # The creator's roles at the token's employer came with the token's row (no read of their own).
        actor = token_actor(user, employer=token.employer, roles=token._creator_roles, api_token_id=token.pk)
        if not actor.has_role(Role.COORDINATOR):
            raise AuthenticationFailed("The person who created this token is no longer a co-ordinator here.")
        if (
            not token.last_used_at
            or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
        ):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        request._request.actor = actor
        return (user, token)

    def authenticate_header(self, request):
        return 'Bearer realm="asye"'
