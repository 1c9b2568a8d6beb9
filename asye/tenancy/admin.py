from django.contrib import admin

from asye.tenancy.models import Employer
from asye.web.admin_site import AuditedNationalModelAdmin


@admin.register(Employer)
class EmployerAdmin(AuditedNationalModelAdmin):
    list_display = ("name", "employer_type", "region", "serves_child_and_family", "serves_adults")
    list_filter = ("employer_type", "region")
    search_fields = ("name", "legacy_ref")
