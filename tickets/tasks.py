"""Thin scheduled jobs: they call a service and are safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def remind_late_signoffs() -> int:
    """Each sign-off form past its due date is flagged to its department once (SPEC §8)."""
    return services.signoff_remind_late()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def recompute_pending_deadlines() -> int:
    """Deadlines shown as 待定 get computed once the bureau admin has loaded the missing year."""
    return services.recompute_pending_deadlines()
