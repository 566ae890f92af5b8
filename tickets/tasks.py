"""Scheduled jobs of the tickets app (declared in jinbao_service/schedule.py): thin, safe to run twice."""

from jobs.runner import scheduled_task

from . import services


def signoff_overdue() -> str:
    """Each sign-off form past its due date is flagged to its department once (SPEC §8)."""
    return f"{services.signoff_remind_late()} late sign-off forms reminded"


def pending_deadlines() -> str:
    """Deadlines shown as 待定 get computed once the bureau admin has loaded the missing year."""
    return f"{services.recompute_pending_deadlines()} deadlines computed"


signoff_overdue_task = scheduled_task("tickets.signoff_overdue")(signoff_overdue)
pending_deadlines_task = scheduled_task("tickets.pending_deadlines")(pending_deadlines)
