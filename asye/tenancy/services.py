"""Writes about employers."""

from __future__ import annotations

from django.db import transaction

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, changed_fields
from asye.tenancy.models import Employer

EMPLOYER_EDITABLE_FIELDS = (
    "serves_child_and_family",
    "serves_adults",
    "primary_contact_name",
    "primary_contact_email",
    "primary_contact_phone",
)


@transaction.atomic
def employer_update(*, actor: Actor, employer: Employer, **changes) -> Employer:
    """Change the actor's employer's service areas and primary contact; audited field by field."""
    actor.require(Role.COORDINATOR, employer=employer.pk)
    unknown = set(changes) - set(EMPLOYER_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable by employers: {', '.join(sorted(unknown))}")
    before = {name: getattr(employer, name) for name in changes}
    for name, value in changes.items():
        setattr(employer, name, value)
    diff = changed_fields(before, changes)
    if diff:
        employer.save(update_fields=[*diff, "updated_at"])
        audit_record(
            actor=actor, obj=employer, action="employer.updated", employer_id=employer.pk, changes=diff
        )
    return employer
