"""Writes about portfolio evidence and submitting a portfolio for moderation.

The NQSW owns their evidence: they create it, edit it while it is a draft or their assessor has asked
for more, tag it to statements of their portfolio's capability frameworks, add files and a critical
reflection, and share it with their assessor. The assessor responds: accepted, or more needed with a
comment. Accepted evidence changes only as an amendment (``portfolios.evidence_amendments``). The
co-ordinator or the NQSW submits the portfolio for moderation, after which nothing in it changes. Every
change is audited; writes to evidence carry its ``version`` and a stale one is a ``Conflict`` (409).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, audited_create, audited_update, changed_fields
from asye.errors import Conflict
from asye.records import locked_at, versioned_update
from portfolios.access import is_coordinator, is_owner, require_assessor, require_owner, require_writable
from portfolios.models import (
    CapabilityStatement,
    Evidence,
    EvidenceFile,
    EvidenceTag,
    Portfolio,
    PortfolioCapabilitySet,
)
from portfolios.uploads import evidence_storage, store_upload, verify_upload
from programmes.models import Registration

MAX_TITLE_LENGTH = 200
MAX_TEXT_LENGTH = 20_000
MAX_COMMENT_LENGTH = 5_000
MAX_FILES_PER_EVIDENCE = 10
EDITABLE_STATUSES = (Evidence.Status.DRAFT, Evidence.Status.MORE_NEEDED)
EVIDENCE_CHANGED = (
    "This evidence was changed by someone else, or in another tab, since you opened it. "
    "Check it and try again."
)


def _today() -> datetime.date:
    return clock.today()


def _registration_of(portfolio: Portfolio) -> Registration:
    return Registration.objects.select_related("framework_version").get(pk=portfolio.registration_id)


def _require_nqsw(actor: Actor, portfolio: Portfolio, registration: Registration) -> None:
    actor.require(Role.NQSW, employer=portfolio.employer_id)
    require_owner(actor, registration)
    require_writable(portfolio, registration)


def statements_of(portfolio: Portfolio, statement_ids: Iterable[int]) -> list[CapabilityStatement]:
    """The chosen statements, each of which must belong to one of the portfolio's capability sets."""
    wanted = {int(pk) for pk in statement_ids}
    statements = list(
        CapabilityStatement.objects.filter(
            pk__in=wanted,
            capability_set_id__in=PortfolioCapabilitySet.objects.filter(portfolio=portfolio).values(
                "capability_set_id"
            ),
        )
    )
    if len(statements) != len(wanted):
        raise ValidationError({"statements": ["Select capabilities from your portfolio's frameworks only"]})
    return statements


