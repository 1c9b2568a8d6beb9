"""Writes about grant applications: the co-ordinator starts the year's application, fills in the contact,
the director, the declarations and the action plan for continuous improvement, and submits it; national
staff accept it or return it with comments; once accepted, the co-ordinator records the actions' progress.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from asye import clock
from asye.accounts.actor import Actor
from asye.accounts.models import Role
from asye.audit.services import audit_record, audited_update, changed_fields
from asye.errors import Conflict
from asye.records import versioned_update
from asye.tenancy.db import system_national_context
from funding.models import ActionPlanItem, FundingYear, GrantApplication
from funding.separation import audits_refusals, refuse_own_application
from funding.services import ACTION_CHANGED, APPLICATION_CHANGED, _require_national, _today

CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")
DIRECTOR_FIELDS = ("director_name", "director_job_title", "director_email")
DECLARATION_FIELDS = (
    "declares_programme_standards",
    "declares_funding_use",
    "declares_information_accurate",
    "declares_director_approval",
)
APPLICATION_FIELDS = CONTACT_FIELDS + DIRECTOR_FIELDS + DECLARATION_FIELDS
REQUIRED_ANSWERS = {
    "contact_name": "Enter the primary contact's full name",
    "contact_email": "Enter the primary contact's email address",
    "director_name": "Enter the director's full name",
    "director_job_title": "Enter the director's job title",
    "director_email": "Enter the director's email address",
}
DECLARATION_MESSAGES = {
    "declares_programme_standards": "Confirm that you will run the programme to the framework's standards",
    "declares_funding_use": "Confirm that the funding will be spent on the NQSWs' programme",
    "declares_information_accurate": "Confirm that the information in this application is correct",
    "declares_director_approval": "Confirm that your director has approved this application",
}


def application_years(*, today: datetime.date | None = None) -> list[FundingYear]:
    """The funding years an employer may apply for: the current year and any later year set up."""
    today = today or _today()
    return list(FundingYear.objects.filter(ends_on__gte=today).order_by("starts_on"))


@transaction.atomic
def grant_application_start(
    *, actor: Actor, funding_year_id: int, today: datetime.date | None = None
) -> GrantApplication:
    """Start the employer's application for a year (or return the one already started), with the
    employer's primary contact filled in."""
    actor.require(Role.COORDINATOR)
    years = {year.pk: year for year in application_years(today=today)}
    if funding_year_id not in years:
        raise ValidationError({"funding_year": ["Select a funding year that is open for applications"]})
    employer = actor.employer
    application, created = GrantApplication.objects.get_or_create(
        employer_id=actor.employer_id,
        funding_year_id=funding_year_id,
        defaults={
            "contact_name": employer.primary_contact_name,
            "contact_email": employer.primary_contact_email,
            "contact_phone": employer.primary_contact_phone,
            "created_by": actor.user,
        },
    )
    if created:
        audit_record(
            actor=actor,
            obj=application,
            action="grant_application.started",
            changes={"funding_year": years[funding_year_id].label},
        )
    return application


def _require_editable(application: GrantApplication) -> None:
    if not application.is_editable:
        raise ValidationError(
            f"This application is {application.get_status_display().lower()}: it cannot be changed."
        )


@transaction.atomic
def grant_application_update(
    *, actor: Actor, application: GrantApplication, version: int | None = None, **answers
) -> GrantApplication:
    """Change the contact, the director or the declarations of a draft or returned application."""
    actor.require(Role.COORDINATOR, employer=application.employer_id)
    unknown = set(answers) - set(APPLICATION_FIELDS)
    if unknown:
        raise ValidationError({name: ["This cannot be changed here"] for name in sorted(unknown)})
    application = GrantApplication.objects.select_for_update().get(pk=application.pk)
    _require_editable(application)
    cleaned = {
        name: (bool(value) if name in DECLARATION_FIELDS else str(value or "").strip())
        for name, value in answers.items()
    }
    for name in ("contact_email", "director_email"):
        if name in cleaned:
            cleaned[name] = cleaned[name].lower()
    application, diff = _write_changed(application, version, APPLICATION_CHANGED, cleaned)
    if not diff:
        return application
    audit_record(actor=actor, obj=application, action="grant_application.updated", changes=diff)
    return application


