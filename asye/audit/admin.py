from django.contrib import admin

from asye.audit.models import AuditEvent
from asye.web.admin_site import NationalReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(NationalReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "action", "object_repr", "employer")
    list_filter = ("action",)
    search_fields = ("actor_label", "object_repr", "action")
    date_hierarchy = "created_at"
