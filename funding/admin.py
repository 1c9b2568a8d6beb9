"""Funding years and rates in the admin, for national staff. Every change is audited (rates edited in
a year's inline too). A claim copies its amount when it is made, so changing a rate changes only the
claims made after the change; years and rates are never deleted (claims refer to them)."""

from django.contrib import admin

from asye.audit.services import audit_record
from asye.web.admin_site import AuditedNationalModelAdmin
from funding.models import FundingRate, FundingYear


class FundingRateInline(admin.TabularInline):
    model = FundingRate
    extra = 0
    fields = ("framework", "instalment", "amount", "set_by", "notes")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return bool(getattr(request, "actor", None) and request.actor.is_national_staff)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


@admin.register(FundingYear)
class FundingYearAdmin(AuditedNationalModelAdmin):
    list_display = (
        "label",
        "starts_on",
        "ends_on",
        "claim_deadline",
        "budget_child_and_family",
        "budget_adults",
    )
    fields = (*list_display, "notes")
    inlines = [FundingRateInline]

    def get_readonly_fields(self, request, obj=None):
        # A year's label and dates name it in claims and registrations: fixed once made.
        return ("label", "starts_on", "ends_on") if obj else ()

    def save_formset(self, request, form, formset, change):
        changed = []
        for inline_form in formset.forms:
            if inline_form.has_changed() and inline_form.is_valid():
                changed.append(
                    (
                        inline_form,
                        {
                            name: [inline_form.initial.get(name), inline_form.cleaned_data.get(name)]
                            for name in inline_form.changed_data
                        },
                    )
                )
        super().save_formset(request, form, formset, change)
        for inline_form, changes in changed:
            rate = inline_form.instance
            audit_record(
                actor=request.actor,
                action="fundingrate.changed_in_admin"
                if inline_form.initial
                else "fundingrate.added_in_admin",
                obj=rate,
                changes=changes,
            )


@admin.register(FundingRate)
class FundingRateAdmin(AuditedNationalModelAdmin):
    list_display = ("funding_year", "framework", "instalment", "amount", "set_by")
    list_filter = ("funding_year", "framework", "instalment")
    fields = ("funding_year", "framework", "instalment", "amount", "set_by", "notes")

    def get_readonly_fields(self, request, obj=None):
        return ("funding_year", "framework", "instalment") if obj else ()
