"""The admin pages of third-party models (issue 13 item 5): roles (groups) and second-factor devices
are the security administrator's, on the portal (角色权限, 重置双因素认证), so the admin shows them
read-only; the job schedule (django-celery-beat) is what the admin is for, and every change to it is
validated and audited like the portal's own changes."""

from django.contrib import admin
from django.contrib.auth.models import Group
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.admin import AuditedModelAdmin, ReadOnlyModelAdmin


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
    pass


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
