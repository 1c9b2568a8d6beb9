"""Programme frameworks in the admin: national staff change the rules by publishing new versions.

A new version starts as a draft (copied from an existing one, or added from scratch for a new
framework), is edited, then published; new registrations start under the newest published version.
A version that any registration started under is read-only (the registration keeps the rules it
started with). Every change is audited.

Which employers may start NQSWs on a framework, and from when, is kept on the framework's page: one
availability row per employer type and period (the SWIP for local authorities from September 2027, the
children's ASYE for every other employer type...). Rows are never deleted: a row is closed by giving it a
last start date. Periods of one employer type on one framework may not overlap.
"""

from itertools import pairwise

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from asye import clock
from asye.audit.services import audit_record
from asye.tenancy.models import EmployerType
from asye.web.admin_site import AuditedNationalModelAdmin
from programmes.models import FrameworkAvailability, FrameworkVersion, ProgrammeFramework


class FrameworkVersionInline(admin.TabularInline):
    model = FrameworkVersion
    extra = 0
    fields = ("version", "length_months", "review_months", "direct_observations", "published_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class AvailabilityFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """No two periods of one employer type may overlap: the framework an employer runs on a day must
        be one answer."""
        super().clean()
        periods: dict[str, list[tuple]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data.get("available_from") or not data.get("employer_type"):
                continue
            periods.setdefault(data["employer_type"], []).append(
                (data["available_from"], data.get("available_until"))
            )
        labels = dict(EmployerType.choices)
        for employer_type, spans in periods.items():
            for (_start, until), (next_start, _until) in pairwise(sorted(spans, key=lambda span: span[0])):
                if until is None or until >= next_start:
                    raise ValidationError(
                        f"Two periods for {labels[employer_type]} overlap: give the earlier one a last start "
                        f"date before {next_start:%-d %B %Y}"
                    )


class FrameworkAvailabilityInline(admin.TabularInline):
    """Who may use the framework, and from when: the data registration reads (``framework_version_for``)."""

    model = FrameworkAvailability
    formset = AvailabilityFormSet
    extra = 1
    fields = ("employer_type", "available_from", "available_until")
    can_delete = False
    verbose_name = "employer type that may use it"
    verbose_name_plural = (
        "Who may use it: each employer type and the start dates it may use (leave the last date empty "
        "while it stays open)"
    )

    # National staff's role, not Django's permission table, decides (as for the framework itself).
    def _national_staff(self, request) -> bool:
        actor = getattr(request, "actor", None)
        return bool(actor is not None and actor.is_national_staff and request.user.is_staff)

    def has_view_permission(self, request, obj=None):
        return self._national_staff(request)

    def has_add_permission(self, request, obj=None):
        return self._national_staff(request)

    def has_change_permission(self, request, obj=None):
        return self._national_staff(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProgrammeFramework)
class ProgrammeFrameworkAdmin(AuditedNationalModelAdmin):
    list_display = ("name", "code", "service_area", "available_from", "available_until")
    fields = ("code", "name", "service_area", "available_from", "available_until")
    inlines = [FrameworkAvailabilityInline, FrameworkVersionInline]

    def get_readonly_fields(self, request, obj=None):
        # The code names the framework in data and the API; it does not change once made.
        return ("code",) if obj else ()

    def save_formset(self, request, form, formset, change):
        """Availability rows are audited like the framework itself: added and changed, with their values."""
        super().save_formset(request, form, formset, change)
        if formset.model is not FrameworkAvailability:
            return
        for row in formset.new_objects:
            audit_record(
                actor=request.actor,
                action="frameworkavailability.added_in_admin",
                obj=row,
                changes=_availability(row),
            )
        for row, changed in formset.changed_objects:
            audit_record(
                actor=request.actor,
                action="frameworkavailability.changed_in_admin",
                obj=row,
                changes={**_availability(row), "changed": list(changed)},
            )


def _availability(row: FrameworkAvailability) -> dict:
    return {
        "framework": row.framework.code,
        "employer_type": row.employer_type,
        "available_from": row.available_from,
        "available_until": row.available_until,
    }


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(AuditedNationalModelAdmin):
    list_display = ("framework", "version", "length_months", "review_months", "published_at", "in_use")
    list_filter = ("framework",)
    actions = ["copy_as_draft", "publish"]

    @admin.display(boolean=True, description="Registrations use it")
    def in_use(self, obj) -> bool:
        return obj.registrations.exists()

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("version", "published_at", "created_at")
        return ("framework", "version", "published_at", "created_at")

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            # Published rules are what registrations start under: change them by a new version.
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            latest = obj.framework.versions.aggregate(latest=Max("version"))["latest"] or 0
            obj.version = latest + 1
        super().save_model(request, obj, form, change)

    @staticmethod
    def _audited(request, framework_version: FrameworkVersion, action: str, /, **changes) -> None:
        """Audit an admin action on a framework version: its framework's code, then ``changes``."""
        audit_record(
            actor=request.actor,
            action=action,
            obj=framework_version,
            changes={"framework": framework_version.framework.code, **changes},
        )

    @admin.action(description="Copy as a new draft version")
    def copy_as_draft(self, request, queryset):
        with transaction.atomic():
            for version in queryset.select_related("framework"):
                latest = version.framework.versions.aggregate(latest=Max("version"))["latest"]
                copy = FrameworkVersion.objects.get(pk=version.pk)
                copy.pk = None
                copy.version = latest + 1
                copy.published_at = None
                copy.notes = f"Copied from version {version.version}. {version.notes}".strip()
                copy.save()
                self._audited(request, copy, "frameworkversion.drafted", from_version=version.version)
                messages.success(request, f"{copy} is a draft: edit it, then publish it.")

    @admin.action(description="Publish: new registrations start under it")
    def publish(self, request, queryset):
        with transaction.atomic():
            for version in queryset.filter(published_at__isnull=True).select_related("framework"):
                version.published_at = clock.now()
                version.save(update_fields=["published_at"])
                self._audited(request, version, "frameworkversion.published", version=version.version)
                messages.success(request, f"{version} published.")
