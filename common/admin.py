"""The Django admin is for what the portal does not offer (issue 13 item 5). What the portal manages —
contract settings, the calendar, departments, rosters, roles, second-factor devices — is shown here
read-only (``ReadOnlyModelAdmin``): it changes only through the portal's services, with their checks
and audit. What the admin may change (the job schedule) goes through ``AuditedModelAdmin``:
``full_clean`` and an audit entry for every save and delete."""

from django.contrib import admin

from .audit import diff, log_action, snapshot
from .models import AuditEntry


class AuditedModelAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
        obj.full_clean()
        super().save_model(request, obj, form, change)
        after = snapshot(obj)
        label = obj._meta.model_name
        if change:
            changes = diff(before, after)
            if changes:
                log_action(
                    f"{label}.update", actor=request.user, obj=obj, changes={"via": "admin", **changes}
                )
        else:
            log_action(f"{label}.create", actor=request.user, obj=obj, changes={"via": "admin", **after})

    def delete_model(self, request, obj):
        data = snapshot(obj)
        log_action(
            f"{obj._meta.model_name}.delete", actor=request.user, obj=obj, changes={"via": "admin", **data}
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Shown, never changed here: the portal's own page changes it (services, validation, audit)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody, not even a superuser, changes or deletes the audit log here."""

    list_display = ["seq", "created_at", "actor_name", "ip", "action", "object_repr", "success"]
    list_filter = ["success", "action"]
    search_fields = ["actor_name", "object_repr", "action", "ip"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
