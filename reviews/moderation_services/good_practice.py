"""The good-practice register: an employer applies for endorsement, national staff decide."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, audited_create
from asye.errors import Conflict
from asye.tenancy.db import system_national_context
from reviews.models import GoodPracticeApplication
from reviews.moderation_services.national import MAX_TEXT, MAX_TITLE, require_national_staff
from reviews.services.saving import clean_text


@transaction.atomic
def good_practice_apply(*, actor: Actor, title: str, description: str) -> GoodPracticeApplication:
    """A co-ordinator applies for the NQAP's good-practice endorsement of the employer's programme."""
    actor.require(Role.COORDINATOR)
    if actor.employer_id is None:
        raise PermissionDenied("Choose the employer you are applying for.")
    errors: dict[str, list[str]] = {}
    title = clean_text(
        errors, "title", title, limit=MAX_TITLE, label="The title", required="Enter a title for the practice"
    )
    description = clean_text(
        errors,
        "description",
        description,
        limit=MAX_TEXT,
        label="The description",
        required="Describe the practice and the difference it makes",
    )
    if errors:
        raise ValidationError(errors)
    return audited_create(
        GoodPracticeApplication,
        actor=actor,
        action="good_practice.applied",
        audit=("title", "description"),
        employer_id=actor.employer_id,
        title=title,
        description=description,
        submitted_by=actor.user,
    )


@transaction.atomic
def good_practice_decide(
    *, actor: Actor, application: GoodPracticeApplication, endorse: bool, note: str, version: int
) -> GoodPracticeApplication:
    """National staff endorse an application or not, with a note the employer reads (required when not
    endorsing). A decision is final; a second decision, or a stale ``version``, is refused."""
    require_national_staff(actor)
    errors: dict[str, list[str]] = {}
    required = "" if endorse else "Give the reason the practice is not endorsed"
    note = clean_text(errors, "note", note, limit=MAX_TEXT, label="The note", required=required)
    if errors:
        raise ValidationError(errors)
    status = (
        GoodPracticeApplication.Status.ENDORSED if endorse else GoodPracticeApplication.Status.NOT_ENDORSED
    )
    with system_national_context():
        current = GoodPracticeApplication.objects.select_for_update().get(pk=application.pk)
        if current.status != GoodPracticeApplication.Status.SUBMITTED:
            raise ValidationError("This application has already been decided.")
        if current.version != version:
            raise Conflict("This application was changed by someone else. Reload it and try again.")
        GoodPracticeApplication.objects.filter(pk=current.pk).update(
            status=status,
            decision_note=note,
            decided_by=actor.user,
            decided_at=clock.now(),
            version=version + 1,
        )
        current.refresh_from_db()
        audit_record(
            actor=actor,
            obj=current,
            action="good_practice.endorsed" if endorse else "good_practice.not_endorsed",
            changes={"status": [GoodPracticeApplication.Status.SUBMITTED, status], "note": note},
        )
    return current
