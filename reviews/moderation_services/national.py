"""What the national moderation writes share: national staff's check, the national trail (events the
employer is not told), trimming and length limits, and the e-mails they send."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import PermissionDenied

from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role
from asye.audit.services import audit_record
from asye.notifications.outbox import email_queue
from reviews.models import ModerationCase

MAX_TITLE = 200


MAX_TEXT = 20_000


FINDING_FIELDS = ("agreement", "strengths", "areas_for_development", "advice")


def require_national_staff(actor: Actor) -> None:
    if not actor.is_national_staff:
        raise PermissionDenied("Only national staff run national moderation.")


def national_event(*, actor: Actor, action: str, case: ModerationCase, changes: dict) -> None:
    """An event about a case in the national trail only (no employer): what the employer is not told."""
    audit_record(
        actor=dataclasses.replace(actor, employer=None, roles=frozenset()),
        action=action,
        employer_id=None,
        changes={"case": case.pk, "employer": case.employer_id, **changes},
    )


def trimmed(value: str | None) -> str:
    return (value or "").strip()


def coordinator_emails(employer_id: int) -> list[str]:
    return sorted(
        Membership.objects.active()
        .filter(employer_id=employer_id, role=Role.COORDINATOR, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def send_notice(
    *, subject: str, template: str, context: dict, to: list[str], employer_id: int | None = None
) -> None:
    """Write one email per address to the outbox, in the caller's transaction (sent once it commits)."""
    for address in to:
        email_queue(
            to=address,
            subject=subject,
            template=template.removesuffix(".txt"),
            context=context,
            kind="moderation",
            employer_id=employer_id,
        )