def check_fields(
    *, title: str, description: str, reflection: str, occurred_on: datetime.date | None, today: datetime.date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Enter a title for the evidence"]
    elif len(title) > MAX_TITLE_LENGTH:
        errors["title"] = [f"The title must be {MAX_TITLE_LENGTH} characters or fewer"]
    for name, value, what in (
        ("description", description, "The evidence"),
        ("reflection", reflection, "Your reflection"),
    ):
        if len(value) > MAX_TEXT_LENGTH:
            errors[name] = [f"{what} must be {MAX_TEXT_LENGTH:,} characters or fewer"]
    if occurred_on is not None and occurred_on > today:
        errors["occurred_on"] = ["The date of the practice must be today or in the past"]
    return errors


def _nqsw_editing(actor: Actor, evidence: Evidence, version: int) -> Evidence:
    """The NQSW's evidence, locked, as they change it: only the NQSW, only at the version they read
    (else Conflict), only while it is a draft or more is needed."""
    portfolio = evidence.portfolio
    _require_nqsw(actor, portfolio, _registration_of(portfolio))
    current = locked_at(Evidence.objects, evidence.pk, version, EVIDENCE_CHANGED)
    _require_editable(current)
    return current


def _checked(portfolio, statement_ids, words: dict[str, str], *, occurred_on, today) -> list:
    """Evidence's ``words`` (title, description, reflection) and date checked (a ValidationError by
    field), then the capability statements chosen, of the portfolio's frameworks."""
    errors = check_fields(**words, occurred_on=occurred_on, today=today or _today())
    if errors:
        raise ValidationError(errors)
    return statements_of(portfolio, statement_ids)


def set_tags(evidence: Evidence, statements: list[CapabilityStatement]) -> None:
    wanted = {s.pk for s in statements}
    existing = set(EvidenceTag.objects.filter(evidence=evidence).values_list("statement_id", flat=True))
    EvidenceTag.objects.filter(evidence=evidence, statement_id__in=existing - wanted).delete()
    EvidenceTag.objects.bulk_create(
        EvidenceTag(employer_id=evidence.employer_id, evidence=evidence, statement_id=pk)
        for pk in sorted(wanted - existing)
    )


def _claim(evidence: Evidence, version: int, **changes) -> Evidence:
    """Write ``changes`` if the evidence is still at ``version``; otherwise 409."""
    return versioned_update(evidence, version, EVIDENCE_CHANGED, stale_without_version=True, **changes)


def _claim_audited(evidence: Evidence, version: int, **audited) -> Evidence:
    """``_claim`` with its audit event: ``audited`` is what ``audited_update`` takes besides the record,
    version and conflict (``actor``, ``action``, ``changes``, ``words``, the fields written); with no
    ``changes`` nothing is written."""
    return audited_update(evidence, version, EVIDENCE_CHANGED, stale_without_version=True, **audited)


def _files_add(*, actor: Actor, evidence: Evidence, uploads: list[UploadedFile]) -> list[EvidenceFile]:
    """Verify then store each file; on any failure, remove what this call stored."""
    already = EvidenceFile.objects.filter(evidence=evidence).count()
    if already + len(uploads) > MAX_FILES_PER_EVIDENCE:
        raise ValidationError(
            {"file": [f"You can add up to {MAX_FILES_PER_EVIDENCE} files to one piece of evidence"]}
        )
    verified = [(upload, verify_upload(upload)) for upload in uploads]
    stored: list[str] = []
    made: list[EvidenceFile] = []
    try:
        for upload, check in verified:
            name = store_upload(upload, employer_id=evidence.employer_id)
            stored.append(name)
            made.append(
                audited_create(
                    EvidenceFile,
                    actor=actor,
                    action="evidence_file.added",
                    audit=("content_type", "size", "sha256"),
                    changes={"evidence": evidence.pk, "name": check.original_name},
                    employer_id=evidence.employer_id,
                    evidence=evidence,
                    storage_name=name,
                    original_name=check.original_name,
                    content_type=check.content_type,
                    size=check.size,
                    sha256=check.sha256,
                    uploaded_by=actor.user,
                )
            )
    except Exception:
        storage = evidence_storage()
        for name in stored:
            storage.delete(name)
        raise
    # If the request's transaction is later rolled back, the rows go but the bytes would stay: the
    # storage names are random and unreferenced, and docs/portfolios.md describes sweeping them.
    return made


@transaction.atomic
def evidence_create(
    *,
    actor: Actor,
    portfolio: Portfolio,
    title: str,
    description: str = "",
    reflection: str = "",
    occurred_on: datetime.date | None = None,
    statement_ids: Iterable[int] = (),
    files: list[UploadedFile] | None = None,
    today: datetime.date | None = None,
) -> Evidence:
    """The NQSW adds a draft piece of evidence, optionally with files and its capability tags."""
    registration = _registration_of(portfolio)
    _require_nqsw(actor, portfolio, registration)
    words = {"title": title, "description": description, "reflection": reflection}
    statements = _checked(portfolio, statement_ids, words, occurred_on=occurred_on, today=today)
    evidence = audited_create(
        Evidence,
        actor=actor,
        action="evidence.created",
        audit=("title", "occurred_on"),
        changes={"portfolio": portfolio.pk, "statements": sorted(s.pk for s in statements)},
        employer_id=portfolio.employer_id,
        portfolio=portfolio,
        title=title.strip(),
        description=description.strip(),
        reflection=reflection.strip(),
        occurred_on=occurred_on,
        created_by=actor.user,
    )
    set_tags(evidence, statements)
    if files:
        _files_add(actor=actor, evidence=evidence, uploads=files)
    return evidence


ACCEPTED_MESSAGE = (
    "This evidence has been accepted by your assessor: what they accepted changes only as an amendment, "
    "with a reason, by your assessor or the co-ordinator. You can add a later reflection to it"
)


def _require_editable(evidence: Evidence) -> None:
    if evidence.status == Evidence.Status.ACCEPTED:
        raise ValidationError(ACCEPTED_MESSAGE)
    if evidence.status not in EDITABLE_STATUSES:
        raise ValidationError(
            f"This evidence is {evidence.get_status_display().lower()}: it can only be changed while it is a "
            "draft or your assessor has asked for more."
        )


@transaction.atomic
def evidence_update(
    *,
    actor: Actor,
    evidence: Evidence,
    version: int,
    title: str,
    description: str,
    reflection: str,
    occurred_on: datetime.date | None,
    statement_ids: Iterable[int],
    today: datetime.date | None = None,
) -> Evidence:
    """The NQSW changes their evidence while it is a draft or more is needed."""
    portfolio = evidence.portfolio
    current = _nqsw_editing(actor, evidence, version)
    words = {"title": title, "description": description, "reflection": reflection}
    statements = _checked(portfolio, statement_ids, words, occurred_on=occurred_on, today=today)
    before = {
        "title": current.title,
        "description": current.description,
        "reflection": current.reflection,
        "occurred_on": current.occurred_on,
        "statements": sorted(current.tags.values_list("statement_id", flat=True)),
    }
    after = {
        "title": title.strip(),
        "description": description.strip(),
        "reflection": reflection.strip(),
        "occurred_on": occurred_on,
        "statements": sorted(s.pk for s in statements),
    }
    diff = changed_fields(before, after)
    fields = {name: after[name] for name in ("title", "description", "reflection", "occurred_on")}
    # The words of the evidence and the reflection are personal: the trail says they changed, not what to.
    evidence = _claim_audited(
        current,
        version,
        actor=actor,
        action="evidence.updated",
        changes=diff,
        words=("description", "reflection"),
        **fields,
    )
    if diff:
        set_tags(evidence, statements)
    return evidence


@transaction.atomic
def evidence_share(*, actor: Actor, evidence: Evidence, version: int) -> Evidence:
    """The NQSW shares a draft (or evidence they have added more to) with their assessor. It must say
    which capabilities it supports, hold the evidence itself (text or a file) and the reflection."""
    portfolio = evidence.portfolio
    registration = _registration_of(portfolio)
    _require_nqsw(actor, portfolio, registration)
    current = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if current.status == Evidence.Status.SHARED:
        return current
    if current.version != version:
        raise Conflict(EVIDENCE_CHANGED)
    _require_editable(current)
    errors: dict[str, list[str]] = {}
    if not current.tags.exists():
        errors["statements"] = ["Select at least one capability this evidence supports before you share it"]
    if not current.description.strip() and not current.files.exists():
        errors["description"] = ["Describe the evidence or add a file before you share it"]
    if not current.reflection.strip():
        errors["reflection"] = ["Add your critical reflection before you share this evidence"]
    if registration.assessor_id is None:
        errors["__all__"] = [
            "You do not have an assessor yet. Ask your ASYE co-ordinator to allocate one, then share it"
        ]
    if errors:
        raise ValidationError(errors)
    return _claim_audited(
        current,
        version,
        actor=actor,
        action="evidence.shared",
        changes={"status": [current.status, Evidence.Status.SHARED], "assessor": registration.assessor_id},
        status=Evidence.Status.SHARED,
        shared_at=clock.now(),
    )


@transaction.atomic
def evidence_respond(
    *, actor: Actor, evidence: Evidence, version: int, decision: str, comment: str = ""
) -> Evidence:
    """The NQSW's assessor accepts shared evidence, or asks for more with a comment saying what."""
    portfolio = evidence.portfolio
    registration = _registration_of(portfolio)
    actor.require(Role.ASSESSOR, employer=portfolio.employer_id)
    require_assessor(actor, registration)
    require_writable(portfolio, registration)
    current = locked_at(
        Evidence.objects,
        evidence.pk,
        version,
        "This evidence was changed since you opened it: the NQSW may have shared a new version. "
        "Read it again before you respond.",
    )
    if current.status != Evidence.Status.SHARED:
        raise ValidationError(
            "You can respond only to evidence that is shared with you and waiting for a response."
        )
    comment = comment.strip()
    errors: dict[str, list[str]] = {}
    if decision not in (Evidence.Status.ACCEPTED, Evidence.Status.MORE_NEEDED):
        errors["decision"] = ["Select whether you accept the evidence or need more"]
    elif decision == Evidence.Status.MORE_NEEDED and not comment:
        errors["comment"] = ["Enter what more the NQSW needs to show"]
    if len(comment) > MAX_COMMENT_LENGTH:
        errors["comment"] = [f"Your comment must be {MAX_COMMENT_LENGTH:,} characters or fewer"]
    if errors:
        raise ValidationError(errors)
    return _claim_audited(
        current,
        version,
        actor=actor,
        action="evidence.responded",
        changes={"status": [Evidence.Status.SHARED, decision], "comment": bool(comment)},
        status=decision,
        response_comment=comment,
        responded_by=actor.user,
        responded_at=clock.now(),
    )


@transaction.atomic
def evidence_file_add(
    *, actor: Actor, evidence: Evidence, version: int, upload: UploadedFile | None
) -> EvidenceFile:
    """The NQSW adds a file to their evidence while they can change it (the evidence's version moves on,
    so an assessor reading an older version cannot respond to it unawares)."""
    current = _nqsw_editing(actor, evidence, version)
    if upload is None:
        raise ValidationError({"file": ["Select a file"]})
    (made,) = _files_add(actor=actor, evidence=current, uploads=[upload])
    _claim(current, version)
    return made


@transaction.atomic
def evidence_file_remove(*, actor: Actor, file: EvidenceFile) -> None:
    """The NQSW removes a file from evidence they can still change; its bytes go once the change commits."""
    evidence = file.evidence
    portfolio = evidence.portfolio
    registration = _registration_of(portfolio)
    _require_nqsw(actor, portfolio, registration)
    current = Evidence.objects.select_for_update().get(pk=evidence.pk)
    _require_editable(current)
    evidence_file_discard(actor=actor, file=file)
    _claim(current, current.version)


def evidence_file_discard(*, actor: Actor, file: EvidenceFile, **audited) -> None:
    """Delete ``file`` and audit it (with ``audited``: an amendment says so); its bytes go once the
    change commits, so a rolled-back change keeps them."""
    audit_record(
        actor=actor,
        obj=file,
        action="evidence_file.removed",
        changes={"evidence": file.evidence_id, "name": file.original_name, "sha256": file.sha256, **audited},
    )
    name = file.storage_name
    file.delete()
    storage = evidence_storage()
    transaction.on_commit(lambda: storage.delete(name))


def can_submit(actor: Actor, registration: Registration) -> bool:
    return is_owner(actor, registration) or is_coordinator(actor, registration)


@transaction.atomic
def portfolio_submit(*, actor: Actor, portfolio: Portfolio) -> Portfolio:
    """Submit the portfolio for moderation (the internal panel, and national sampling). From then on it
    is read-only. The NQSW or the co-ordinator submits; it needs evidence the assessor has seen."""
    registration = _registration_of(portfolio)
    actor.require(Role.NQSW, Role.COORDINATOR, employer=portfolio.employer_id)
    if not can_submit(actor, registration):
        raise PermissionDenied("Only the NQSW or the ASYE co-ordinator can submit the portfolio.")
    if portfolio.submitted_at is not None:
        return portfolio
    require_writable(portfolio, registration)
    shared = Evidence.objects.filter(portfolio=portfolio).exclude(status=Evidence.Status.DRAFT).exists()
    if not shared:
        raise ValidationError(
            "Share at least one piece of evidence with the assessor before submitting the portfolio."
        )
    now = clock.now()
    claimed = Portfolio.objects.filter(pk=portfolio.pk, submitted_at__isnull=True).update(
        submitted_at=now, submitted_by=actor.user, updated_at=now
    )
    portfolio.refresh_from_db()
    if not claimed:
        return portfolio
    audit_record(
        actor=actor,
        obj=portfolio,
        action="portfolio.submitted",
        changes={"registration": registration.pk, "submitted_at": now},
    )
    return portfolio
