"""The Django admin shows the rosters data to the roles that hold view permissions on it; every change
made here is audited. Day-to-day work happens on the portal's own pages (they apply the rules)."""

from django.contrib import admin

from common.admin import AuditedModelAdmin

from .models import (
    Attendance,
    AttendanceCorrection,
    DutyList,
    KeyDay,
    LeaveRequest,
    RosterEntry,
    StaffChange,
    WeeklyMeeting,
    WorkLog,
)


@admin.register(RosterEntry)
class RosterEntryAdmin(AuditedModelAdmin):
    list_display = ["person", "position", "contract", "start_on", "end_on", "phone"]
    list_filter = ["contract", "position"]
    search_fields = ["person__username", "person__full_name"]


@admin.register(Attendance)
class AttendanceAdmin(AuditedModelAdmin):
    list_display = ["person", "date", "check_in_at", "check_out_at", "source"]
    list_filter = ["contract", "source"]
    date_hierarchy = "date"
    search_fields = ["person__username", "person__full_name"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(AuditedModelAdmin):
    list_display = ["person", "kind", "start_on", "end_on", "substitute", "status"]
    list_filter = ["contract", "status", "kind"]


@admin.register(AttendanceCorrection)
class AttendanceCorrectionAdmin(AuditedModelAdmin):
    list_display = ["person", "date", "check_in_at", "check_out_at", "status"]
    list_filter = ["contract", "status"]


@admin.register(WorkLog)
class WorkLogAdmin(AuditedModelAdmin):
    list_display = ["person", "date", "hours", "references"]
    list_filter = ["contract"]
    date_hierarchy = "date"
    search_fields = ["content", "references"]


@admin.register(StaffChange)
class StaffChangeAdmin(AuditedModelAdmin):
    list_display = ["kind", "leaving_entry", "incoming_person", "effective_on", "status"]
    list_filter = ["contract", "status", "kind"]


@admin.register(DutyList)
class DutyListAdmin(AuditedModelAdmin):
    list_display = ["holiday_name", "start_on", "end_on", "status", "submitted_at", "due_at"]
    list_filter = ["contract", "status"]


@admin.register(WeeklyMeeting)
class WeeklyMeetingAdmin(AuditedModelAdmin):
    list_display = ["held_on", "week_start", "contract", "recorded_by"]
    list_filter = ["contract"]


@admin.register(KeyDay)
class KeyDayAdmin(AuditedModelAdmin):
    list_display = ["date", "reason", "source", "contract"]
    list_filter = ["contract", "source"]
