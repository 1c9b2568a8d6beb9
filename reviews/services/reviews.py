"""Scheduling reviews from the framework's review points, and the assessor's report on a draft review."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, changed_fields
from asye.errors import Conflict
from asye.records import created_unless_taken
from portfolios.access import is_coordinator
from programmes.models import Registration, RegistrationStatus
from programmes.progress_store import progress_refresh
from reviews import rules
from reviews.models import Review, ReviewOutcome
from reviews.selectors import review_points
from reviews.services.access import (
    ASSESSOR_FIELDS,
    can_write_assessment,
    require_assessment_writer,
    require_open,
)
from reviews.services.saving import MAX_REPORT_LENGTH, claim, clean_text, format_date

TEXT_FIELDS = ("progress_pcf", "progress_standards", "nqsw_comments", "line_manager_comments")


def reviews_schedule(
    *, actor: Actor, registrations: list[Registration], today: datetime.date | None = None
) -> None:
    """Make sure every open registration has a review for each of its framework's review points, due when
    its timeline says (part-time hours, deferrals and extensions move them), and move the due date of
    reviews not yet signed when the timeline has moved (not while a deferral is open: the dates then move
    every day, and settle when the NQSW resumes). Safe to repeat and to run concurrently."""
    today = today or clock.today()
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
    require_open(registration)
    point = next(
        (p for p in review_points(registration=registration, today=today) if p.optional and p.month == month),
        None,
    )
    if point is None:
        raise ValidationError({"month": [f"This programme does not offer an optional {month}-month review"]})
    existing = Review.objects.filter(registration=registration, extra=False, month=month).first()
    if existing is not None:
        return existing
    review = created_unless_taken(
        Review,
        employer_id=registration.employer_id,
        registration=registration,
        month=month,
        due_on=point.due,
        created_by=actor.user,
    )
    if review is None:
        return Review.objects.get(registration=registration, extra=False, month=month)
    audit_record(
        actor=actor, obj=review, action="review.added", changes={"month": month, "due_on": point.due}
    )
    progress_refresh(registration=registration)  # the optional review is now on the timeline
    return review


def check_report(review: Review, changes: dict, today: datetime.date, *, complete: bool = False) -> dict:
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
                + format_date(registration.start_date)
            ]
        elif problem := rules.held_on_error(review, day, today=today):
            errors["held_on"] = [problem]
        cleaned["held_on"] = day
    for name, label in (("progress_pcf", "Progress against the PCF"), ("progress_standards", "Progress")):
        if name in changes:
            cleaned[name] = clean_text(errors, name, changes[name], limit=MAX_REPORT_LENGTH, label=label)
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


def audit_changes(before: dict, after: dict) -> dict:
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
    require_open(registration)
    if review.assessor_signed_at is not None:
        raise ValidationError(
            "This review has been signed: change it as an amendment, giving the reason for the change."
        )
    cleaned = check_report(review, changes, today or clock.today())
    before = {name: getattr(review, name) for name in cleaned}
    diff = changed_fields(before, cleaned)
    if not diff:
        return review  # nothing to save, so nothing of anyone's can be lost
    review = claim(review, version, **{name: cleaned[name] for name in diff})
    audit_record(actor=actor, obj=review, action="review.updated", changes=audit_changes(before, cleaned))
    return review


@transaction.atomic
def review_record(
    *, actor: Actor, registration: Registration, month: int, today: datetime.date | None = None, **fields
) -> Review:
    """Record a review's report for a registration's review point (the API's POST): the scheduled review
    of that month, or the optional one the framework offers. Only onto a review nobody has written yet:
    a review already written is changed with its version (``review_update``), else ``Conflict``."""
    require_assessment_writer(
        actor, registration, "Only the NQSW's assessor, or your organisation's systems, record a review."
    )
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
