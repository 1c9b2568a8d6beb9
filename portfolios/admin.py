"""Capability frameworks in the admin: national staff keep the PCF and the post-qualifying standards as
versioned data, as they keep programme frameworks (programmes/admin.py).

A new version starts as a draft (copied from a published one, statements and all, or added from
scratch for a new framework), its statements are edited inline, then it is published: portfolios
started from then on are mapped to it, while portfolios already started keep the version they began
with. A version any portfolio is mapped to is frozen. Every change is audited.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max

from asye import clock
from asye.audit.services import audit_record
from asye.web.admin_site import AuditedNationalModelAdmin, _is_national_staff
from portfolios.models import CapabilitySet, CapabilityStatement, PortfolioCapabilitySet


def in_use(capability_set: CapabilitySet) -> bool:
    """Whether a portfolio is mapped to this version (read in the admin's national scope)."""
    return PortfolioCapabilitySet.objects.filter(capability_set=capability_set).exists()


def editable(capability_set: CapabilitySet | None) -> bool:
    return capability_set is None or not in_use(capability_set)


class CapabilityStatementInline(admin.TabularInline):
    model = CapabilityStatement
    fields = ("number", "title", "description")
    extra = 0
    ordering = ("number",)

    # Inlines do not inherit the national admin's rule: the role decides, and a version in use is frozen.
    def has_view_permission(self, request, obj=None):
        return _is_national_staff(request)

    def has_add_permission(self, request, obj=None):
        return _is_national_staff(request) and obj is not None and obj.published_at is None

    def has_change_permission(self, request, obj=None):
        return _is_national_staff(request) and editable(obj)

    def has_delete_permission(self, request, obj=None):
        # Statements of a draft may be removed; a published one's are tagged by evidence.
        return _is_national_staff(request) and obj is not None and obj.published_at is None

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is not None and obj.published_at is None else 0


@admin.register(CapabilitySet)
class CapabilitySetAdmin(AuditedNationalModelAdmin):
    list_display = (
        "name",
        "code",
        "version",
        "short_name",
        "service_area",
        "statement_count",
        "published_at",
        "used",
    )
    list_filter = ("code", "kind", "service_area")
    ordering = ("kind", "code", "-version")
    fields = (
        "code",
        "version",
        "name",
        "short_name",
        "kind",
        "service_area",
        "has_self_assessment",
        "source",
        "published_at",
        "created_at",
    )
    inlines = [CapabilityStatementInline]
    actions = ["copy_as_draft", "publish"]

    @admin.display(description="Statements")
    def statement_count(self, obj) -> int:
        return obj.statements.count()

    @admin.display(boolean=True, description="Portfolios use it")
    def used(self, obj) -> bool:
        return in_use(obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("version", "published_at", "created_at")
        # The code names the framework across versions; a version's number and publication are set by
        # the actions, not typed.
        return ("code", "version", "published_at", "created_at")

    def has_change_permission(self, request, obj=None):
        if obj is not None and not editable(obj):
            # Portfolios are mapped to it: change the framework by publishing a new version.
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            latest = (
                CapabilitySet.objects.filter(code=obj.code).aggregate(latest=Max("version"))["latest"] or 0
            )
            obj.version = latest + 1
            obj.published_at = None
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        def audit(statement, done: str) -> None:
            changes = {
                "capability_set": form.instance.pk,
                "number": statement.number,
                "title": statement.title,
            }
            audit_record(
                actor=request.actor,
                action=f"capabilitystatement.{done}_in_admin",
                obj=statement,
                changes=changes,
            )

        statements = formset.save(commit=False)
        for statement in formset.deleted_objects:
            audit(statement, "deleted")
            statement.delete()
        for statement in statements:
            is_new = statement.pk is None
            statement.save()
            audit(statement, "added" if is_new else "changed")
        formset.save_m2m()

    @admin.action(description="Copy as a new draft version")
    def copy_as_draft(self, request, queryset):
        with transaction.atomic():
            for original in queryset.order_by("code", "version"):
                latest = CapabilitySet.objects.filter(code=original.code).aggregate(latest=Max("version"))[
                    "latest"
                ]
                copy = CapabilitySet.objects.get(pk=original.pk)
                copy.pk = None
                copy.version = latest + 1
                copy.published_at = None
                copy.save()
                CapabilityStatement.objects.bulk_create(
                    CapabilityStatement(
                        capability_set=copy, number=s.number, title=s.title, description=s.description
                    )
                    for s in original.statements.order_by("number")
                )
                audit_record(
                    actor=request.actor,
                    action="capabilityset.drafted",
                    obj=copy,
                    changes={"code": original.code, "from_version": original.version},
                )
                messages.success(request, f"{copy} is a draft: edit its statements, then publish it.")

    @admin.action(description="Publish: new portfolios are mapped to it")
    def publish(self, request, queryset):
        with transaction.atomic():
            for capability_set in queryset.filter(published_at__isnull=True):
                if not capability_set.statements.exists():
                    messages.error(
                        request, f"{capability_set} has no statements: add them before publishing."
                    )
                    continue
                capability_set.published_at = clock.now()
                capability_set.save(update_fields=["published_at"])
                audit_record(
                    actor=request.actor,
                    action="capabilityset.published",
                    obj=capability_set,
                    changes={"code": capability_set.code, "version": capability_set.version},
                )
                messages.success(request, f"{capability_set} published.")
