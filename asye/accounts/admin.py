from django.contrib import admin

from asye.accounts.models import Membership, User
from asye.web.admin_site import NationalModelAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("employer", "role", "created_at", "ended_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("employer",)


@admin.register(User)
class UserAdmin(NationalModelAdmin):
    list_display = ("email", "full_name", "is_active", "is_staff", "date_joined", "last_login")
    search_fields = ("email", "full_name")
    list_filter = ("is_active", "is_staff")
    fields = ("email", "full_name", "is_active", "is_staff", "date_joined", "last_login")
    readonly_fields = ("date_joined", "last_login")
    inlines = [MembershipInline]
