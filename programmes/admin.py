"""Programme frameworks in the admin: national staff change the rules by publishing new versions.

A new version starts as a draft (copied from an existing one, or added from scratch for a new
framework), is edited, then published; new registrations start under the newest published version.
A version that any registration started under is read-only (the registration keeps the rules it
started with). Every change is audited.
"""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Max

from asye import clock
from asye.audit.services import audit_record
from asye.web.admin_site import AuditedNationalModelAdmin
from programmes.models import FrameworkVersion, ProgrammeFramework


class FrameworkVersionInline(admin.TabularInline):
    model = FrameworkVersion
    extra = 0
    fields = ("version", "length_months", "review_months", "direct_observations", "published_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgrammeFramework)
class ProgrammeFrameworkAdmin(AuditedNationalModelAdmin):
    list_display = ("name", "code", "service_area", "available_from", "available_until")
    fields = ("code", "name", "service_area", "available_from", "available_until")
    inlines = [FrameworkVersionInline]

    def get_readonly_fields(self, request, obj=None):
        # The code names the framework in data and the API; it does not change once made.
        return ("code",) if obj else ()


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
                audit_record(
                    actor=request.actor,
                    action="frameworkversion.drafted",
                    obj=copy,
                    changes={"framework": version.framework.code, "from_version": version.version},
                )
                messages.success(request, f"{copy} is a draft: edit it, then publish it.")

    @admin.action(description="Publish: new registrations start under it")
    def publish(self, request, queryset):
        with transaction.atomic():
            for version in queryset.filter(published_at__isnull=True).select_related("framework"):
                version.published_at = clock.now()
                version.save(update_fields=["published_at"])
                audit_record(
                    actor=request.actor,
                    action="frameworkversion.published",
                    obj=version,
                    changes={"framework": version.framework.code, "version": version.version},
                )
                messages.success(request, f"{version} published.")
