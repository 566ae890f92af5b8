"""On-site staff of a contract (RULES §5): the roster, attendance, leave, corrections, daily work logs,
staff changes with their handover, holiday duty lists, weekly quality meetings and key days.

Writes go through ``rosters.services``; reads through ``rosters.selectors``; the rules themselves
(attendance rate, staffing rule, notice period) are pure functions in ``rosters.rules``.

One module per subject, re-exported here so ``from rosters.models import X`` works for all of them.
"""

# The modules are imported in the order the models were declared when this was one file, so the app
# registry (content types, permissions, admin) lists them as before.
# isort: off
from ._base import USER, RequestStatus
from .roster import Position, RosterEntry
from .attendance import Attendance, AttendanceSource
from .leave import LeaveKind, LeaveRequest
from .corrections import AttendanceCorrection
from .worklog import WorkLog
from .changes import OPEN_CHANGE_STATUSES, ChangeKind, ChangeStatus, HandoverItem, StaffChange
from .duty import DutyAssignment, DutyList, DutyStatus
from .meetings import ActionItem, WeeklyMeeting
from .keydays import KeyDay, KeyDaySource
from .inputs import AttendanceInputs
# isort: on

__all__ = [
    "OPEN_CHANGE_STATUSES",
    "USER",
    "ActionItem",
    "Attendance",
    "AttendanceCorrection",
    "AttendanceInputs",
    "AttendanceSource",
    "ChangeKind",
    "ChangeStatus",
    "DutyAssignment",
    "DutyList",
    "DutyStatus",
    "HandoverItem",
    "KeyDay",
    "KeyDaySource",
    "LeaveKind",
    "LeaveRequest",
    "Position",
    "RequestStatus",
    "RosterEntry",
    "StaffChange",
    "WeeklyMeeting",
    "WorkLog",
]
