"""Assigning moderators to cases, one at a time or round-robin across a round; a moderator never
moderates an employer where they hold or held a membership."""

from __future__ import annotations

import dataclasses
from itertools import cycle

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.audit.services import changed_fields
from asye.errors import Conflict
from asye.records import locked_at
from asye.tenancy.db import system_national_context
from reviews.models import ModerationCase, ModerationRound
from reviews.moderation_selectors import employer_ids_of, moderator_is_eligible, moderators
from reviews.moderation_services.national import (
    FINDING_FIELDS,
    national_event,
    require_national_staff,
    send_notice,
)

CASE_CHANGED = "This case was changed by someone else. Reload it and try again."


def _assign(*, actor: Actor, case: ModerationCase, moderator_id: int, now) -> ModerationCase:
    """Write one assignment on a locked case (the caller checked eligibility). Reassigning clears the
    previous moderator's draft: it is theirs, not the new moderator's (the trail keeps it)."""
    before = {name: getattr(case, name) for name in ("moderator_id", "status", *FINDING_FIELDS)}
    updated = ModerationCase.objects.filter(pk=case.pk, version=case.version).update(
        moderator_id=moderator_id,
        status=ModerationCase.Status.ASSIGNED,
        assigned_at=now,
        agreement="",
        strengths="",
        areas_for_development="",
        advice="",
        updated_at=now,
        version=case.version + 1,
    )
    if not updated:
        raise Conflict(CASE_CHANGED)
    case.refresh_from_db()
    after = {name: getattr(case, name) for name in before}
    national_event(
        actor=actor,
        action="moderation.case_reassigned" if before["moderator_id"] else "moderation.case_assigned",
        case=case,
        changes=changed_fields(before, after),
    )
    return case


def _notify_moderator(case_ids: list[int], email: str, cases_url: str) -> None:
    # Written to the outbox in the assignment's transaction: sent once it commits.
    send_notice(
        subject="National moderation: portfolios assigned to you",
        template="reviews/moderation/email/assigned.txt",
        context={"count": len(case_ids), "cases_url": cases_url},
        to=[email],
    )


def _refuse_if_final(case: ModerationCase) -> None:
    if case.status == ModerationCase.Status.FINDINGS_SENT:
        raise ValidationError("The findings for this case have been sent: its moderator cannot change.")


@transaction.atomic
def case_assign(
    *, actor: Actor, case: ModerationCase, moderator_id: int | None, version: int, cases_url: str = ""
) -> ModerationCase:
    """Assign (or reassign) a moderator to one case. Refused for anyone who is not an active NQAP
    moderator, and for a moderator who holds or held any membership at the case's employer."""
    require_national_staff(actor)
    with system_national_context():
        case = locked_at(ModerationCase.objects, case.pk, version, CASE_CHANGED)
        _refuse_if_final(case)
        if moderator_id is None or not moderators().filter(pk=moderator_id).exists():
            raise ValidationError({"moderator": ["Select a moderator from the list"]})
        if not moderator_is_eligible(user_id=moderator_id, employer_id=case.employer_id):
            raise ValidationError(
                {
                    "moderator": [
                        "This moderator works, or has worked, for this portfolio's employer: choose another"
                    ]
                }
            )
        if case.moderator_id == moderator_id:
            return case
        case = _assign(actor=actor, case=case, moderator_id=moderator_id, now=clock.now())
        _notify_moderator([case.pk], case.moderator.email, cases_url)
    return case


@dataclasses.dataclass
class BulkAssignment:
    assigned: list[ModerationCase]
    without_moderator: list[ModerationCase]


@transaction.atomic
def round_assign_all(
    *, actor: Actor, moderation_round: ModerationRound, moderator_ids: list[int], cases_url: str = ""
) -> BulkAssignment:
    """Share the round's waiting cases among the chosen moderators in turn (round-robin), skipping, for
    each case, any moderator who holds or held a membership at its employer. A case none of them may
    moderate stays waiting and is reported."""
    require_national_staff(actor)
    with system_national_context():
        chosen = list(moderators().filter(pk__in=moderator_ids).values_list("pk", "email"))
        if not chosen or len(chosen) != len(set(moderator_ids)):
            raise ValidationError({"moderators": ["Select one or more moderators from the list"]})
        locked = ModerationRound.objects.select_for_update().get(pk=moderation_round.pk)
        if locked.status == ModerationRound.Status.CLOSED:
            raise ValidationError("This round is closed.")
        conflicts = {pk: employer_ids_of(pk) for pk, _ in chosen}
        turn = cycle(range(len(chosen)))
        now = clock.now()
        result = BulkAssignment([], [])
        given: dict[int, list[int]] = {}
        cases = list(
            ModerationCase.objects.select_for_update()
            .filter(round=locked, status=ModerationCase.Status.WAITING)
            .order_by("stratum", "id")
        )
        for case in cases:
            for _ in range(len(chosen)):
                moderator_id = chosen[next(turn)][0]
                if case.employer_id not in conflicts[moderator_id]:
                    result.assigned.append(
                        _assign(actor=actor, case=case, moderator_id=moderator_id, now=now)
                    )
                    given.setdefault(moderator_id, []).append(case.pk)
                    break
            else:
                result.without_moderator.append(case)
        emails = dict(chosen)
        for moderator_id, case_ids in given.items():
            _notify_moderator(case_ids, emails[moderator_id], cases_url)
    return result
