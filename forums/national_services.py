"""Writes of the forums' organisers (national staff): forums, sessions, materials, feedback polls and
attendance. Called inside the audited national scope (the pages under /national/forums/); each checks
the role itself too."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record
from forums.models import (
    Forum,
    ForumKind,
    ForumMaterial,
    ForumSession,
    Poll,
    PollQuestion,
    QuestionKind,
    SessionSignup,
    SignupStatus,
)
from forums.notices import notice_send, session_notice
from portfolios.uploads import evidence_storage, verify_upload

FORUM_FIELDS = (
    "name",
    "kind",
    "summary",
    "for_nqsws",
    "for_assessors",
    "for_coordinators",
    "service_area",
    "self_identified",
    "cohort_places",
    "default_duration_minutes",
)


def _forum_errors(values: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    kind = values["kind"]
    if not any(values[flag] for flag in ("for_nqsws", "for_assessors", "for_coordinators")):
        errors["audience"] = ["Select who it is for"]
    if kind == ForumKind.GEMS and (values["for_assessors"] or values["for_coordinators"]):
        errors["audience"] = ["GEMS is for newly qualified social workers only"]
    if kind in (ForumKind.COURSE, ForumKind.ACTION_LEARNING) and not values["cohort_places"]:
        errors["cohort_places"] = ["Enter how many places the cohort has"]
    if kind not in (ForumKind.COURSE, ForumKind.ACTION_LEARNING) and values["cohort_places"]:
        errors["cohort_places"] = [
            "Only courses and action learning sets have a fixed cohort: leave this empty"
        ]
    if values["service_area"] and not values["for_nqsws"]:
        errors["service_area"] = ["A service area is only for a forum for newly qualified social workers"]
    return errors


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "forum"
    slug, n = base, 2
    while Forum.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def forum_save(
    *,
    actor: Actor,
    forum: Forum | None,
    name: str,
    kind: str,
    summary: str,
    audience: list[str],
    service_area: str = "",
    cohort_places: int | None = None,
    default_duration_minutes: int = 120,
) -> Forum:
    """Create a forum (``forum`` None) or change one. GEMS is the self-identified kind (joined by saying so,
    never inferred); courses and action learning sets have a fixed cohort. A forum's kind is kept once it
    has sessions (people signed up to it on those terms)."""
    actor.require(Role.NATIONAL_STAFF)
    if kind not in ForumKind.values:
        raise ValidationError({"kind": ["Select what kind it is"]})
    values = {
        "name": name.strip(),
        "kind": kind,
        "summary": summary.strip(),
        "for_nqsws": "for_nqsws" in audience,
        "for_assessors": "for_assessors" in audience,
        "for_coordinators": "for_coordinators" in audience,
        "service_area": service_area or "",
        "self_identified": kind == ForumKind.GEMS,
        "cohort_places": cohort_places,
        "default_duration_minutes": default_duration_minutes,
    }
    errors = _forum_errors(values)
    if forum is not None and kind != forum.kind and ForumSession.objects.filter(forum=forum).exists():
        errors["kind"] = ["The kind cannot change once the forum has sessions"]
    duplicate = Forum.objects.filter(name__iexact=values["name"])
    if forum is not None:
        duplicate = duplicate.exclude(pk=forum.pk)
    if duplicate.exists():
        errors["name"] = ["There is already a forum with this name"]
    if errors:
        raise ValidationError(errors)
    if forum is None:
        forum = Forum.objects.create(slug=_unique_slug(values["name"]), created_at=clock.now(), **values)
        audit_record(actor=actor, obj=forum, action="forums.forum_created", changes={"name": forum.name})
        return forum
    changes = {
        name: [getattr(forum, name), value] for name, value in values.items() if getattr(forum, name) != value
    }
    if changes:
        Forum.objects.filter(pk=forum.pk).update(**values)
        audit_record(actor=actor, obj=forum, action="forums.forum_changed", changes=changes)
    return Forum.objects.get(pk=forum.pk)


@transaction.atomic
def session_create(
    *,
    actor: Actor,
    forum: Forum,
    topic: str,
    starts_at: datetime.datetime,
    duration_minutes: int | None = None,
    speaker: str = "",
    capacity: int | None = None,
    joining_details: str = "",
) -> ForumSession:
    """Add a session to a forum (two hours unless said otherwise). A course's enrolled people get a
    place at it."""
    actor.require(Role.NATIONAL_STAFF)
    if starts_at <= clock.now():
        raise ValidationError({"starts_at": "The session must start in the future"})
    session = ForumSession.objects.create(
        forum=forum,
        topic=topic.strip(),
        speaker=speaker.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes or forum.default_duration_minutes,
        capacity=capacity if capacity is not None else forum.cohort_places,
        joining_details=joining_details.strip(),
        created_at=clock.now(),
    )
    if forum.cohort_places is not None:
        from forums.models import ForumMembership

        members = ForumMembership.objects.filter(
            forum=forum, left_at__isnull=True, waiting=False
        ).values_list("person_id", flat=True)
        SessionSignup.objects.bulk_create(
            SessionSignup(
                session=session,
                person_id=person_id,
                private=forum.private,
                status=SignupStatus.BOOKED,
                signed_up_at=clock.now(),
            )
            for person_id in members
        )
    audit_record(actor=actor, obj=session, action="forums.session_created", changes={"topic": session.topic})
    return session


@transaction.atomic
def session_cancel(*, actor: Actor, session: ForumSession) -> ForumSession:
    """Cancel a session still to come and tell everyone with a place or waiting."""
    actor.require(Role.NATIONAL_STAFF)
    if session.cancelled_at:
        return session
    ForumSession.objects.filter(pk=session.pk).update(cancelled_at=clock.now())
    for signup in (
        SessionSignup.objects.filter(session=session)
        .exclude(status=SignupStatus.CANCELLED)
        .select_related("person")
    ):
        notice_send(
            person=signup.person,
            kind="forums.session_cancelled",
            key=f"session:{session.pk}",
            **session_notice(session, "Cancelled:"),
        )
    audit_record(actor=actor, obj=session, action="forums.session_cancelled")
    return ForumSession.objects.get(pk=session.pk)


@transaction.atomic
def attendance_record(*, actor: Actor, session: ForumSession, attended: set[int]) -> int:
    """Record who attended (ids of sign-ups with a place); everyone else with a place did not. Counts for
    each person's CPD record. Returns how many attended."""
    actor.require(Role.NATIONAL_STAFF)
    if session.starts_at > clock.now():
        raise ValidationError("Attendance is recorded once the session has started.")
    booked = SessionSignup.objects.filter(session=session, status=SignupStatus.BOOKED)
    unknown = attended - set(booked.values_list("pk", flat=True))
    if unknown:
        raise ValidationError("Record attendance only for people with a place.")
    booked.filter(pk__in=attended).update(attended=True, attendance_recorded_by=actor.user)
    booked.exclude(pk__in=attended).update(attended=False, attendance_recorded_by=actor.user)
    ForumSession.objects.filter(pk=session.pk).update(attendance_recorded_at=clock.now())
    audit_record(
        actor=actor, obj=session, action="forums.attendance_recorded", changes={"attended": len(attended)}
    )
    return len(attended)


