"""Who may do what with a review, a support plan and a final recommendation, and the checks every
write makes first (a person, not a token, where one is needed; an open registration)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from asye.accounts.actor import Actor
from asye.accounts.models import Role
from portfolios.access import is_assessor, is_coordinator, is_line_manager, is_owner
from programmes.models import Registration
from reviews.models import Review

NEEDS_A_PERSON = "Signatures, amendments, submissions and panel decisions need a person: use the service."


# Whose part of the review each field is.
ASSESSOR_FIELDS = ("held_on", "progress_pcf", "progress_standards", "outcome")


NQSW_FIELDS = ("nqsw_comments",)


LINE_MANAGER_FIELDS = ("line_manager_comments",)


def is_system(actor: Actor) -> bool:
    """The employer's own systems, through an API token (it acts with the co-ordinator's authority)."""
    return actor.api_token_id is not None and actor.has_role(Role.COORDINATOR)


def require_person(actor: Actor) -> None:
    if actor.api_token_id is not None:
        raise PermissionDenied(NEEDS_A_PERSON)


def can_write_assessment(*, actor: Actor, registration: Registration) -> bool:
    """The registration's assessor (in person) or the employer's systems: drafts of reviews, practice
    examples and the final recommendation."""
    if registration.employer_id != actor.employer_id:
        return False
    if actor.api_token_id is not None:
        return is_system(actor)
    return is_assessor(actor, registration)


def party_of(*, actor: Actor, review: Review) -> str:
    """Which of the review's three signatories the actor is, in person: assessor, nqsw, line_manager or ""."""
    registration = review.registration
    if actor.api_token_id is not None:
        return ""
    if is_assessor(actor, registration):
        return "assessor"
    if is_owner(actor, registration):
        return "nqsw"
    if is_line_manager(actor, registration):
        return "line_manager"
    return ""


def can_comment(*, actor: Actor, review: Review) -> bool:
    """The NQSW or the line manager, once the assessor has signed and until they have signed themselves."""
    party = party_of(actor=actor, review=review)
    if review.status != Review.Status.AWAITING_COMMENTS or not review.registration.is_open:
        return False
    if party == "nqsw":
        return review.nqsw_signed_at is None
    if party == "line_manager":
        return review.line_manager_signed_at is None
    return False


def amendable_fields(*, actor: Actor, review: Review) -> tuple[str, ...]:
    """The fields the actor may amend: their own part of the review, once they have signed it (what
    someone else signed, a predecessor in the role included, is theirs to amend, not the actor's)."""
    party = party_of(actor=actor, review=review)
    user_id = actor.user.pk if actor.user else None
    if party == "assessor" and review.assessor_signed_by_id == user_id:
        return ASSESSOR_FIELDS
    if party == "nqsw" and review.nqsw_signed_by_id == user_id:
        return NQSW_FIELDS
    if party == "line_manager" and review.line_manager_signed_by_id == user_id:
        return LINE_MANAGER_FIELDS
    return ()


def can_manage_support_plan(*, actor: Actor, registration: Registration) -> bool:
    """The co-ordinator or the NQSW's assessor: the plan's concerns, its review date, closing it."""
    return actor.api_token_id is None and (
        is_coordinator(actor, registration) or is_assessor(actor, registration)
    )


def can_add_support_actions(*, actor: Actor, registration: Registration) -> bool:
    """The co-ordinator, the assessor or the line manager add actions and mark them done."""
    return can_manage_support_plan(actor=actor, registration=registration) or (
        actor.api_token_id is None and is_line_manager(actor, registration)
    )


def require_open(registration: Registration) -> None:
    if not registration.is_open:
        raise ValidationError(
            f"This registration is {registration.get_status_display().lower()}: its reviews can no longer "
            "be written or signed."
        )


def refuse_unless_assessment_writer(actor: Actor, registration: Registration, refusal: str) -> None:
    """PermissionDenied(``refusal``) unless the actor writes the NQSW's assessment (``can_write_assessment``):
    the check a page makes before it shows the form, and every write makes again."""
    if not can_write_assessment(actor=actor, registration=registration):
        raise PermissionDenied(refusal)


def refuse_unless_support_plan_manager(actor: Actor, registration: Registration, refusal: str) -> None:
    """PermissionDenied(``refusal``) unless the actor manages the NQSW's support plan
    (``can_manage_support_plan``)."""
    if not can_manage_support_plan(actor=actor, registration=registration):
        raise PermissionDenied(refusal)


def require_assessment_writer(actor: Actor, registration: Registration, refusal: str) -> None:
    """The NQSW's assessor (or the employer's systems) writing the assessment of an open registration:
    else PermissionDenied(``refusal``), or ValidationError once the registration is closed."""
    actor.require(Role.ASSESSOR, Role.COORDINATOR, employer=registration.employer_id)
    refuse_unless_assessment_writer(actor, registration, refusal)
    require_open(registration)
