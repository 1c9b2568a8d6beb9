"""Retention: the accounts of NQSWs whose registrations were anonymised (docs/equity-and-retention.md),
accounts' part of the registry (``asye.retention``).

Only an account the run has released (``Batch.released_user_ids``: no other live registration and no other
role) is anonymised: its email becomes ``anonymised-<id>@invalid.example`` (unique, and no one's), its name
goes, it can no longer sign in (inactive, no usable password, its email addresses and second factors
deleted), its memberships end, and invitations sent to it lose the name and address. The row stays because
the audit trail points at it (PROTECT). An account that still holds a role or a live registration keeps its
name and email.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat

from asye import clock
from asye.accounts.models import Invitation, Membership, User
from asye.retention import Batch, RetentionPart, counts
from asye.tenancy.db import tenant_settings

ANONYMOUS_DOMAIN = "invalid.example"


def _anonymous_email():
    return Concat(Value("anonymised-"), Cast("id", CharField()), Value(f"@{ANONYMOUS_DOMAIN}"))


def _emails(user_ids: list[int]) -> list[str]:
    return list(User.objects.filter(pk__in=user_ids).values_list("email", flat=True))


def identifiers(batch: Batch) -> None:
    for name, email in User.objects.filter(pk__in=batch.released_user_ids).values_list("full_name", "email"):
        if " " in name.strip():
            batch.add_terms(name, email)
        else:
            batch.add_terms(email)
            batch.add_weak_terms(name)
    for name in Invitation.objects.filter(email__in=_emails(batch.released_user_ids)).values_list(
        "full_name", flat=True
    ):
        batch.add_terms(name) if " " in name.strip() else batch.add_weak_terms(name)


def anonymise(batch: Batch) -> int:
    users = batch.released_user_ids
    if not users:
        return 0
    emails = _emails(users)
    changed = Invitation.objects.filter(Q(email__in=emails) | Q(accepted_by_id__in=users)).update(
        full_name="", email=f"removed@{ANONYMOUS_DOMAIN}"
    )
    changed += Membership.objects.filter(user_id__in=users, ended_at__isnull=True).update(
        ended_at=clock.now()
    )
    # A person's sign-in records have row-level security keyed on that person.
    for user_id in users:
        with tenant_settings(user_id=user_id):
            changed += EmailAddress.objects.filter(user_id=user_id).delete()[0]
            changed += Authenticator.objects.filter(user_id=user_id).delete()[0]
    changed += User.objects.filter(pk__in=users).update(
        email=_anonymous_email(), full_name="", is_active=False, password=make_password(None)
    )
    return changed


def preview(batch: Batch) -> dict[str, int]:
    return counts({"accounts_user": User.objects.filter(pk__in=batch.released_user_ids)})


PARTS = [RetentionPart("accounts", anonymise=anonymise, preview=preview, identifiers=identifiers, order=95)]
