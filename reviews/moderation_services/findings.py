"""The moderator's findings on a case: saved with their version, sent once (then final, and the
employer's co-ordinators are told), and the audited downloads of the case's record."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, changed_fields
from asye.errors import Conflict
from asye.records import versioned_update
from asye.tenancy.db import system_national_context
from reviews.models import ModerationCase
from reviews.moderation_questions import ModerationQuestion, moderation_question
from reviews.moderation_selectors import moderator_conflicted
from reviews.moderation_services.national import (
    FINDING_FIELDS,
    MAX_TEXT,
    coordinator_emails,
    national_event,
    send_notice,
    trimmed,
)


def _require_case_moderator(actor: Actor, case: ModerationCase) -> None:
    """The case's own moderator, who holds and held no membership at its employer (national scope)."""
    actor.require(Role.NQAP_MODERATOR)
    if actor.user is None or case.moderator_id != actor.user.pk:
        raise PermissionDenied("Only the moderator assigned to this case records its findings.")
    if moderator_conflicted(case):
        raise PermissionDenied("You cannot moderate a portfolio of an employer you work or worked for.")


def _check_findings(
    values: dict[str, str], *, sending: bool, question: ModerationQuestion
) -> dict[str, list[str]]:
    """Only an answer to the case's own question (``reviews.moderation_questions``) is accepted."""
    errors: dict[str, list[str]] = {}
    if values["agreement"] and values["agreement"] not in question.answers:
        errors["agreement"] = [question.required]
    for name in ("strengths", "areas_for_development", "advice"):
        if len(values[name]) > MAX_TEXT:
            errors[name] = [f"This must be {MAX_TEXT:,} characters or fewer"]
    if sending:
        if not values["agreement"]:
            errors.setdefault("agreement", [question.required])
        if not values["strengths"]:
            errors.setdefault("strengths", ["Enter the strengths of the portfolio"])
        if not values["areas_for_development"]:
            errors.setdefault("areas_for_development", ["Enter the areas for development"])
    return errors


FINDINGS_CHANGED = (
    "These findings were changed since you opened them (perhaps in another window). "
    "Your text is below: check the saved findings and save again."
)


@transaction.atomic
def findings_save(
    *,
    actor: Actor,
    case: ModerationCase,
    version: int,
    agreement: str = "",
    strengths: str = "",
    areas_for_development: str = "",
    advice: str = "",
    send: bool = False,
    case_url: str = "",
) -> ModerationCase:
    """The moderator saves their findings (a draft the employer does not see) or, with ``send``, saves
    and sends them: then they are final and the employer's co-ordinators are told. ``agreement`` answers
    the case's question (``moderation_question``: about the recommendation when there is one, about the
    capabilities when there is none); another answer is refused. A stale ``version`` raises Conflict and
    writes nothing, so the other save is not overwritten."""
    values = {
        "agreement": trimmed(agreement),
        "strengths": trimmed(strengths),
        "areas_for_development": trimmed(areas_for_development),
        "advice": trimmed(advice),
    }
    with system_national_context():
        current = ModerationCase.objects.select_for_update().get(pk=case.pk)
        _require_case_moderator(actor, current)
        if current.status == ModerationCase.Status.FINDINGS_SENT:
            raise ValidationError("These findings have been sent: they can no longer be changed.")
        if current.status != ModerationCase.Status.ASSIGNED:
            raise PermissionDenied("This case is not assigned to you.")
        if current.version != version:
            raise Conflict(FINDINGS_CHANGED)
        errors = _check_findings(values, sending=send, question=moderation_question(current))
        if errors:
            raise ValidationError(errors)
        before = {name: getattr(current, name) for name in FINDING_FIELDS}
        changes = dict(values)
        if send:
            changes.update(status=ModerationCase.Status.FINDINGS_SENT, findings_sent_at=clock.now())
        current = versioned_update(current, version, FINDINGS_CHANGED, **changes)
        diff = changed_fields(before, values)
        if send:
            # From now on the findings are the employer's: the event goes to its trail, with the text.
            audit_record(
                actor=actor,
                obj=current,
                action="moderation.findings_sent",
                changes={**diff, "agreement": current.agreement, "status": ["assigned", "findings_sent"]},
            )
            to = coordinator_emails(current.employer_id)
            send_notice(
                subject="National moderation findings are ready",
                template="reviews/moderation/email/findings_sent.txt",
                context={"case_url": case_url},
                to=to,
                employer_id=current.employer_id,
            )
        elif diff:
            national_event(actor=actor, action="moderation.findings_saved", case=current, changes=diff)
    return current


def record_pack_download(*, actor: Actor, case: ModerationCase) -> None:
    """The moderator downloaded the case's portfolio pack (national trail)."""
    national_event(actor=actor, action="moderation.pack_downloaded", case=case, changes={})


def record_file_download(*, actor: Actor, case: ModerationCase, evidence_file) -> None:
    """The moderator downloaded one evidence file of the case's portfolio (national trail)."""
    national_event(
        actor=actor, action="moderation.file_downloaded", case=case, changes={"file": evidence_file.pk}
    )
