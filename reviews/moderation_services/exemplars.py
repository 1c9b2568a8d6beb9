"""The exemplars library: national staff write, change and publish anonymised extracts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from asye.accounts.actor import Actor
from asye.audit.services import audit_record, changed_fields
from asye.records import versioned_update
from asye.tenancy.db import system_national_context
from asye.tenancy.models import ServiceArea
from portfolios.models import CapabilityStatement
from reviews.models import Exemplar
from reviews.moderation_services.national import MAX_TEXT, MAX_TITLE, require_national_staff, trimmed
from reviews.services.saving import clean_text


def _check_exemplar(values: dict) -> None:
    """ValidationError naming each part of the exemplar that is missing, too long or not on the list."""
    errors: dict[str, list[str]] = {}
    clean_text(errors, "title", values["title"], limit=MAX_TITLE, label="The title", required="Enter a title")
    if values["service_area"] not in ("", *ServiceArea.values):
        errors["service_area"] = ["Select a service area from the list"]
    for name, required in (
        ("extract", "Enter the anonymised extract"),
        ("annotation", "Enter the annotation: what makes it good, and what could be stronger"),
    ):
        clean_text(errors, name, values[name], limit=MAX_TEXT, label="This", required=required)
    statement_id = values["statement_id"]
    if statement_id is not None and not CapabilityStatement.objects.filter(pk=statement_id).exists():
        errors["statement"] = ["Select a capability statement from the list"]
    if errors:
        raise ValidationError(errors)


def _exemplar_values(actor: Actor, title, service_area, statement_id, extract, annotation) -> dict:
    """What national staff (nobody else) write of an exemplar, trimmed and checked."""
    require_national_staff(actor)
    values = {
        "title": trimmed(title),
        "service_area": service_area or "",
        "statement_id": statement_id,
        "extract": trimmed(extract),
        "annotation": trimmed(annotation),
    }
    _check_exemplar(values)
    return values


@transaction.atomic
def exemplar_create(
    *,
    actor: Actor,
    title: str,
    extract: str,
    annotation: str,
    service_area: str = "",
    statement_id: int | None = None,
) -> Exemplar:
    """A draft exemplar: an anonymised extract and its annotation, tagged to a capability statement and a
    service area. Nobody outside national staff and moderators sees it until it is published."""
    values = _exemplar_values(actor, title, service_area, statement_id, extract, annotation)
    with system_national_context():
        exemplar = Exemplar.objects.create(created_by=actor.user, **values)
        audit_record(actor=actor, obj=exemplar, action="exemplar.created", changes=changed_fields({}, values))
    return exemplar


@transaction.atomic
def exemplar_update(
    *,
    actor: Actor,
    exemplar: Exemplar,
    version: int,
    title: str,
    extract: str,
    annotation: str,
    service_area: str = "",
    statement_id: int | None = None,
) -> Exemplar:
    values = _exemplar_values(actor, title, service_area, statement_id, extract, annotation)
    with system_national_context():
        before = {name: getattr(exemplar, name) for name in values}
        exemplar = versioned_update(
            exemplar,
            version,
            "This exemplar was changed by someone else since you opened it. "
            "Your text is below: check the saved exemplar and save again.",
            stale_without_version=True,
            **values,
        )
        audit_record(
            actor=actor, obj=exemplar, action="exemplar.updated", changes=changed_fields(before, values)
        )
    return exemplar


@transaction.atomic
def exemplar_set_published(*, actor: Actor, exemplar: Exemplar, published: bool, version: int) -> Exemplar:
    """Publish an exemplar to every employer's co-ordinators and assessors, or withdraw it to draft."""
    require_national_staff(actor)
    with system_national_context():
        if exemplar.published == published and exemplar.version == version:
            return exemplar
        exemplar = versioned_update(
            exemplar,
            version,
            "This exemplar was changed by someone else. Check it and try again.",
            stale_without_version=True,
            published=published,
        )
        audit_record(
            actor=actor,
            obj=exemplar,
            action="exemplar.published" if published else "exemplar.unpublished",
            changes={"published": [not published, published]},
        )
    return exemplar
