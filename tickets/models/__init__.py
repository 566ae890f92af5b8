"""Service requests (RULES §4): the request, its work, its gates, and the sign-off form.

What later apps read, stored as fields so they never recompute history:
- ``confirmed_at`` starts both SLA clocks; ``respond_due_at`` / ``resolve_due_at`` are the deadlines
  in working time (None with ``due_pending_year`` set when that year's calendar is not loaded);
- ``first_response_at`` (responsiveness), ``resolved_at`` (completion), ``rework_count`` (reopens);
- ``paused_minutes`` — working minutes during which the clock stood still (waiting on the bureau,
  or resolved until a reopen), already added to ``resolve_due_at``;
- ``signoff`` — the 服务内容确认表 the request is on, with its due date and whether it was late.

One module per subject (``core``, ``work``, ``signoffs``, ``find``, ``support``, ``facts``), imported
here in the order the models were declared before the split; import from ``tickets.models``.
"""

# isort: off
from .core import (
    ACTIVE_STATUSES,
    DATA_MAINTENANCE_KINDS,
    DONE_STATUSES,
    ENDED_STATUSES,
    FILER_FIELDS,
    OPEN_STATUSES,
    QUEUE_STATUSES,
    TICKET_FIELDS,
    BatchType,
    InitType,
    Kind,
    Status,
    Ticket,
    TicketQuerySet,
    UpgradeTarget,
)
from .work import (
    UPGRADE_STAGE_ORDER,
    Attachment,
    BatchStep,
    BatchStepKind,
    Comment,
    DataAuthorization,
    TimeEntry,
    UpgradeStage,
    UpgradeStep,
    attachment_path,
)
from .signoffs import SignOff, SignOffMethod, SignOffStatus
from .find import (
    LinkKind,
    Recurrence,
    RecurringRun,
    RequestTemplate,
    SavedView,
    SearchDocument,
    TicketLink,
    Watcher,
)
from .support import RequiredBy, SupportMode, SupportSession
from .facts import ScoreFact

# isort: on

__all__ = [
    "ACTIVE_STATUSES",
    "DATA_MAINTENANCE_KINDS",
    "DONE_STATUSES",
    "ENDED_STATUSES",
    "FILER_FIELDS",
    "OPEN_STATUSES",
    "QUEUE_STATUSES",
    "TICKET_FIELDS",
    "UPGRADE_STAGE_ORDER",
    "Attachment",
    "BatchStep",
    "BatchStepKind",
    "BatchType",
    "Comment",
    "DataAuthorization",
    "InitType",
    "Kind",
    "LinkKind",
    "Recurrence",
    "RecurringRun",
    "RequestTemplate",
    "RequiredBy",
    "SavedView",
    "ScoreFact",
    "SearchDocument",
    "SignOff",
    "SignOffMethod",
    "SignOffStatus",
    "Status",
    "SupportMode",
    "SupportSession",
    "Ticket",
    "TicketLink",
    "TicketQuerySet",
    "TimeEntry",
    "UpgradeStage",
    "UpgradeStep",
    "UpgradeTarget",
    "Watcher",
    "attachment_path",
]
