"""The equality disclosure rule in the admin, for national staff: one row, changed (audited), never
added to or deleted."""

from django.contrib import admin

from asye.web.admin_site import AuditedNationalModelAdmin
from equality.models import EqualityDisclosureRule


@admin.register(EqualityDisclosureRule)
class EqualityDisclosureRuleAdmin(AuditedNationalModelAdmin):
    list_display = ("__str__", "minimum_answers", "updated_at")
    fields = ("minimum_answers",)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not EqualityDisclosureRule.objects.exists()
