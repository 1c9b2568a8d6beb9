"""Writes about an NQSW's support needs (reasonable adjustments, Access to Work): recorded by the NQSW,
who alone may change their words and whether they are shared; the status is updated by the NQSW or the
co-ordinator, along ``NEXT_STATUSES``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audited_create, audited_update, changed_fields
from asye.errors import Conflict
from programmes.models import Registration, SupportNeed
from programmes.support_services import is_person, refuse_unless, require_recordable

MAX_DETAIL_LENGTH = 5000

# Which statuses may follow which. In place, declined and withdrawn are final: a new need is recorded
# if things change.
NEXT_STATUSES = {
    SupportNeed.Status.REQUESTED: {
        SupportNeed.Status.IN_PROGRESS,
        SupportNeed.Status.IN_PLACE,
        SupportNeed.Status.DECLINED,
        SupportNeed.Status.WITHDRAWN,
    },
    SupportNeed.Status.IN_PROGRESS: {
        SupportNeed.Status.IN_PLACE,
        SupportNeed.Status.DECLINED,
        SupportNeed.Status.WITHDRAWN,
    },
}
RESOLVED_STATUSES = {SupportNeed.Status.IN_PLACE, SupportNeed.Status.DECLINED, SupportNeed.Status.WITHDRAWN}


def is_nqsw_of(actor: Actor, registration: Registration) -> bool:
    return actor.has_role(Role.NQSW) and is_person(actor, registration.nqsw_id)


def status_choices_for(*, actor: Actor, need: SupportNeed) -> list[tuple[str, str]]:
    """The statuses this actor may move the need to now (only the NQSW withdraws their own request)."""
    allowed = NEXT_STATUSES.get(need.status, set())
    if not is_nqsw_of(actor, need.registration):
        allowed = allowed - {SupportNeed.Status.WITHDRAWN}
    return [(value, label) for value, label in SupportNeed.Status.choices if value in allowed]


def _clean_detail(detail: str, errors: dict[str, list[str]]) -> str:
    detail = (detail or "").strip()
    if len(detail) > MAX_DETAIL_LENGTH:
        errors["detail"] = [f"The detail must be {MAX_DETAIL_LENGTH} characters or fewer"]
    return detail


@transaction.atomic
def support_need_create(
    *,
    actor: Actor,
    registration: Registration,
    kind: str,
    requested_on: datetime.date | None,
    detail: str = "",
    detail_shared: bool = False,
    today: datetime.date | None = None,
) -> SupportNeed:
    """The NQSW records, for themselves, a request for reasonable adjustments or Access to Work.

    The audit trail records the kind, date and whether the detail is shared, never the detail: the
    co-ordinator can read the trail."""
    actor.require(Role.NQSW, employer=registration.employer_id)
    refuse_unless(is_nqsw_of(actor, registration), "Only the NQSW records their own support needs.")
    require_recordable(registration)
    today = today or clock.today()
    errors: dict[str, list[str]] = {}
    if kind not in SupportNeed.Kind.values:
        errors["kind"] = ["Select the kind of support you asked for"]
    if requested_on is None:
        errors["requested_on"] = ["Enter the date you asked for it"]
    elif requested_on > today:
        errors["requested_on"] = ["The date you asked for it must be today or in the past"]
    elif requested_on < registration.qualification_date:
        errors["requested_on"] = ["The date you asked for it must be on or after the date you qualified"]
    detail = _clean_detail(detail, errors)
    if errors:
        raise ValidationError(errors)
    return audited_create(
        SupportNeed,
        actor=actor,
        action="support_need.created",
        audit=("registration", "kind", "requested_on", "detail_shared"),
        employer_id=registration.employer_id,
        registration=registration,
        kind=kind,
        requested_on=requested_on,
        detail=detail,
        detail_shared=bool(detail_shared) and bool(detail),
        created_by=actor.user,
    )


NEED_CHANGED = "This support need was changed by someone else. Check its status and try again."


def _write_need(
    need: SupportNeed, version: int, *, actor: Actor, action: str, changes: dict, **fields
) -> SupportNeed:
    """Write ``fields`` if the need is still at ``version`` (otherwise Conflict, 409) and audit ``changes``
    as ``action``; with no ``changes`` nothing is written."""
    return audited_update(
        need,
        version,
        NEED_CHANGED,
        actor=actor,
        action=action,
        changes=changes,
        stale_without_version=True,
        **fields,
    )


@transaction.atomic
def support_need_set_status(
    *,
    actor: Actor,
    need: SupportNeed,
    status: str,
    version: int,
    today: datetime.date | None = None,
) -> SupportNeed:
    """Move a support need on (requested → being arranged → in place, declined or withdrawn). The NQSW
    or the co-ordinator; only the NQSW withdraws. A stale ``version`` raises Conflict."""
    actor.require(Role.COORDINATOR, Role.NQSW, employer=need.employer_id)
    registration = need.registration
    refuse_unless(
        actor.has_role(Role.COORDINATOR) or is_nqsw_of(actor, registration),
        "Only the NQSW or the co-ordinator updates a support need.",
    )
    if need.version != version:
        raise Conflict(NEED_CHANGED)
    if status not in dict(status_choices_for(actor=actor, need=need)):
        if need.status in RESOLVED_STATUSES:
            raise ValidationError(
                {"status": [f"This support need is already {need.get_status_display().lower()}"]}
            )
        raise ValidationError({"status": ["Select a new status"]})
    today = today or clock.today()
    resolved_on = today if status in RESOLVED_STATUSES else None
    before = {"status": need.status, "resolved_on": need.resolved_on}
    return _write_need(
        need,
        version,
        actor=actor,
        action="support_need.status_changed",
        changes=changed_fields(before, {"status": status, "resolved_on": resolved_on}),
        status=status,
        resolved_on=resolved_on,
    )


@transaction.atomic
def support_need_update_detail(
    *, actor: Actor, need: SupportNeed, detail: str, detail_shared: bool, version: int
) -> SupportNeed:
    """The NQSW changes their own words or whether the co-ordinator may read them (sharing can be
    withdrawn at any time). The audit trail records only that the detail changed, never the text."""
    actor.require(Role.NQSW, employer=need.employer_id)
    refuse_unless(is_nqsw_of(actor, need.registration), "Only the NQSW changes the detail of their request.")
    errors: dict[str, list[str]] = {}
    detail = _clean_detail(detail, errors)
    if errors:
        raise ValidationError(errors)
    shared = bool(detail_shared) and bool(detail)
    changes = {}
    if detail != need.detail:
        changes["detail_changed"] = True
    if shared != need.detail_shared:
        changes["detail_shared"] = [need.detail_shared, shared]
    return _write_need(
        need,
        version,
        actor=actor,
        action="support_need.detail_changed",
        changes=changes,
        detail=detail,
        detail_shared=shared,
    )
