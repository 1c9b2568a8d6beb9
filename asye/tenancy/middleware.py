"""Opens each request's transaction and sets the tenant inside it, then builds ``request.actor``.

``ATOMIC_REQUESTS`` starts the transaction only around the view, too late for middleware, so this
middleware opens it itself. Everything the request reads or writes, the actor's own memberships
included, happens under the tenant settings that row-level security checks.
"""

from __future__ import annotations

from django.db import transaction

from asye.accounts.actor import build_actor
from asye.tenancy.db import apply_settings, set_request_tenant

ACTIVE_EMPLOYER_SESSION_KEY = "asye_active_employer_id"


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with transaction.atomic():
            user = request.user if request.user.is_authenticated else None
            # The person may read their own memberships, and nothing of any employer yet.
            set_request_tenant(employer_id=None, user_id=user.pk if user else None)
            requested = request.session.get(ACTIVE_EMPLOYER_SESSION_KEY) if user else None
            actor = build_actor(user, employer_id=requested)
            request.actor = actor
            if actor.employer_id:
                apply_settings({"app.employer_id": actor.employer_id})
            response = self.get_response(request)
            if response.status_code >= 400:
                # An error page (or an exception Django turned into one) keeps nothing it wrote.
                transaction.set_rollback(True)
        return response
