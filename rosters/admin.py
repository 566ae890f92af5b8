"""The Django admin shows the rosters data to the roles that hold view permissions on it, read-only:
every change happens on the portal's own pages (they apply the rules and audit)."""

from django.contrib import admin

from common.admin import ReadOnlyModelAdmin

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
class RosterEntryAdmin(ReadOnlyModelAdmin):
    list_display = ["person", "position", "contract", "start_on", "end_on", "phone"]
    list_filter = ["contract", "position"]
    search_fields = ["person__username", "person__full_name"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyModelAdmin):
    list_display = ["person", "date", "check_in_at", "check_out_at", "source"]
    list_filter = ["contract", "source"]
    date_hierarchy = "date"
    search_fields = ["person__username", "person__full_name"]


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ReadOnlyModelAdmin):
    list_display = ["person", "kind", "start_on", "end_on", "substitute", "status"]
    list_filter = ["contract", "status", "kind"]


@admin.register(AttendanceCorrection)
class AttendanceCorrectionAdmin(ReadOnlyModelAdmin):
    list_display = ["person", "date", "check_in_at", "check_out_at", "status"]
    list_filter = ["contract", "status"]


@admin.register(WorkLog)
class WorkLogAdmin(ReadOnlyModelAdmin):
    list_display = ["person", "date", "hours", "references"]
    list_filter = ["contract"]
    date_hierarchy = "date"
    search_fields = ["content", "references"]


@admin.register(StaffChange)
class StaffChangeAdmin(ReadOnlyModelAdmin):
    list_display = ["kind", "leaving_entry", "incoming_person", "effective_on", "status"]
    list_filter = ["contract", "status", "kind"]


@admin.register(DutyList)
class DutyListAdmin(ReadOnlyModelAdmin):
    list_display = ["holiday_name", "start_on", "end_on", "status", "submitted_at", "due_at"]
    list_filter = ["contract", "status"]


@admin.register(WeeklyMeeting)
class WeeklyMeetingAdmin(ReadOnlyModelAdmin):
    list_display = ["held_on", "week_start", "contract", "recorded_by"]
    list_filter = ["contract"]


@admin.register(KeyDay)
class KeyDayAdmin(ReadOnlyModelAdmin):
    list_display = ["date", "reason", "source", "contract"]
    list_filter = ["contract", "source"]
