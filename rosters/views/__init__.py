"""Views parse input, check permission, call one service or selector, and render or redirect."""

from __future__ import annotations

from .attendance import (
    attendance_month,
    attendance_rates,
    check_in,
    check_out,
    correction_cancel,
    correction_create,
    correction_decide,
    correction_list,
    my_attendance,
)
from .changes import (
    change_confirm,
    change_create,
    change_decide,
    change_demand,
    change_detail,
    change_list,
    change_propose,
    change_withdraw,
    handover_add,
    handover_toggle,
)
from .duty import duty_detail, duty_edit, duty_list, duty_start, duty_submit
from .home import home_bureau, home_records, home_team
from .keydays import key_day_add, key_day_delete, key_day_list
from .leave import leave_cancel, leave_create, leave_decide, leave_detail, leave_list
from .meetings import meeting_create, meeting_detail, meeting_edit, meeting_list
from .roster import roster, roster_add, roster_edit, staffing
from .worklog import worklog_create, worklog_edit, worklog_list

__all__ = [
    "attendance_month",
    "attendance_rates",
    "change_confirm",
    "change_create",
    "change_decide",
    "change_demand",
    "change_detail",
    "change_list",
    "change_propose",
    "change_withdraw",
    "check_in",
    "check_out",
    "correction_cancel",
    "correction_create",
    "correction_decide",
    "correction_list",
    "duty_detail",
    "duty_edit",
    "duty_list",
    "duty_start",
    "duty_submit",
    "handover_add",
    "handover_toggle",
    "home_bureau",
    "home_records",
    "home_team",
    "key_day_add",
    "key_day_delete",
    "key_day_list",
    "leave_cancel",
    "leave_create",
    "leave_decide",
    "leave_detail",
    "leave_list",
    "meeting_create",
    "meeting_detail",
    "meeting_edit",
    "meeting_list",
    "my_attendance",
    "roster",
    "roster_add",
    "roster_edit",
    "staffing",
    "worklog_create",
    "worklog_edit",
    "worklog_list",
]
