"""Opens each request's transaction and sets the tenant inside it, then builds ``request.actor``.

``ATOMIC_REQUESTS`` starts the transaction only around the view, too late for middleware, so this
middleware opens it itself. Everything the request reads or writes, the actor's own memberships
included, happens under the tenant settings that row-level security checks.
"""

from __future__ import annotations

from django.db import transaction

from asye.accounts.actor import build_actor
from asye.api.authentication import PRESENTED_TOKEN_HASH, presented_token_hash
from asye.tenancy.db import apply_settings, set_request_tenant

ACTIVE_EMPLOYER_SESSION_KEY = "asye_active_employer_id"


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with transaction.atomic():
            user = request.user if request.user.is_authenticated else None
            requested = request.session.get(ACTIVE_EMPLOYER_SESSION_KEY) if user else None
            chosen = requested if type(requested) is int else None
            token_hash = presented_token_hash(request) if user is None else None
            # The whole context in one round trip: the person, who may read their own memberships, the
            # employer they chose (build_actor reads only their own memberships, whatever it allows), and
            # for an API call the token's hash, so that authentication finds its row (and only that).
            set_request_tenant(employer_id=chosen, user_id=user.pk if user else None, token_hash=token_hash)
            setattr(request, PRESENTED_TOKEN_HASH, token_hash)
            actor = build_actor(user, employer_id=requested)
            request.actor = actor
            if actor.employer_id != chosen:
                # No longer theirs, or none chosen: the employer build_actor settled on (or none).
                apply_settings({"app.employer_id": actor.employer_id})
            response = self.get_response(request)
            if response.status_code >= 400:
                # An error page (or an exception Django turned into one) keeps nothing it wrote.
                transaction.set_rollback(True)
        return response
