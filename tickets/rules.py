"""Pure rules of service requests (no ORM): SLA deadlines, pauses and the upgrade window.

SLA clocks (decisions, see the README of the tickets app):
- both the response and the resolution clock start when the bureau confirms the request
  (经甲方相关部门确认执行后, 第一条 3(1)): before that the vendor may not act on it;
- they run only in the contract's working hours on working days (the calendar service);
- the resolution clock stands still while the request waits on the bureau (等待甲方) and between a
  resolution and a reopen; the response clock never pauses (the first response ends it);
- a pause that starts after the deadline has passed does not move the deadline (lateness is not cured).

Upgrade window: an upgrade starts inside the contract's window for its target, or under an emergency
exception the bureau admin approved (``check_upgrade_window``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from common import clock
from common.errors import ServiceError
from contracts.workdays import WorkCalendar

from .models import UpgradeTarget


@dataclass(frozen=True)
class Deadlines:
    respond_due_at: dt.datetime
    resolve_due_at: dt.datetime
    resolve_warn_at: dt.datetime


def deadlines(
    calendar: WorkCalendar,
    *,
    start: dt.datetime,
    respond_minutes: int,
    resolve_minutes: int,
    paused_minutes: int = 0,
    warning_percent: int = 25,
) -> Deadlines:
    """Deadlines from ``start`` in working time; raises CalendarNotLoaded for an unknown year."""
    warn_after = resolve_minutes - (resolve_minutes * warning_percent) // 100
    return Deadlines(
        respond_due_at=calendar.add_working_minutes(start, respond_minutes),
        resolve_due_at=calendar.add_working_minutes(start, resolve_minutes + paused_minutes),
        resolve_warn_at=calendar.add_working_minutes(start, warn_after + paused_minutes),
    )


def pause_extension(
    calendar: WorkCalendar, *, paused_since: dt.datetime, until: dt.datetime, due_at: dt.datetime | None
) -> int:
    """Working minutes a pause adds to the resolution deadline (0 if it began after the deadline)."""
    if due_at is not None and paused_since >= due_at:
        return 0
    return calendar.working_minutes(paused_since, until)


def in_upgrade_window(moment_local: dt.datetime, *, window_from: dt.time, window_until: dt.time) -> bool:
    """Whether an upgrade may start at this Shanghai wall-clock time.

    The window runs from ``window_from`` (included) over midnight until ``window_until`` next
    morning (excluded): central 18:00–06:00, hospital 22:00–06:00 by default. 18:00 is in, 17:59 is
    out; 05:59 is in, 06:00 is out.
    """
    t = moment_local.time()
    if window_from > window_until:  # over midnight (the contract's case)
        return t >= window_from or t < window_until
    return window_from <= t < window_until


def upgrade_window(contract, target: str) -> tuple[dt.time, dt.time]:
    """The contract's upgrade window for a target (central or hospital side): (from, until next day)."""
    start = (
        contract.upgrade_central_from if target == UpgradeTarget.CENTRAL else contract.upgrade_hospital_from
    )
    return start, contract.upgrade_window_until


def timezone_naive(moment: dt.datetime) -> bool:
    return moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None


def check_upgrade_window(ticket, moment: dt.datetime) -> bool:
    """True if ``moment`` is outside the window but the emergency exception is approved, False if it
    is inside the window; else refuse with the window in the message."""
    if timezone_naive(moment):
        raise ServiceError({"window_start": ["时间缺少时区。"]})
    start, until = upgrade_window(ticket.contract, ticket.upgrade_target)
    local = clock.local(moment)
    if in_upgrade_window(local, window_from=start, window_until=until):
        return False
    if ticket.emergency_approved_at is not None:
        return True
    raise ServiceError(
        {
            "window_start": [
                f"{UpgradeTarget(ticket.upgrade_target).label}升级只能在 {start:%H:%M} "
                f"至次日 {until:%H:%M} 之间开始，"
                f"{local:%Y-%m-%d %H:%M} 不在窗口内。确需紧急升级，请先申请紧急例外并经局信息化管理员批准。"
            ]
        }
    )


def format_minutes(minutes: int | None) -> str:
    """Working minutes as ``2 小时 5 分``."""
    if minutes is None:
        return "—"
    hours, mins = divmod(int(minutes), 60)
    if hours and mins:
        return f"{hours} 小时 {mins} 分"
    if hours:
        return f"{hours} 小时"
    return f"{mins} 分钟"
