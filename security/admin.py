"""The admin pages of third-party models (issue 13 item 5): roles (groups) and second-factor devices
are the security administrator's, on the portal (角色权限, 重置双因素认证), so the admin shows them
read-only; the job schedule (django-celery-beat) is what the admin is for, and every change to it is
validated and audited like the portal's own changes."""

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    PeriodicTasks,
    SolarSchedule,
)
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.admin import AuditedModelAdmin, ReadOnlyModelAdmin
from common.audit import log_action


def _replace(model, admin_class):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, admin_class)


class GroupAdmin(ReadOnlyModelAdmin):
    list_display = ["name"]


class TOTPDeviceAdmin(ReadOnlyModelAdmin):
    list_display = ["user", "name", "confirmed"]
    exclude = ["key"]


class PeriodicTaskAdmin(AuditedModelAdmin, beat_admin.PeriodicTaskAdmin):
    """django-celery-beat's bulk actions change the rows in one UPDATE, unaudited: here each task that
    changes is locked, saved and audited on its own, like a change through its form."""

    def _set_enabled(self, request, queryset, enabled: bool | None) -> None:
        pks = list(queryset.values_list("pk", flat=True))
        changed = 0
        with transaction.atomic():
            # Not the admin's queryset: FOR UPDATE cannot lock its outer joins on PostgreSQL.
            for task in PeriodicTask.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
                after = (not task.enabled) if enabled is None else enabled
                if task.enabled == after:
                    continue
                before, task.enabled = task.enabled, after
                fields = ["enabled"]
                if not after:
                    task.last_run_at = None
                    fields.append("last_run_at")
                task.save(update_fields=fields)
                log_action(
                    "periodictask.update",
                    actor=request.user,
                    obj=task,
                    changes={"via": "admin action", "enabled": [before, after]},
                )
                changed += 1
        PeriodicTasks.update_changed()
        self.message_user(request, _("%(n)d 个任务已更改，每个都记入了审计日志。") % {"n": changed})

    @admin.action(description=_("启用所选任务"))
    def enable_tasks(self, request, queryset):
        self._set_enabled(request, queryset, True)

    @admin.action(description=_("停用所选任务"))
    def disable_tasks(self, request, queryset):
        self._set_enabled(request, queryset, False)

    @admin.action(description=_("切换所选任务的启用状态"))
    def toggle_tasks(self, request, queryset):
        self._set_enabled(request, queryset, None)

    @admin.action(description=_("立即运行所选任务"))
    def run_tasks(self, request, queryset):
        for task in queryset:
            log_action("periodictask.run", actor=request.user, obj=task, changes={"via": "admin action"})
        return super().run_tasks(request, queryset)


class CrontabScheduleAdmin(AuditedModelAdmin, beat_admin.CrontabScheduleAdmin):
    pass


class ScheduleAdmin(AuditedModelAdmin):
    pass


_replace(Group, GroupAdmin)
_replace(TOTPDevice, TOTPDeviceAdmin)
_replace(PeriodicTask, PeriodicTaskAdmin)
_replace(CrontabSchedule, CrontabScheduleAdmin)
for schedule in (IntervalSchedule, ClockedSchedule, SolarSchedule):
    _replace(schedule, ScheduleAdmin)
