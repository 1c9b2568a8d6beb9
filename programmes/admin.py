"""Programme frameworks in the admin: national staff edit them by publishing versions.

A version that any registration started under is read-only (the registration keeps the rules it
started with); to change the rules, national staff copy it to a new version and edit that. Every
change is audited.
"""

from django.contrib import admin, messages
from django.db import transaction

from asye.audit.services import audit_record
from asye.web.admin_site import AuditedNationalModelAdmin
from programmes.models import FrameworkVersion, ProgrammeFramework


class FrameworkVersionInline(admin.TabularInline):
    model = FrameworkVersion
    extra = 0
    fields = ("version", "length_months", "review_months", "direct_observations", "created_at")
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
    list_display = ("framework", "version", "length_months", "review_months", "in_use")
    list_filter = ("framework",)
    actions = ["publish_new_version"]
    readonly_fields = ("framework", "version", "created_at")

    @admin.display(boolean=True, description="Registrations use it")
    def in_use(self, obj) -> bool:
        return obj.registrations.exists()

    def has_add_permission(self, request):
        # New versions are copies of an existing one (the action below), so nothing is left out.
        return False

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.registrations.exists():
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description="Publish a new version, copied from the selected one")
    def publish_new_version(self, request, queryset):
        with transaction.atomic():
            for version in queryset.select_related("framework"):
                latest = version.framework.versions.order_by("-version").first()
                copy = FrameworkVersion.objects.get(pk=version.pk)
                copy.pk = None
                copy.version = latest.version + 1
                copy.notes = f"Copied from version {version.version}. {version.notes}".strip()
                copy.save()
                audit_record(
                    actor=request.actor,
                    action="frameworkversion.published",
                    obj=copy,
                    changes={"framework": version.framework.code, "from_version": version.version},
                )
                messages.success(request, f"{copy} published: edit it before new registrations use it.")
