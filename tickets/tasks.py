"""Scheduled jobs of the tickets app (declared in jinbao_service/schedule.py): thin, safe to run twice."""

from jobs.runner import scheduled_task

from . import deadlines, services
from .templates_service import file_recurring


def signoff_overdue() -> str:
    """Each sign-off form past its due date is flagged to its department once (RULES §8)."""
    return f"{services.signoff_remind_late()} late sign-off forms reminded"


def pending_deadlines() -> str:
    """Deadlines shown as 待定 get computed once the bureau admin has loaded the missing year (loading a
    year fills them at once; this is the safety net for a year that became known otherwise)."""
    return f"{deadlines.fill_pending()} deadlines computed"


signoff_overdue_task = scheduled_task("tickets.signoff_overdue")(signoff_overdue)
pending_deadlines_task = scheduled_task("tickets.pending_deadlines")(pending_deadlines)


def recurring_requests() -> str:
    """Recurring requests of the bureau admin's templates, each filed once per period (issue 17)."""
    counts = file_recurring()
    return "{filed} recurring requests filed, {pending} waiting for a calendar, {failed} refused".format(
        **counts
    )


recurring_requests_task = scheduled_task("tickets.recurring_requests")(recurring_requests)

from .required_by_tasks import required_by_due_task  # noqa: E402,F401  (issue 18: registers the job)
