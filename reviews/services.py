"""Writes about reviews: scheduling them from the framework's review points, the assessor's report and
practice examples, the three signatures, amendments after signing, support plans, the final
recommendation and the employer's internal moderation panel, which records the outcome.

The workflow of a review:
- draft: the registration's assessor writes progress against the PCF and the standards, quotes practice
  examples (linked to the NQSW's portfolio evidence or observations), sets the outcome and signs;
- awaiting comments: the NQSW and the line manager each add comments and sign, in either order;
- locked: all three have signed. Each person's part, once they have signed it, changes only as an
  amendment with a reason, kept in ``ReviewAmendment`` (old and new values) and audited.

The programme's rules (``reviews.rules``) hold here: a review point is signed, and held, only once its
window has opened; the last signature locks a review only after the earlier review points are locked; a
final recommendation needs the final review locked and the framework's minimum record; the panel decides
a submitted recommendation on the day the decision is recorded, which is the outcome date.

A "not on track" outcome, when the assessor signs (or amends to it), starts a support plan in the same
transaction, with an extra review, and the co-ordinators are emailed once it commits.

Who may write: the registration's own assessor (a person), or the employer's systems through an API token
(which acts with the co-ordinator's authority): tokens may record and update drafts, never sign, amend,
submit or decide, because those need a person. Every save of a review, recommendation or panel carries the
version the person read: a stale save raises ``Conflict`` and nothing is written.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Membership, Role
from asye.audit.services import audit_record, changed_fields
from asye.errors import Conflict
from funding import hooks as funding_hooks
from portfolios.access import is_assessor, is_coordinator, is_line_manager, is_owner
from portfolios.capabilities import registration_statements
from portfolios.models import Evidence, Observation, Portfolio
from programmes.models import Outcome, Registration, RegistrationStatus
from programmes.progress_store import progress_refresh
from reviews import rules
from reviews.models import (
    FinalRecommendation,
    ModerationPanel,
    PanelDecision,
    PanelMember,
    PracticeExample,
    Recommendation,
    Review,
    ReviewAmendment,
    ReviewOutcome,
    SupportPlan,
    SupportPlanAction,
)
from reviews.review_record import FIELD_LABELS  # noqa: F401  (the forms label amendments with it)
from reviews.rules import final_review_locked  # noqa: F401  (pages ask the services)
from reviews.selectors import review_points

MAX_REPORT_LENGTH = 20_000
MAX_COMMENT_LENGTH = 10_000
MAX_REASON_LENGTH = 2_000
MAX_NAME_LENGTH = 200
# The extra review a support plan schedules falls this long after the "not on track" review was signed.
EXTRA_REVIEW_AFTER = datetime.timedelta(weeks=6)

REVIEW_CONFLICT = (
    "Someone else saved this review while you were editing it. Your changes have not been saved: they are "
    "still in the form. Check the review as it is now, then save again."
)
RECOMMENDATION_CONFLICT = (
    "Someone else saved this recommendation while you were editing it. Your changes have not been saved: "
    "they are still in the form. Check the recommendation as it is now, then save again."
)
PANEL_CONFLICT = (
    "Someone else changed this panel or recorded a decision while you were working on it. Your decision "
    "has not been saved. Check the panel as it is now, then record it again."
)
PLAN_CONFLICT = (
    "Someone else saved this support plan while you were editing it. Your changes have not been saved: "
    "they are still in the form. Check the plan as it is now, then save again."
)
CONFLICTS = {
    Review: REVIEW_CONFLICT,
    FinalRecommendation: RECOMMENDATION_CONFLICT,
    ModerationPanel: PANEL_CONFLICT,
    SupportPlan: PLAN_CONFLICT,
}
NEEDS_A_PERSON = "Signatures, amendments, submissions and panel decisions need a person: use the service."

# Whose part of the review each field is.
ASSESSOR_FIELDS = ("held_on", "progress_pcf", "progress_standards", "outcome")
NQSW_FIELDS = ("nqsw_comments",)
LINE_MANAGER_FIELDS = ("line_manager_comments",)
TEXT_FIELDS = ("progress_pcf", "progress_standards", "nqsw_comments", "line_manager_comments")


def _today() -> datetime.date:
    return clock.today()


def _format_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- Who may do what ---------------------------------------------------------------------------------


def is_system(actor: Actor) -> bool:
    """The employer's own systems, through an API token (it acts with the co-ordinator's authority)."""
    return actor.api_token_id is not None and actor.has_role(Role.COORDINATOR)


def _person(actor: Actor) -> None:
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


def _require_open(registration: Registration) -> None:
    if not registration.is_open:
        raise ValidationError(
            f"This registration is {registration.get_status_display().lower()}: its reviews can no longer "
            "be written or signed."
        )


# --- Scheduling reviews from the framework's review points ---------------------------------------------


def reviews_schedule(
    *, actor: Actor, registrations: list[Registration], today: datetime.date | None = None
) -> None:
    """Make sure every open registration has a review for each of its framework's review points, due when
    its timeline says (part-time hours, deferrals and extensions move them), and move the due date of
    reviews not yet signed when the timeline has moved (not while a deferral is open: the dates then move
    every day, and settle when the NQSW resumes). Safe to repeat and to run concurrently."""
    today = today or _today()
    open_ones = [r for r in registrations if r.is_open]
    if not open_ones:
        return
    # While a deferral is open the timeline moves day by day; due dates follow once the NQSW resumes.
    deferred = {r.pk for r in open_ones if r.status == RegistrationStatus.DEFERRED}
    existing: dict[int, dict[int, Review]] = {r.pk: {} for r in open_ones}
    for review in Review.objects.filter(registration__in=open_ones, extra=False):
        existing[review.registration_id][review.month] = review
    now = clock.now()
    for registration in open_ones:
        have = existing[registration.pk]
        points = review_points(registration=registration, today=today)
        missing = [p for p in points if not p.optional and p.month not in have]
        if missing:
            _create_scheduled(actor, registration, missing)
        if registration.pk in deferred:
            continue
        for point in points:
            review = have.get(point.month)
            if review is None or review.assessor_signed_at is not None or review.due_on == point.due:
                continue
            # A due date follows the timeline; it is not a person's edit, so the version stays.
            Review.objects.filter(pk=review.pk, assessor_signed_at__isnull=True).update(
                due_on=point.due, updated_at=now
            )
            audit_record(
                actor=actor,
                obj=review,
                action="review.rescheduled",
                changes={"due_on": [review.due_on.isoformat(), point.due.isoformat()]},
            )


def _create_scheduled(actor: Actor, registration: Registration, points) -> None:
    try:
        with transaction.atomic():
            Review.objects.bulk_create(
                Review(
                    employer_id=registration.employer_id,
                    registration=registration,
                    month=point.month,
                    due_on=point.due,
                    created_by=_author(actor, registration),
                )
                for point in points
            )
    except IntegrityError:
        return  # someone else scheduled them at the same moment
    audit_record(
        actor=actor,
        obj=registration,
        action="reviews.scheduled",
        changes={"months": [p.month for p in points], "due_on": [p.due for p in points]},
    )


def _author(actor: Actor, registration: Registration):
    """Who a scheduled review is recorded as made by: the person or token owner acting, else the
    registration's creator (scheduling can happen on anyone's page view)."""
    return actor.user or registration.created_by


@transaction.atomic
def review_add_optional(
    *, actor: Actor, registration: Registration, month: int, today: datetime.date | None = None
) -> Review:
    """Add an optional review point the framework offers (the ASYE's 9-month review)."""
    actor.require(Role.ASSESSOR, Role.COORDINATOR, employer=registration.employer_id)
    if not (
        can_write_assessment(actor=actor, registration=registration)
        or (actor.api_token_id is None and is_coordinator(actor, registration))
    ):
        raise PermissionDenied("Only the NQSW's assessor or the co-ordinator adds a review.")
    _require_open(registration)
    point = next(
        (p for p in review_points(registration=registration, today=today) if p.optional and p.month == month),
        None,
    )
    if point is None:
        raise ValidationError({"month": [f"This programme does not offer an optional {month}-month review"]})
    existing = Review.objects.filter(registration=registration, extra=False, month=month).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            review = Review.objects.create(
                employer_id=registration.employer_id,
                registration=registration,
                month=month,
                due_on=point.due,
                created_by=actor.user,
            )
    except IntegrityError:
        return Review.objects.get(registration=registration, extra=False, month=month)
    audit_record(
        actor=actor, obj=review, action="review.added", changes={"month": month, "due_on": point.due}
    )
    progress_refresh(registration=registration)  # the optional review is now on the timeline
    return review


# --- The assessor's report ----------------------------------------------------------------------------


def _clean_text(errors: dict, name: str, value: str, *, limit: int, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[name] = [f"{label} must be {limit:,} characters or fewer"]
    return value


def _check_report(review: Review, changes: dict, today: datetime.date, *, complete: bool = False) -> dict:
    """Validate the assessor's fields in ``changes`` (only those given); with ``complete``, blanks too. The
    date held is in the review's window (``reviews.rules``): not before it opens, not in the future."""
    registration = review.registration
    errors: dict[str, list[str]] = {}
    cleaned = {}
    if "held_on" in changes:
        day = changes["held_on"]
        if day is None:
            if complete:
                errors["held_on"] = ["Enter the date the review was held"]
        elif day < registration.start_date:
            errors["held_on"] = [
                "The date the review was held must be on or after the programme's start date, "
                + _format_date(registration.start_date)
            ]
        elif problem := rules.held_on_error(review, day, today=today):
            errors["held_on"] = [problem]
        cleaned["held_on"] = day
    for name, label in (("progress_pcf", "Progress against the PCF"), ("progress_standards", "Progress")):
        if name in changes:
            cleaned[name] = _clean_text(errors, name, changes[name], limit=MAX_REPORT_LENGTH, label=label)
            if complete and not cleaned[name] and name not in errors:
                errors[name] = [
                    "Enter the NQSW's progress against the PCF"
                    if name == "progress_pcf"
                    else "Enter the NQSW's progress against the post-qualifying standards"
                ]
    if "outcome" in changes:
        outcome = changes["outcome"] or ""
        if outcome and outcome not in ReviewOutcome.values:
            errors["outcome"] = ["Select whether the NQSW is on track, has some concerns or is not on track"]
        elif complete and not outcome:
            errors["outcome"] = ["Select the outcome of the review"]
        cleaned["outcome"] = outcome
    if errors:
        raise ValidationError(errors)
    return cleaned


def _claim(record: Review | SupportPlan | FinalRecommendation | ModerationPanel, version: int, **changes):
    """Write ``changes`` if the record is still at ``version``; else ``Conflict`` (its kind's message in
    ``CONFLICTS``), and nothing is written."""
    updated = (
        type(record)
        .objects.filter(pk=record.pk, version=version)
        .update(version=version + 1, updated_at=clock.now(), **changes)
    )
    if not updated:
        raise Conflict(CONFLICTS[type(record)])
    record.refresh_from_db()
    return record


def _audit_changes(before: dict, after: dict) -> dict:
    """Changed fields for the audit trail: values for dates and outcomes, only the names of text fields
    (the words themselves are kept in the review and in its amendments, not copied into the audit)."""
    diff = changed_fields(before, after)
    text = sorted(name for name in diff if name in TEXT_FIELDS)
    result = {name: values for name, values in diff.items() if name not in TEXT_FIELDS}
    if text:
        result["text_changed"] = text
    return result


@transaction.atomic
def review_update(
    *, actor: Actor, review: Review, version: int, today: datetime.date | None = None, **changes
) -> Review:
    """Save the assessor's draft: held on, progress against the PCF and the standards, outcome."""
    actor.require(Role.ASSESSOR, Role.COORDINATOR, employer=review.employer_id)
    registration = review.registration
    if not can_write_assessment(actor=actor, registration=registration):
        raise PermissionDenied("Only the NQSW's assessor writes their review.")
    unknown = set(changes) - set(ASSESSOR_FIELDS)
    if unknown:
        raise ValidationError({name: ["This cannot be changed here"] for name in sorted(unknown)})
    _require_open(registration)
    if review.assessor_signed_at is not None:
        raise ValidationError(
            "This review has been signed: change it as an amendment, giving the reason for the change."
        )
    cleaned = _check_report(review, changes, today or _today())
    before = {name: getattr(review, name) for name in cleaned}
    diff = changed_fields(before, cleaned)
    if not diff:
        return review  # nothing to save, so nothing of anyone's can be lost
    review = _claim(review, version, **{name: cleaned[name] for name in diff})
    audit_record(actor=actor, obj=review, action="review.updated", changes=_audit_changes(before, cleaned))
    return review


@transaction.atomic
def review_record(
    *, actor: Actor, registration: Registration, month: int, today: datetime.date | None = None, **fields
) -> Review:
    """Record a review's report for a registration's review point (the API's POST): the scheduled review
    of that month, or the optional one the framework offers. Only onto a review nobody has written yet:
    a review already written is changed with its version (``review_update``), else ``Conflict``."""
    actor.require(Role.ASSESSOR, Role.COORDINATOR, employer=registration.employer_id)
    if not can_write_assessment(actor=actor, registration=registration):
        raise PermissionDenied("Only the NQSW's assessor, or your organisation's systems, record a review.")
    _require_open(registration)
    reviews_schedule(actor=actor, registrations=[registration], today=today)
    review = Review.objects.filter(registration=registration, extra=False, month=month).first()
    added = review is None
    if review is None:
        points = review_points(registration=registration, today=today)
        if not any(p.optional and p.month == month for p in points):
            months = ", ".join(str(p.month) for p in points if not p.optional)
            raise ValidationError(
                {"month": [f"This programme has no {month}-month review. Its reviews are at {months} months"]}
            )
        review = review_add_optional(actor=actor, registration=registration, month=month, today=today)
    written = (
        review.version != 1
        or review.status != Review.Status.DRAFT
        or review.practice_examples.exists()
        or any(getattr(review, name) for name in ASSESSOR_FIELDS)
    )
    if written:
        raise Conflict(
            f"The {month}-month review has already been written: read it and change it with its version."
        )
    read = review.version  # review_update refreshes ``review`` in place
    recorded = review_update(actor=actor, review=review, version=read, today=today, **fields)
    if not added and recorded.version == read:
        # Nothing in the request changed the review: refuse, so a 201 always means something was written.
        raise ValidationError(
            "Nothing to record: give the date held, the progress against the PCF or the standards, or the "
            "outcome."
        )
    return recorded


# --- Practice examples -----------------------------------------------------------------------------


def _bump(review: Review) -> None:
    """A change to the review's examples is a save of the review: forms open elsewhere must reload."""
    Review.objects.filter(pk=review.pk).update(version=F("version") + 1, updated_at=clock.now())


def _portfolio_of(registration: Registration) -> Portfolio | None:
    return Portfolio.objects.filter(registration=registration).first()


def linkable_evidence(registration: Registration) -> list[Evidence]:
    """The NQSW's evidence the assessor may cite: shared with them (never the NQSW's own drafts)."""
    portfolio = _portfolio_of(registration)
    if portfolio is None:
        return []
    return list(
        Evidence.objects.filter(portfolio=portfolio)
        .exclude(status=Evidence.Status.DRAFT)
        .order_by("title", "id")
    )


def linkable_observations(registration: Registration) -> list[Observation]:
    portfolio = _portfolio_of(registration)
    if portfolio is None:
        return []
    return list(Observation.objects.filter(portfolio=portfolio).order_by("number", "id"))


def linkable_statements(registration: Registration) -> list:
    """The registration's capability statements, whether or not its portfolio has been started."""
    return registration_statements(registration)


@transaction.atomic
def practice_example_add(
    *,
    actor: Actor,
    review: Review,
    text: str,
    evidence_id: int | None = None,
    observation_id: int | None = None,
    statement_id: int | None = None,
) -> PracticeExample:
    """Quote a practice example in a draft review, linked (optionally) to one piece of the NQSW's evidence
    or one observation, and to the capability it shows. Only that registration's portfolio is offered."""
    actor.require(Role.ASSESSOR, Role.COORDINATOR, employer=review.employer_id)
    registration = review.registration
    if not can_write_assessment(actor=actor, registration=registration):
        raise PermissionDenied("Only the NQSW's assessor adds practice examples to their review.")
    _require_open(registration)
    if review.assessor_signed_at is not None:
        raise ValidationError("This review has been signed: its practice examples can no longer change.")
    errors: dict[str, list[str]] = {}
    text = _clean_text(errors, "text", text, limit=MAX_COMMENT_LENGTH, label="The practice example")
    if not text and "text" not in errors:
        errors["text"] = ["Enter the practice example"]
    if evidence_id and observation_id:
        errors["evidence"] = ["Link the example to one piece of evidence or one observation, not both"]
    evidence = observation = statement = None
    if evidence_id:
        evidence = next((e for e in linkable_evidence(registration) if e.pk == evidence_id), None)
        if evidence is None:
            errors["evidence"] = ["Select evidence from this NQSW's portfolio"]
    if observation_id:
        observation = next((o for o in linkable_observations(registration) if o.pk == observation_id), None)
        if observation is None:
            errors["observation"] = ["Select an observation from this NQSW's portfolio"]
    if statement_id:
        statement = next((s for s in linkable_statements(registration) if s.pk == statement_id), None)
        if statement is None:
            errors["statement"] = ["Select a capability from this NQSW's frameworks"]
    if errors:
        raise ValidationError(errors)
    example = PracticeExample.objects.create(
        employer_id=review.employer_id,
        review=review,
        text=text,
        evidence=evidence,
        observation=observation,
        statement=statement,
    )
    _bump(review)
    audit_record(
        actor=actor,
        obj=review,
        action="review.practice_example_added",
        changes={
            "example": example.pk,
            "evidence": evidence_id,
            "observation": observation_id,
            "statement": statement_id,
        },
    )
    return example


@transaction.atomic
def practice_example_remove(*, actor: Actor, example: PracticeExample) -> None:
    review = example.review
    actor.require(Role.ASSESSOR, Role.COORDINATOR, employer=review.employer_id)
    if not can_write_assessment(actor=actor, registration=review.registration):
        raise PermissionDenied("Only the NQSW's assessor removes practice examples from their review.")
    _require_open(review.registration)
    if review.assessor_signed_at is not None:
        raise ValidationError("This review has been signed: its practice examples can no longer change.")
    pk = example.pk
    example.delete()
    _bump(review)
    audit_record(actor=actor, obj=review, action="review.practice_example_removed", changes={"example": pk})


# --- Signatures ----------------------------------------------------------------------------------------


@transaction.atomic
def review_sign_as_assessor(
    *, actor: Actor, review: Review, version: int, today: datetime.date | None = None
) -> Review:
    """The assessor signs a complete review: it goes to the NQSW and the line manager for comments. A
    "not on track" outcome starts a support plan with an extra review, in this same transaction."""
    actor.require(Role.ASSESSOR, employer=review.employer_id)
    _person(actor)
    registration = review.registration
    if party_of(actor=actor, review=review) != "assessor":
        raise PermissionDenied("Only the NQSW's assessor signs as the assessor.")
    _require_open(registration)
    if review.assessor_signed_at is not None:
        return review  # already signed (a second click): nothing more to do
    today = today or _today()
    if refusal := rules.sign_refusal(review, today=today):
        raise ValidationError(refusal)
    errors: dict[str, list[str]] = {}
    try:
        _check_report(review, {name: getattr(review, name) for name in ASSESSOR_FIELDS}, today, complete=True)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not review.practice_examples.exists():
        errors["practice_examples"] = ["Add at least one practice example before you sign"]
    if errors:
        raise ValidationError(errors)
    review = _claim(
        review,
        version,
        status=Review.Status.AWAITING_COMMENTS,
        assessor_signed_by=actor.user,
        assessor_signed_at=clock.now(),
    )
    audit_record(
        actor=actor, obj=review, action="review.signed_by_assessor", changes={"outcome": review.outcome}
    )
    if review.outcome == ReviewOutcome.NOT_ON_TRACK:
        support_plan_start(actor=actor, review=review, today=today)
    return review


@transaction.atomic
def review_comment(
    *, actor: Actor, review: Review, version: int, comments: str, sign: bool = False
) -> Review:
    """The NQSW or the line manager saves their comments, and with ``sign`` signs. When the third
    signature is in, the review is locked; a signature that would lock it while an earlier review point
    is not locked is refused (``reviews.rules.lock_refusal``)."""
    actor.require(Role.NQSW, Role.LINE_MANAGER, employer=review.employer_id)
    _person(actor)
    party = party_of(actor=actor, review=review)
    if party not in ("nqsw", "line_manager"):
        raise PermissionDenied("Only the NQSW and their line manager comment on and sign a review.")
    _require_open(review.registration)
    if review.status == Review.Status.DRAFT:
        raise ValidationError("You can comment and sign once the assessor has signed the review.")
    signed_at = review.nqsw_signed_at if party == "nqsw" else review.line_manager_signed_at
    if review.status == Review.Status.LOCKED or signed_at is not None:
        raise ValidationError(
            "You have signed this review: change your comments as an amendment, giving the reason."
        )
    errors: dict[str, list[str]] = {}
    field = "nqsw_comments" if party == "nqsw" else "line_manager_comments"
    comments = _clean_text(errors, field, comments, limit=MAX_COMMENT_LENGTH, label="Your comments")
    if errors:
        raise ValidationError(errors)
    changes: dict = {field: comments}
    now = clock.now()
    if sign:
        changes[f"{party}_signed_by"] = actor.user
        changes[f"{party}_signed_at"] = now
        other = review.line_manager_signed_at if party == "nqsw" else review.nqsw_signed_at
        if other is not None:
            # The last signature locks the review: only after the earlier review points are locked.
            if refusal := rules.lock_refusal(review):
                raise ValidationError(refusal)
            changes["status"] = Review.Status.LOCKED
            changes["locked_at"] = now
    elif getattr(review, field) == comments:
        return review
    before = getattr(review, field)
    review = _claim(review, version, **changes)
    if before != comments:
        audit_record(actor=actor, obj=review, action="review.commented", changes={"text_changed": [field]})
    if sign:
        audit_record(actor=actor, obj=review, action=f"review.signed_by_{party}")
    if review.status == Review.Status.LOCKED:
        audit_record(actor=actor, obj=review, action="review.locked")
        progress_refresh(registration=review.registration)  # the review is done on the timeline
    return review


# --- Amendments -------------------------------------------------------------------------------------


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@transaction.atomic
def review_amend(
    *,
    actor: Actor,
    review: Review,
    version: int,
    reason: str,
    today: datetime.date | None = None,
    **changes,
) -> Review:
    """Change what the actor signed, with a reason: each changed field is kept in ``ReviewAmendment``
    with its old and new value, and audited. An outcome amended to "not on track" starts a support plan."""
    actor.require(Role.ASSESSOR, Role.NQSW, Role.LINE_MANAGER, employer=review.employer_id)
    _person(actor)
    allowed = amendable_fields(actor=actor, review=review)
    if not allowed:
        raise PermissionDenied("You can amend only your own part of a review, after you have signed it.")
    unknown = set(changes) - set(allowed)
    if unknown:
        raise PermissionDenied("You can amend only your own part of the review.")
    errors: dict[str, list[str]] = {}
    reason = _clean_text(errors, "reason", reason, limit=MAX_REASON_LENGTH, label="The reason")
    if not reason and "reason" not in errors:
        errors["reason"] = ["Enter the reason for the amendment"]
    try:
        if allowed == ASSESSOR_FIELDS:
            # A date held that does not change is not checked again: the window may have moved since.
            if changes.get("held_on", review.held_on) == review.held_on:
                changes = {name: value for name, value in changes.items() if name != "held_on"}
            cleaned = _check_report(review, changes, today or _today(), complete=True)
        else:
            cleaned = {
                name: _clean_text(errors, name, value, limit=MAX_COMMENT_LENGTH, label="Your comments")
                for name, value in changes.items()
            }
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned = {}
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(review, name) for name in cleaned}
    diff = changed_fields(before, cleaned)
    if not diff:
        raise ValidationError("You have not changed anything. Change an answer, or cancel.")
    review = _claim(review, version, **{name: cleaned[name] for name in diff})
    ReviewAmendment.objects.bulk_create(
        ReviewAmendment(
            employer_id=review.employer_id,
            review=review,
            field=name,
            old_value=_as_text(before[name]),
            new_value=_as_text(cleaned[name]),
            reason=reason,
            amended_by=actor.user,
        )
        for name in diff
    )
    audit_record(
        actor=actor,
        obj=review,
        action="review.amended",
        changes={**_audit_changes(before, cleaned), "reason": reason},
    )
    if (
        "outcome" in diff
        and review.outcome == ReviewOutcome.NOT_ON_TRACK
        and not SupportPlan.objects.filter(review=review).exists()
        and review.registration.is_open
    ):
        support_plan_start(actor=actor, review=review, today=today)
    return review


# --- Support plans -----------------------------------------------------------------------------------


def support_plan_start(*, actor: Actor, review: Review, today: datetime.date | None = None) -> SupportPlan:
    """Start the support plan of a "not on track" review, with its extra review, in the caller's
    transaction; the co-ordinators are emailed once it commits."""
    from reviews.tasks import support_plan_notify

    today = today or _today()
    registration = review.registration
    extra = Review.objects.create(
        employer_id=review.employer_id,
        registration=registration,
        month=review.month,
        extra=True,
        due_on=today + EXTRA_REVIEW_AFTER,
        created_by=actor.user,
    )
    plan = SupportPlan.objects.create(
        employer_id=review.employer_id,
        registration=registration,
        review=review,
        extra_review=extra,
        created_by=actor.user,
    )
    audit_record(
        actor=actor,
        obj=plan,
        action="support_plan.started",
        changes={"review": review.pk, "extra_review": extra.pk, "extra_review_due_on": extra.due_on},
    )
    audit_record(
        actor=actor, obj=extra, action="review.added", changes={"extra": True, "due_on": extra.due_on}
    )
    employer_id, plan_id = plan.employer_id, plan.pk
    transaction.on_commit(lambda: support_plan_notify.delay(employer_id, plan_id))
    return plan


def _require_plan_open(plan: SupportPlan) -> None:
    if plan.status != SupportPlan.Status.OPEN:
        raise ValidationError("This support plan is closed: it can no longer be changed.")


@transaction.atomic
def support_plan_update(
    *,
    actor: Actor,
    plan: SupportPlan,
    version: int,
    concerns: str,
    extra_review_due_on: datetime.date | None,
    today: datetime.date | None = None,
) -> SupportPlan:
    """The concerns the plan addresses and when the extra review is due (while it is not signed)."""
    actor.require(Role.COORDINATOR, Role.ASSESSOR, employer=plan.employer_id)
    if not can_manage_support_plan(actor=actor, registration=plan.registration):
        raise PermissionDenied("Only the co-ordinator or the NQSW's assessor changes a support plan.")
    _require_plan_open(plan)
    today = today or _today()
    errors: dict[str, list[str]] = {}
    concerns = _clean_text(errors, "concerns", concerns, limit=MAX_REPORT_LENGTH, label="The concerns")
    if not concerns and "concerns" not in errors:
        errors["concerns"] = ["Enter the concerns the plan addresses"]
    extra = plan.extra_review
    if extra is not None and extra.assessor_signed_at is None:
        if extra_review_due_on is None:
            errors["extra_review_due_on"] = ["Enter the date the extra review is due"]
        elif extra_review_due_on < today:
            errors["extra_review_due_on"] = [
                "The date the extra review is due must be today or in the future"
            ]
    if errors:
        raise ValidationError(errors)
    before = {"concerns": plan.concerns}
    if extra is not None and extra.assessor_signed_at is None and extra.due_on != extra_review_due_on:
        before["extra_review_due_on"] = extra.due_on
        Review.objects.filter(pk=extra.pk).update(due_on=extra_review_due_on, updated_at=clock.now())
    after = {"concerns": concerns, "extra_review_due_on": extra_review_due_on}
    after = {name: after[name] for name in before}
    diff = changed_fields(before, after)
    if not diff:
        return plan
    plan = _claim(plan, version, concerns=concerns)
    if "concerns" in diff:
        diff["concerns"] = ["changed"]
    audit_record(actor=actor, obj=plan, action="support_plan.updated", changes=diff)
    return plan


def owner_choices(registration: Registration) -> list[tuple[int, str]]:
    """The people an action may be given to: the NQSW, their assessor and line manager, the co-ordinators."""
    people = {}
    for user, role in (
        (registration.nqsw, "NQSW"),
        (registration.assessor, "assessor"),
        (registration.line_manager, "line manager"),
    ):
        if user is not None:
            people.setdefault(user.pk, f"{user.full_name or user.email} ({role})")
    for membership in (
        Membership.objects.active()
        .filter(employer_id=registration.employer_id, role=Role.COORDINATOR)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    ):
        user = membership.user
        people.setdefault(user.pk, f"{user.full_name or user.email} (co-ordinator)")
    return list(people.items())


@transaction.atomic
def support_plan_action_add(
    *,
    actor: Actor,
    plan: SupportPlan,
    action: str,
    owner_id: int | None,
    owner_name: str = "",
    due_on: datetime.date | None,
    today: datetime.date | None = None,
) -> SupportPlanAction:
    """An action of the plan: what, who (one of the NQSW's people, or someone named), by when."""
    actor.require(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, employer=plan.employer_id)
    if not can_add_support_actions(actor=actor, registration=plan.registration):
        raise PermissionDenied("Only the co-ordinator, the assessor or the line manager adds actions.")
    _require_plan_open(plan)
    today = today or _today()
    errors: dict[str, list[str]] = {}
    action = _clean_text(errors, "action", action, limit=MAX_COMMENT_LENGTH, label="The action")
    if not action and "action" not in errors:
        errors["action"] = ["Enter the action"]
    owner_name = (owner_name or "").strip()
    if owner_id is not None:
        if owner_id not in dict(owner_choices(plan.registration)):
            errors["owner"] = ["Select who will do this"]
        owner_name = ""
    elif not owner_name:
        errors["owner_name"] = ["Enter the name of the person who will do this"]
    elif len(owner_name) > MAX_NAME_LENGTH:
        errors["owner_name"] = [f"The name must be {MAX_NAME_LENGTH} characters or fewer"]
    if due_on is None:
        errors["due_on"] = ["Enter the date the action is due"]
    elif due_on < today:
        errors["due_on"] = ["The date the action is due must be today or in the future"]
    if errors:
        raise ValidationError(errors)
    item = SupportPlanAction.objects.create(
        employer_id=plan.employer_id,
        plan=plan,
        action=action,
        owner_id=owner_id,
        owner_name=owner_name,
        due_on=due_on,
    )
    SupportPlan.objects.filter(pk=plan.pk).update(version=F("version") + 1, updated_at=clock.now())
    audit_record(
        actor=actor,
        obj=plan,
        action="support_plan.action_added",
        changes={"action": item.pk, "owner": owner_id or owner_name, "due_on": due_on},
    )
    return item


@transaction.atomic
def support_plan_action_done(
    *,
    actor: Actor,
    item: SupportPlanAction,
    done_on: datetime.date | None,
    today: datetime.date | None = None,
) -> SupportPlanAction:
    """Mark an action done on ``done_on``. Marking it again changes nothing."""
    plan = item.plan
    actor.require(Role.COORDINATOR, Role.ASSESSOR, Role.LINE_MANAGER, employer=item.employer_id)
    if not can_add_support_actions(actor=actor, registration=plan.registration):
        raise PermissionDenied("Only the co-ordinator, the assessor or the line manager updates actions.")
    _require_plan_open(plan)
    if item.done_on is not None:
        return item
    today = today or _today()
    if done_on is None:
        raise ValidationError({"done_on": ["Enter the date the action was done"]})
    if done_on > today:
        raise ValidationError({"done_on": ["The date the action was done must be today or in the past"]})
    if done_on < plan.created_at.date():
        raise ValidationError(
            {"done_on": ["The date the action was done must be on or after the day the plan started"]}
        )
    SupportPlanAction.objects.filter(pk=item.pk, done_on__isnull=True).update(done_on=done_on)
    item.refresh_from_db()
    SupportPlan.objects.filter(pk=plan.pk).update(version=F("version") + 1, updated_at=clock.now())
    audit_record(
        actor=actor,
        obj=plan,
        action="support_plan.action_done",
        changes={"action": item.pk, "done_on": done_on},
    )
    return item


@transaction.atomic
def support_plan_close(*, actor: Actor, plan: SupportPlan, version: int, note: str) -> SupportPlan:
    """Close the plan with a note saying how it ended."""
    actor.require(Role.COORDINATOR, Role.ASSESSOR, employer=plan.employer_id)
    if not can_manage_support_plan(actor=actor, registration=plan.registration):
        raise PermissionDenied("Only the co-ordinator or the NQSW's assessor closes a support plan.")
    _require_plan_open(plan)
    errors: dict[str, list[str]] = {}
    note = _clean_text(errors, "note", note, limit=MAX_REPORT_LENGTH, label="The closing note")
    if not note and "note" not in errors:
        errors["note"] = ["Enter a note on how the plan ended"]
    if errors:
        raise ValidationError(errors)
    plan = _claim(plan, version, status=SupportPlan.Status.CLOSED, closed_at=clock.now(), closing_note=note)
    audit_record(actor=actor, obj=plan, action="support_plan.closed")
    return plan


# --- The final recommendation -----------------------------------------------------------------------


def _check_recommendation(recommendation: str, evidence_summary: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    if recommendation not in Recommendation.values:
        errors["recommendation"] = ["Select whether you recommend a pass or that the NQSW is unsuccessful"]
    summary = _clean_text(
        errors, "evidence_summary", evidence_summary, limit=MAX_REPORT_LENGTH, label="The evidence summary"
    )
    if not summary and "evidence_summary" not in errors:
        errors["evidence_summary"] = ["Enter the summary of the evidence for your recommendation"]
    if errors:
        raise ValidationError(errors)
    return recommendation, summary


@transaction.atomic
def final_recommendation_create(
    *, actor: Actor, registration: Registration, recommendation: str, evidence_summary: str
) -> FinalRecommendation:
    """The assessor's recommendation at the end of the programme, once the final review is locked and the
    framework's minimum record is complete (``reviews.rules.recommendation_gaps``: every gap is listed)."""
    actor.require(Role.ASSESSOR, Role.COORDINATOR, employer=registration.employer_id)
    if not can_write_assessment(actor=actor, registration=registration):
        raise PermissionDenied("Only the NQSW's assessor writes the final recommendation.")
    _require_open(registration)
    rules.require_recommendation_record(registration)
    others = FinalRecommendation.objects.filter(registration=registration)
    if others.filter(status=FinalRecommendation.Status.REFERRED_BACK).exists():
        raise ValidationError("Revise the recommendation the panel referred back, then submit it again.")
    if others.exists():
        raise ValidationError("This NQSW already has a final recommendation.")
    recommendation, summary = _check_recommendation(recommendation, evidence_summary)
    try:
        with transaction.atomic():
            item = FinalRecommendation.objects.create(
                employer_id=registration.employer_id,
                registration=registration,
                recommendation=recommendation,
                evidence_summary=summary,
                created_by=actor.user,
            )
    except IntegrityError as exc:
        raise Conflict("Someone else has just started this NQSW's final recommendation.") from exc
    audit_record(
        actor=actor,
        obj=item,
        action="final_recommendation.created",
        changes={"recommendation": recommendation, "registration": registration.pk},
    )
    return item


EDITABLE_RECOMMENDATION = (FinalRecommendation.Status.DRAFT, FinalRecommendation.Status.REFERRED_BACK)


@transaction.atomic
def final_recommendation_update(
    *, actor: Actor, item: FinalRecommendation, version: int, recommendation: str, evidence_summary: str
) -> FinalRecommendation:
    """Change a draft, or revise one the panel referred back."""
    actor.require(Role.ASSESSOR, Role.COORDINATOR, employer=item.employer_id)
    if not can_write_assessment(actor=actor, registration=item.registration):
        raise PermissionDenied("Only the NQSW's assessor changes the final recommendation.")
    _require_open(item.registration)
    if item.status not in EDITABLE_RECOMMENDATION:
        raise ValidationError(
            f"This recommendation is {item.get_status_display().lower()}: it can no longer be changed."
        )
    recommendation, summary = _check_recommendation(recommendation, evidence_summary)
    before = {"recommendation": item.recommendation, "evidence_summary": item.evidence_summary}
    after = {"recommendation": recommendation, "evidence_summary": summary}
    diff = changed_fields(before, after)
    if not diff:
        return item
    item = _claim(item, version, **after)
    if "evidence_summary" in diff:
        diff["evidence_summary"] = ["changed"]
    audit_record(actor=actor, obj=item, action="final_recommendation.updated", changes=diff)
    return item


@transaction.atomic
def final_recommendation_submit(
    *, actor: Actor, item: FinalRecommendation, version: int
) -> FinalRecommendation:
    """The assessor submits the recommendation to the internal moderation panel, while the record still
    holds what a recommendation needs (``reviews.rules.recommendation_gaps``)."""
    actor.require(Role.ASSESSOR, employer=item.employer_id)
    _person(actor)
    registration = item.registration
    if not is_assessor(actor, registration):
        raise PermissionDenied("Only the NQSW's assessor submits the final recommendation.")
    _require_open(registration)
    if item.status == FinalRecommendation.Status.SUBMITTED:
        return item
    if item.status not in EDITABLE_RECOMMENDATION:
        raise ValidationError(
            f"This recommendation is {item.get_status_display().lower()}: it cannot be submitted again."
        )
    rules.require_recommendation_record(registration)
    _check_recommendation(item.recommendation, item.evidence_summary)
    item = _claim(
        item,
        version,
        status=FinalRecommendation.Status.SUBMITTED,
        submitted_at=clock.now(),
        submitted_by=actor.user,
    )
    audit_record(
        actor=actor,
        obj=item,
        action="final_recommendation.submitted",
        changes={"recommendation": item.recommendation},
    )
    progress_refresh(registration=registration)
    return item


# --- The internal moderation panel ------------------------------------------------------------------


def _check_panel(held_on, chair: str) -> tuple[datetime.date, str]:
    errors: dict[str, list[str]] = {}
    if held_on is None:
        errors["held_on"] = ["Enter the date of the panel"]
    chair = (chair or "").strip()
    if not chair:
        errors["chair"] = ["Enter the name of the panel's chair"]
    elif len(chair) > MAX_NAME_LENGTH:
        errors["chair"] = [f"The chair's name must be {MAX_NAME_LENGTH} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    return held_on, chair


def _coordinator_in_person(actor: Actor, employer_id: int | None = None) -> None:
    actor.require(Role.COORDINATOR, employer=employer_id if employer_id is not None else actor.employer_id)
    _person(actor)


@transaction.atomic
def panel_create(
    *, actor: Actor, held_on: datetime.date | None, chair: str, notes: str = ""
) -> ModerationPanel:
    _coordinator_in_person(actor)
    held_on, chair = _check_panel(held_on, chair)
    errors: dict[str, list[str]] = {}
    notes = _clean_text(errors, "notes", notes, limit=MAX_REPORT_LENGTH, label="The notes")
    if errors:
        raise ValidationError(errors)
    panel = ModerationPanel.objects.create(
        employer_id=actor.employer_id, held_on=held_on, chair=chair, notes=notes, created_by=actor.user
    )
    audit_record(actor=actor, obj=panel, action="panel.created", changes={"held_on": held_on, "chair": chair})
    return panel


def _require_panel_open(panel: ModerationPanel) -> None:
    if panel.status != ModerationPanel.Status.OPEN:
        raise ValidationError("This panel is closed: it can no longer be changed.")


@transaction.atomic
def panel_update(
    *, actor: Actor, panel: ModerationPanel, version: int, held_on, chair: str, notes: str
) -> ModerationPanel:
    """The panel's date, chair and notes. Its date is the outcome date of what it endorses, so it cannot
    change once the panel has decided a case."""
    _coordinator_in_person(actor, panel.employer_id)
    _require_panel_open(panel)
    held_on, chair = _check_panel(held_on, chair)
    errors: dict[str, list[str]] = {}
    notes = _clean_text(errors, "notes", notes, limit=MAX_REPORT_LENGTH, label="The notes")
    if held_on != panel.held_on and panel.decisions.exists():
        errors["held_on"] = ["The panel's date cannot change after it has decided a case"]
    if errors:
        raise ValidationError(errors)
    before = {"held_on": panel.held_on, "chair": panel.chair, "notes": panel.notes}
    after = {"held_on": held_on, "chair": chair, "notes": notes}
    diff = changed_fields(before, after)
    if not diff:
        return panel
    panel = _claim(panel, version, **after)
    audit_record(actor=actor, obj=panel, action="panel.updated", changes=diff)
    return panel


@transaction.atomic
def panel_member_add(*, actor: Actor, panel: ModerationPanel, name: str, role: str) -> PanelMember:
    _coordinator_in_person(actor, panel.employer_id)
    _require_panel_open(panel)
    errors: dict[str, list[str]] = {}
    name, role = (name or "").strip(), (role or "").strip()
    if not name:
        errors["name"] = ["Enter the member's name"]
    elif len(name) > MAX_NAME_LENGTH:
        errors["name"] = [f"The name must be {MAX_NAME_LENGTH} characters or fewer"]
    if not role:
        errors["role"] = ["Enter the member's role, like principal social worker"]
    elif len(role) > MAX_NAME_LENGTH:
        errors["role"] = [f"The role must be {MAX_NAME_LENGTH} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    member = PanelMember.objects.create(employer_id=panel.employer_id, panel=panel, name=name, role=role)
    ModerationPanel.objects.filter(pk=panel.pk).update(updated_at=clock.now())
    audit_record(actor=actor, obj=panel, action="panel.member_added", changes={"name": name, "role": role})
    return member


@transaction.atomic
def panel_member_remove(*, actor: Actor, member: PanelMember) -> None:
    panel = member.panel
    _coordinator_in_person(actor, panel.employer_id)
    _require_panel_open(panel)
    if panel.decisions.exists():
        raise ValidationError("Members cannot be removed after the panel has decided a case.")
    name = member.name
    member.delete()
    audit_record(actor=actor, obj=panel, action="panel.member_removed", changes={"name": name})


@transaction.atomic
def panel_close(*, actor: Actor, panel: ModerationPanel, version: int) -> ModerationPanel:
    """Close the panel: no more decisions. Cases it did not decide wait for the next panel."""
    _coordinator_in_person(actor, panel.employer_id)
    if panel.status == ModerationPanel.Status.CLOSED:
        return panel
    panel = _claim(panel, version, status=ModerationPanel.Status.CLOSED)
    audit_record(actor=actor, obj=panel, action="panel.closed")
    return panel


OUTCOME_OF = {Recommendation.PASS: Outcome.PASSED, Recommendation.UNSUCCESSFUL: Outcome.UNSUCCESSFUL}


@transaction.atomic
def panel_decide(
    *,
    actor: Actor,
    panel: ModerationPanel,
    item: FinalRecommendation,
    decision: str,
    reasons: str,
    panel_version: int,
    recommendation_version: int,
    today: datetime.date | None = None,
) -> PanelDecision:
    """Record the panel's decision on one submitted case, dated the day it is recorded (``today``): never
    before the panel meets, never at a panel held before the recommendation was submitted
    (``reviews.rules.panel_refusal``). Endorsing makes the employer the owner of the outcome: it is written
    on the registration (outcome, outcome date = the decision's day, completed), funding is told, and a
    pass makes the completion certificate available. Referring back returns it to the assessor."""
    _coordinator_in_person(actor, panel.employer_id)
    _require_panel_open(panel)
    today = today or _today()
    if item.employer_id != panel.employer_id:
        raise PermissionDenied("Not this employer's case.")
    if refusal := rules.panel_refusal(panel, item, today=today):
        raise ValidationError(refusal)
    if not panel.members.exists():
        raise ValidationError("Add the panel's members before you record its decisions.")
    if PanelDecision.objects.filter(panel=panel, recommendation=item).exists():
        raise ValidationError("This panel has already decided this case.")
    errors: dict[str, list[str]] = {}
    if decision not in PanelDecision.Decision.values:
        errors["decision"] = ["Select whether the panel endorses the recommendation or refers it back"]
    reasons = _clean_text(errors, "reasons", reasons, limit=MAX_REPORT_LENGTH, label="The reasons")
    if decision == PanelDecision.Decision.REFER_BACK and not reasons and "reasons" not in errors:
        errors["reasons"] = ["Enter the reasons for referring the recommendation back"]
    registration = Registration.objects.select_for_update().get(pk=item.registration_id)
    if decision == PanelDecision.Decision.ENDORSE and registration.status != RegistrationStatus.ACTIVE:
        errors.setdefault("decision", []).append(
            f"This registration is {registration.get_status_display().lower()}: the panel cannot endorse an "
            "outcome for it"
        )
    if errors:
        raise ValidationError(errors)
    _claim(panel, panel_version)
    endorsed = decision == PanelDecision.Decision.ENDORSE
    item = _claim(
        item,
        recommendation_version,
        status=FinalRecommendation.Status.ENDORSED if endorsed else FinalRecommendation.Status.REFERRED_BACK,
    )
    made = PanelDecision.objects.create(
        employer_id=panel.employer_id,
        panel=panel,
        recommendation=item,
        decision=decision,
        reasons=reasons,
        decided_by=actor.user,
    )
    audit_record(
        actor=actor,
        obj=item,
        action="final_recommendation.endorsed" if endorsed else "final_recommendation.referred_back",
        changes={"panel": panel.pk, "decision": decision, "reasons": reasons},
    )
    if endorsed:
        _record_outcome(actor=actor, registration=registration, item=item, panel=panel, decided_on=today)
    progress_refresh(registration=registration)  # the panel is done (or the case is back with the assessor)
    return made


def _record_outcome(
    *,
    actor: Actor,
    registration: Registration,
    item: FinalRecommendation,
    panel: ModerationPanel,
    decided_on: datetime.date,
) -> None:
    outcome = OUTCOME_OF[item.recommendation]
    changes = {"outcome": outcome, "outcome_date": decided_on, "status": RegistrationStatus.COMPLETED}
    # The programmes pattern: the write names the version it read (the row is locked, so it holds).
    updated = Registration.objects.filter(pk=registration.pk, version=registration.version).update(
        version=registration.version + 1, updated_at=clock.now(), **changes
    )
    if not updated:
        raise Conflict("This registration was changed by someone else. Reload it and try again.")
    before = {
        "outcome": registration.outcome,
        "outcome_date": registration.outcome_date,
        "status": registration.status,
    }
    registration.refresh_from_db()
    audit_record(
        actor=actor,
        obj=registration,
        action="registration.outcome_recorded",
        changes={**changed_fields(before, changes), "panel": panel.pk, "final_recommendation": item.pk},
    )
    funding_hooks.registration_outcome_recorded(actor=actor, registration=registration)


# --- The completion certificate -------------------------------------------------------------------------


def can_download_certificate(*, actor: Actor, registration: Registration) -> bool:
    """The NQSW, their assessor and the co-ordinator, in person."""
    return actor.api_token_id is None and (
        is_owner(actor, registration)
        or is_assessor(actor, registration)
        or is_coordinator(actor, registration)
    )


def certificate_issue(*, actor: Actor, registration: Registration) -> bytes:
    """The completion certificate of an endorsed pass as PDF bytes, for the people allowed; each download
    is audited (``certificate.downloaded``). The caller checks ``certificate_available`` first."""
    from reviews.certificate import certificate_pdf

    if not can_download_certificate(actor=actor, registration=registration):
        raise PermissionDenied("The certificate is for the NQSW, their assessor and the co-ordinator.")
    pdf = certificate_pdf(registration=registration)
    audit_record(actor=actor, obj=registration, action="certificate.downloaded", changes={"bytes": len(pdf)})
    return pdf