def _check_action(*, action: str, owner: str, due_on, year: FundingYear) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not action.strip():
        errors["action"] = ["Enter the action"]
    if not owner.strip():
        errors["owner"] = ["Enter who is responsible for the action"]
    if due_on is None:
        errors["due_on"] = ["Enter the date the action is due"]
    elif due_on < year.starts_on:
        errors["due_on"] = [
            f"The due date must be on or after {year.starts_on:%-d %B %Y}, when the year starts"
        ]
    return errors


def _write_changed(record, version: int | None, conflict: str, cleaned: dict) -> tuple:
    """Write the answers in ``cleaned`` that differ from ``record`` if it is still at ``version``, and
    return it with what changed. Nothing changed: nothing is written, but a stale version is still a
    Conflict."""
    diff = changed_fields({name: getattr(record, name) for name in cleaned}, cleaned)
    if not diff:
        if version is not None and version != record.version:
            raise Conflict(conflict)
        return record, diff
    return versioned_update(record, version, conflict, **{name: cleaned[name] for name in diff}), diff


def _touch_application(application: GrantApplication, version: int | None) -> GrantApplication:
    """A change to the action plan is a change to the application: its version moves on."""
    return versioned_update(application, version, APPLICATION_CHANGED)


@transaction.atomic
def action_add(
    *,
    actor: Actor,
    application: GrantApplication,
    action: str,
    owner: str,
    due_on: datetime.date | None,
    progress: str = ActionPlanItem.Progress.NOT_STARTED,
    progress_note: str = "",
    version: int | None = None,
) -> ActionPlanItem:
    """Add an action to the action plan of a draft or returned application."""
    actor.require(Role.COORDINATOR, employer=application.employer_id)
    application = (
        GrantApplication.objects.select_for_update().select_related("funding_year").get(pk=application.pk)
    )
    _require_editable(application)
    errors = _check_action(action=action, owner=owner, due_on=due_on, year=application.funding_year)
    if progress not in ActionPlanItem.Progress.values:
        errors["progress"] = ["Select the progress of the action"]
    if errors:
        raise ValidationError(errors)
    application = _touch_application(application, version)
    item = ActionPlanItem.objects.create(
        employer_id=application.employer_id,
        application=application,
        action=action.strip(),
        owner=owner.strip(),
        due_on=due_on,
        progress=progress,
        progress_note=progress_note.strip(),
    )
    audit_record(
        actor=actor,
        obj=item,
        action="action_plan.action_added",
        changes={"application": application.pk, "action": item.action, "owner": item.owner, "due_on": due_on},
    )
    return item


PROGRESS_FIELDS = ("progress", "progress_note")


@transaction.atomic
def action_update(
    *, actor: Actor, item: ActionPlanItem, version: int | None = None, **changes
) -> ActionPlanItem:
    """Change an action. While the application is a draft or returned, anything about it; once accepted,
    its progress through the year; while national staff consider it, nothing."""
    actor.require(Role.COORDINATOR, employer=item.employer_id)
    item = ActionPlanItem.objects.select_for_update().get(pk=item.pk)
    application = GrantApplication.objects.select_related("funding_year").get(pk=item.application_id)
    allowed = ("action", "owner", "due_on", *PROGRESS_FIELDS) if application.is_editable else ()
    if application.status == GrantApplication.Status.ACCEPTED:
        allowed = PROGRESS_FIELDS
    if not allowed:
        raise ValidationError("This application is with national staff: the action plan cannot be changed.")
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError({name: ["This cannot be changed now"] for name in sorted(unknown)})
    merged = {name: changes.get(name, getattr(item, name)) for name in ("action", "owner", "due_on")}
    errors = _check_action(**merged, year=application.funding_year) if application.is_editable else {}
    if "progress" in changes and changes["progress"] not in ActionPlanItem.Progress.values:
        errors["progress"] = ["Select the progress of the action"]
    if errors:
        raise ValidationError(errors)
    cleaned = {name: value.strip() if isinstance(value, str) else value for name, value in changes.items()}
    item, diff = _write_changed(item, version, ACTION_CHANGED, cleaned)
    if not diff:
        return item
    if application.is_editable:
        _touch_application(application, None)
    audit_record(actor=actor, obj=item, action="action_plan.action_updated", changes=diff)
    return item


