from django.contrib import admin

from common.admin import AuditedModelAdmin

from .models import CalendarOverride, CalendarYear, Contract, ServiceScope, SlaTarget, TierBand
from .services import contract_terms_snapshot


class TierInline(admin.TabularInline):
    model = TierBand
    extra = 0


class SlaInline(admin.TabularInline):
    model = SlaTarget
    extra = 0
    max_num = 4


class ScopeInline(admin.TabularInline):
    model = ServiceScope
    extra = 0


@admin.register(Contract)
class ContractAdmin(AuditedModelAdmin):
    list_display = ["number", "name", "start_on", "end_on", "total_amount"]
    search_fields = ["number", "name"]
    inlines = [TierInline, SlaInline, ScopeInline]

    def save_related(self, request, form, formsets, change):
        from common.audit import diff, log_action

        before = contract_terms_snapshot(form.instance) if change else {}
        super().save_related(request, form, formsets, change)
        after = contract_terms_snapshot(form.instance)
        changes = {k: v for k, v in diff(before, after).items() if k in {"tiers", "sla", "scopes"}}
        if change and changes:
            log_action(
                "contract.update", actor=request.user, obj=form.instance, changes={"via": "admin", **changes}
            )


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedModelAdmin):
    list_display = ["date", "is_workday", "name", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin):
    list_display = ["year", "source", "loaded_by", "loaded_at"]
