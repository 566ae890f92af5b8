"""Writes of the rosters app. Each is keyword-only, runs in a transaction, claims state changes
atomically and leaves an audit entry. Refusals raise ``ServiceError`` (or a subclass) with a Chinese
message the user can act on."""

from __future__ import annotations

from .approvals import may_decide
from .attendance import (
    Basis,
    attendance_basis,
    check_in,
    check_out,
    correction_cancel,
    correction_decide,
    correction_request,
)
from .changes import (
    CHANGE_AUDIT_FIELDS,
    change_apply,
    change_confirm,
    change_decide,
    change_demand,
    change_propose,
    change_withdraw,
    handover_item_add,
    handover_item_set,
)
from .duty import DutyRow, duty_list_save, duty_list_start, duty_list_submit
from .keydays import key_day_mark, key_day_unmark
from .leave import leave_cancel, leave_decide, leave_request
from .meetings import MEETING_AUDIT_FIELDS, ActionItemData, meeting_record, meeting_update, week_start
from .reminders import duty_list_reminders_send, staff_change_reminders_send
from .roster import roster_add, roster_update
from .worklog import WORKLOG_AUDIT_FIELDS, worklog_create, worklog_update

__all__ = [
    "CHANGE_AUDIT_FIELDS",
    "MEETING_AUDIT_FIELDS",
    "WORKLOG_AUDIT_FIELDS",
    "ActionItemData",
    "Basis",
    "DutyRow",
    "attendance_basis",
    "change_apply",
    "change_confirm",
    "change_decide",
    "change_demand",
    "change_propose",
    "change_withdraw",
    "check_in",
    "check_out",
    "correction_cancel",
    "correction_decide",
    "correction_request",
    "duty_list_reminders_send",
    "duty_list_save",
    "duty_list_start",
    "duty_list_submit",
    "handover_item_add",
    "handover_item_set",
    "key_day_mark",
    "key_day_unmark",
    "leave_cancel",
    "leave_decide",
    "leave_request",
    "may_decide",
    "meeting_record",
    "meeting_update",
    "roster_add",
    "roster_update",
    "staff_change_reminders_send",
    "week_start",
    "worklog_create",
    "worklog_update",
]