@transaction.atomic
def action_remove(*, actor: Actor, item: ActionPlanItem, version: int | None = None) -> GrantApplication:
    """Remove an action from the plan of a draft or returned application."""
    actor.require(Role.COORDINATOR, employer=item.employer_id)
    item = ActionPlanItem.objects.select_for_update().get(pk=item.pk)
    application = GrantApplication.objects.select_for_update().get(pk=item.application_id)
    _require_editable(application)
    if version is not None and version != item.version:
        raise Conflict(ACTION_CHANGED)
    audit_record(
        actor=actor,
        obj=item,
        action="action_plan.action_removed",
        changes={"application": application.pk, "action": item.action, "owner": item.owner},
    )
    item.delete()
    return _touch_application(application, None)


def application_problems(application: GrantApplication) -> dict[str, list[str]]:
    """What stops the application being submitted, by field (empty when it is ready)."""
    errors: dict[str, list[str]] = {}
    for name, message in REQUIRED_ANSWERS.items():
        if not getattr(application, name).strip():
            errors[name] = [message]
    for name, message in DECLARATION_MESSAGES.items():
        if not getattr(application, name):
            errors[name] = [message]
    if not application.actions.exists():
        errors["actions"] = ["Add at least one action to the action plan"]
    return errors


@transaction.atomic
def grant_application_submit(
    *, actor: Actor, application: GrantApplication, version: int | None = None
) -> GrantApplication:
    """Send the application to national staff. It needs the contact, the director, every declaration and
    at least one action."""
    actor.require(Role.COORDINATOR, employer=application.employer_id)
    application = GrantApplication.objects.select_for_update().get(pk=application.pk)
    if application.status == GrantApplication.Status.SUBMITTED:
        return application
    _require_editable(application)
    errors = application_problems(application)
    if errors:
        raise ValidationError(errors)
    return audited_update(
        application,
        version,
        APPLICATION_CHANGED,
        actor=actor,
        action="grant_application.submitted",
        changes={
            "status": [application.status, GrantApplication.Status.SUBMITTED],
            "actions": application.actions.count(),
        },
        status=GrantApplication.Status.SUBMITTED,
        submitted_at=clock.now(),
        submitted_by=actor.user,
    )


def _decide_application(
    *, actor: Actor, application_id: int, to: str, version: int | None, comments: str = ""
) -> GrantApplication:
    """Accept or return a submitted application: someone other than the person who submitted it."""
    _require_national(actor)
    with system_national_context():
        application = GrantApplication.objects.select_for_update().get(pk=application_id)
        if application.status != GrantApplication.Status.SUBMITTED:
            raise ValidationError(
                f"This application is {application.get_status_display().lower()}: "
                "only a submitted one is decided."
            )
        verb = "accept" if to == GrantApplication.Status.ACCEPTED else "return"
        refuse_own_application(actor=actor, application=application, attempted=f"grant_application.{verb}")
        return audited_update(
            application,
            version,
            APPLICATION_CHANGED,
            actor=actor,
            action=f"grant_application.{to}",
            changes={
                "status": [GrantApplication.Status.SUBMITTED, to],
                **({"comments": comments} if comments else {}),
            },
            status=to,
            decided_at=clock.now(),
            decided_by=actor.user,
            national_comments=comments,
        )


@audits_refusals
@transaction.atomic
def grant_application_accept(
    *, actor: Actor, application_id: int, version: int | None = None
) -> GrantApplication:
    """National staff accept a submitted application and its action plan."""
    return _decide_application(
        actor=actor, application_id=application_id, to=GrantApplication.Status.ACCEPTED, version=version
    )


@audits_refusals
@transaction.atomic
def grant_application_return(
    *, actor: Actor, application_id: int, comments: str, version: int | None = None
) -> GrantApplication:
    """National staff return a submitted application with comments; the co-ordinator changes it and
    submits it again."""
    if not comments.strip():
        raise ValidationError({"comments": ["Enter what the employer needs to change"]})
    return _decide_application(
        actor=actor,
        application_id=application_id,
        to=GrantApplication.Status.RETURNED,
        version=version,
        comments=comments.strip(),
    )
