"""Forums in the admin, for national staff: the forums themselves (who each is for, GEMS's
self-identification, a course's places), every change audited. Sessions, materials, polls and attendance
are managed on the organisers' pages (/national/forums/); sign-ups, memberships and poll answers are not
shown here at all."""

from django.contrib import admin

from asye import clock
from asye.web.admin_site import AuditedNationalModelAdmin
from forums.models import Forum
from forums.national_services import FORUM_FIELDS


@admin.register(Forum)
class ForumAdmin(AuditedNationalModelAdmin):
    list_display = ("name", "kind", "for_nqsws", "for_assessors", "for_coordinators", "service_area")
    # The organisers' page's fields (``national_services.FORUM_FIELDS``), with the slug after the name.
    fields = ("name", "slug", *(name for name in FORUM_FIELDS if name != "name"))
    prepopulated_fields = {"slug": ("name",)}

    def save_model(self, request, obj, form, change):
        if not obj.created_at:
            obj.created_at = clock.now()
        super().save_model(request, obj, form, change)
