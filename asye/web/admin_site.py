"""The Django admin, for national staff only, every request inside the audited national scope.

National staff use it to edit reference data (programme and capability frameworks, funding rates);
employer-owned records are changed only through services, never here.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from asye.tenancy.national import national_scope


class NationalAdminSite(admin.AdminSite):
    site_header = "ASYE platform administration"
    site_title = "ASYE administration"
    index_title = "Reference data"

    def has_permission(self, request) -> bool:
        actor = getattr(request, "actor", None)
        return bool(
            request.user.is_active and request.user.is_staff and actor is not None and actor.is_national_staff
        )

    def login(self, request, extra_context=None):
        """One sign-in for the whole service: allauth's, with its second factor and rate limits."""
        if request.user.is_authenticated:
            raise PermissionDenied("The administration is for national staff only.")
        return redirect_to_login(request.get_full_path(), reverse("account_login"))

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def in_national_scope(request, *args, **kwargs):
            actor = getattr(request, "actor", None)
            if actor is None or not actor.is_national_staff:
                return guarded(request, *args, **kwargs)
            with national_scope(actor=actor, purpose=f"admin {request.method} {request.path}"):
                response = guarded(request, *args, **kwargs)
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
                return response

        in_national_scope.__wrapped__ = guarded
        for attr in ("csrf_exempt", "login_required"):
            if hasattr(guarded, attr):
                setattr(in_national_scope, attr, getattr(guarded, attr))
        return in_national_scope


def _is_national_staff(request) -> bool:
    actor = getattr(request, "actor", None)
    return bool(actor is not None and actor.is_national_staff and request.user.is_staff)


class NationalModelAdmin(admin.ModelAdmin):
    """Reference data that national staff maintain: their role, not Django's permission table, decides."""

    def has_module_permission(self, request):
        return _is_national_staff(request)

    def has_view_permission(self, request, obj=None):
        return _is_national_staff(request)

    def has_change_permission(self, request, obj=None):
        return _is_national_staff(request)

    def has_add_permission(self, request):
        return _is_national_staff(request)

    def has_delete_permission(self, request, obj=None):
        # Records are withdrawn or ended, never deleted: history and audit depend on them.
        return False


class AuditedNationalModelAdmin(NationalModelAdmin):
    """Changes made here are recorded in the audit trail like any service's."""

    def save_model(self, request, obj, form, change):
        from asye.audit.services import audit_record

        changes = {name: [form.initial.get(name), form.cleaned_data.get(name)] for name in form.changed_data}
        super().save_model(request, obj, form, change)
        action = f"{obj._meta.model_name}.{'changed' if change else 'added'}_in_admin"
        audit_record(
            actor=request.actor,
            action=action,
            obj=obj,
            # An employer's own record belongs in its audit trail too.
            employer_id=obj.pk
            if obj._meta.label_lower == "tenancy.employer"
            else getattr(obj, "employer_id", None),
            changes=changes,
        )


class NationalReadOnlyAdmin(NationalModelAdmin):
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
