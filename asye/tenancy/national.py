"""National staff's reads across employers: a separate scope, checked and audited every time."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from asye.accounts.models import Role
from asye.audit.services import audit_record
from asye.tenancy.db import tenant_settings
from asye.web.decorators import signed_in_view

if TYPE_CHECKING:
    from asye.accounts.actor import Actor


@contextmanager
def national_scope(
    *, actor: Actor, purpose: str, roles: tuple[str, ...] = (Role.NATIONAL_STAFF,)
) -> Iterator[None]:
    """Let the block read every employer's rows, after checking the role and recording the access."""
    if not any(role in actor.national_roles for role in roles):
        raise PermissionDenied("Only national staff may read across employers.")
    audit_record(actor=actor, action="national.read", employer_id=None, changes={"purpose": purpose[:200]})
    # In place, not in a savepoint: a national page's one audit row and two statements (#14).
    with tenant_settings(national=True, savepoint=False):
        yield


def national_view(view=None, *, roles: tuple[str, ...] = (Role.NATIONAL_STAFF,)):
    """Decorate an HTML view of national staff: sign-in, role check, and the audited national scope.

    The view must render its response inside (``render()``, not a lazy TemplateResponse).
    """

    def decorate(func):
        @signed_in_view
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            with national_scope(actor=request.actor, purpose=f"{request.method} {request.path}", roles=roles):
                return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
