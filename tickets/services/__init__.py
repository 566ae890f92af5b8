"""Writes on service requests. Each runs in a transaction, claims the state it changes atomically,
writes an audit entry on the request (so its timeline is the audit trail) and notifies people.

Keyword-only; ``actor`` is the user acting. Refusals raise ``TransitionNotAllowed`` (wrong role or
state), ``ServiceError`` (a rule of the contract) or ``ConcurrentChange`` (someone else was first),
each with a message in Chinese that says why.

The modules: ``_base`` (claim, log, notify, require), ``deadlines`` (SLA clocks), ``filing`` (submit
and the bureau's decisions), ``work`` (the vendor's transitions), ``activity`` (comments,
attachments, time), ``gates`` (data authorization, batch steps, upgrade stages, emergency exception)
and ``signoffs``. Import from ``tickets.services``, not from the modules.
"""

from __future__ import annotations

from common.errors import error_messages as validation_messages
from contracts.calendar import get_calendar  # re-exported: callers and tests reach it here

from ..models import TICKET_FIELDS
from ..policy import resolve_blockers
from ..rules import check_upgrade_window, timezone_naive, upgrade_window
from ._base import quiet_notifications
from .activity import attachment_add, comment_add, time_log
from .deadlines import compute_deadlines, recompute_pending_deadlines, sla_target
from .filing import ticket_cancel, ticket_confirm, ticket_priority_change, ticket_reject, ticket_submit
from .gates import (
    batch_step_record,
    data_authorize,
    emergency_approve,
    emergency_request,
    upgrade_step_record,
)
from .signoffs import signoff_issue_batch, signoff_remind_late, signoff_sign
from .work import (
    ticket_assign,
    ticket_claim,
    ticket_close,
    ticket_reopen,
    ticket_resolve,
    ticket_resume,
    ticket_start,
    ticket_wait,
)

__all__ = [
    "TICKET_FIELDS",
    "attachment_add",
    "batch_step_record",
    "check_upgrade_window",
    "comment_add",
    "compute_deadlines",
    "data_authorize",
    "emergency_approve",
    "emergency_request",
    "get_calendar",
    "quiet_notifications",
    "recompute_pending_deadlines",
    "resolve_blockers",
    "signoff_issue_batch",
    "signoff_remind_late",
    "signoff_sign",
    "sla_target",
    "ticket_assign",
    "ticket_cancel",
    "ticket_claim",
    "ticket_close",
    "ticket_confirm",
    "ticket_priority_change",
    "ticket_reject",
    "ticket_reopen",
    "ticket_resolve",
    "ticket_resume",
    "ticket_start",
    "ticket_submit",
    "ticket_wait",
    "time_log",
    "timezone_naive",
    "upgrade_step_record",
    "upgrade_window",
    "validation_messages",
]
