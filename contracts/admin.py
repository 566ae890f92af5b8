from django.contrib import admin

from common.admin import ReadOnlyModelAdmin

from .models import CalendarOverride, CalendarYear, Contract, ServiceScope, SlaTarget, TierBand


class ReadOnlyInline(admin.TabularInline):
    """Tiers, SLA targets and scopes change on the contract's settings page (contracts/forms.py)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TierInline(ReadOnlyInline):
    model = TierBand
    extra = 0


class SlaInline(ReadOnlyInline):
    model = SlaTarget
    extra = 0
    max_num = 4


class ScopeInline(ReadOnlyInline):
    model = ServiceScope
    extra = 0


@admin.register(Contract)
class ContractAdmin(ReadOnlyModelAdmin):
    """Read-only: the settings page (契约设置) validates every term (a 999-day response, a tier table
    without its 0-point row, a ≥85 tier paying 10 %) and audits the change; the admin would not."""

    list_display = ["number", "name", "start_on", "end_on", "total_amount"]
    search_fields = ["number", "name"]
    inlines = [TierInline, SlaInline, ScopeInline]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ReadOnlyModelAdmin):
    list_display = ["date", "is_workday", "name", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyModelAdmin):
    list_display = ["year", "source", "loaded_by", "loaded_at"]
