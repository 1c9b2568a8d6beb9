from django.contrib import admin

from asye.accounts.models import Membership, User
from asye.web.admin_site import NationalReadOnlyAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("employer", "role", "created_at", "ended_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(NationalReadOnlyAdmin):
    """People and their roles, to look up. Roles are given by invitation and ended on the Team page,
    so every change goes through a service and into the audit trail."""

    list_display = ("email", "full_name", "is_active", "is_staff", "date_joined", "last_login")
    search_fields = ("email", "full_name")
    list_filter = ("is_active", "is_staff")
    fields = ("email", "full_name", "is_active", "is_staff", "date_joined", "last_login")
    inlines = [MembershipInline]