@transaction.atomic
def material_add(
    *,
    actor: Actor,
    forum: Forum,
    title: str,
    session: ForumSession | None = None,
    url: str = "",
    upload: UploadedFile | None = None,
) -> ForumMaterial:
    """Add a handbook or a session's material: a link, or a file checked as evidence files are (type by
    content, size, virus scan) and stored under a server-made name in the national area."""
    actor.require(Role.NATIONAL_STAFF)
    if bool(url) == bool(upload):
        raise ValidationError({"url": "Give a link or choose a file (not both)"})
    material = ForumMaterial(
        forum=forum,
        session=session,
        title=title.strip(),
        url=url,
        created_at=clock.now(),
        created_by=actor.user,
    )
    if upload is not None:
        verified = verify_upload(upload)
        upload.seek(0)
        material.storage_name = evidence_storage().save(f"national/forums/{uuid.uuid4().hex}", upload)
        material.original_name = verified.original_name
        material.content_type = verified.content_type
        material.size = verified.size
    material.save()
    audit_record(actor=actor, obj=material, action="forums.material_added", changes={"title": material.title})
    return material


@transaction.atomic
def poll_create(*, actor: Actor, session: ForumSession, title: str, questions: list[dict]) -> Poll:
    """The session's feedback poll: ``questions`` as ``{"text", "kind", "options"}`` in order."""
    actor.require(Role.NATIONAL_STAFF)
    if Poll.objects.filter(session=session).exists():
        raise ValidationError("This session already has a poll.")
    if not questions:
        raise ValidationError("Add at least one question")
    poll = Poll.objects.create(session=session, title=title.strip(), created_at=clock.now())
    for position, question in enumerate(questions, start=1):
        kind = question["kind"]
        if kind not in QuestionKind.values:
            raise ValidationError(f"Unknown kind of question: {kind}")
        options = [str(o).strip() for o in question.get("options", []) if str(o).strip()]
        if kind == QuestionKind.CHOICE and len(options) < 2:
            raise ValidationError("A question answered from a list needs at least two options")
        PollQuestion.objects.create(
            poll=poll, position=position, text=question["text"].strip(), kind=kind, options=options
        )
    audit_record(actor=actor, obj=poll, action="forums.poll_created", changes={"questions": len(questions)})
    return poll
