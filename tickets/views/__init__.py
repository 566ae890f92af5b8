"""Views of the tickets app. They parse input, check the role permission, call one service and
redirect (or re-render the page with the form as typed and the reason it was refused).

``lists`` (list, export, filing), ``detail`` (the request's page), ``actions`` (one table-driven view
for every action on a request), ``files`` (stored files) and ``signoffs`` (sign-off forms).
"""

from __future__ import annotations

from .actions import (
    ACTION_VIEWS,
    action_view,
    ticket_action,
    ticket_assign,
    ticket_attach,
    ticket_authorize,
    ticket_batch_step,
    ticket_cancel,
    ticket_claim,
    ticket_close,
    ticket_comment,
    ticket_confirm,
    ticket_emergency_approve,
    ticket_emergency_request,
    ticket_reject,
    ticket_reopen,
    ticket_resolve,
    ticket_resume,
    ticket_start,
    ticket_time,
    ticket_upgrade_step,
    ticket_wait,
)
from .detail import render_detail, ticket_detail
from .files import EVIDENCE, attachment_download, evidence_download
from .lists import EXPORT_COLUMNS, PAGE_SIZE, ticket_create, ticket_export, ticket_list
from .signoffs import signoff_batch, signoff_detail, signoff_list, signoff_pdf, signoff_scan, signoff_sign

__all__ = [
    "ACTION_VIEWS",
    "EVIDENCE",
    "EXPORT_COLUMNS",
    "PAGE_SIZE",
    "action_view",
    "attachment_download",
    "evidence_download",
    "render_detail",
    "signoff_batch",
    "signoff_detail",
    "signoff_list",
    "signoff_pdf",
    "signoff_scan",
    "signoff_sign",
    "ticket_action",
    "ticket_assign",
    "ticket_attach",
    "ticket_authorize",
    "ticket_batch_step",
    "ticket_cancel",
    "ticket_claim",
    "ticket_close",
    "ticket_comment",
    "ticket_confirm",
    "ticket_create",
    "ticket_detail",
    "ticket_emergency_approve",
    "ticket_emergency_request",
    "ticket_export",
    "ticket_list",
    "ticket_reject",
    "ticket_reopen",
    "ticket_resolve",
    "ticket_resume",
    "ticket_start",
    "ticket_time",
    "ticket_upgrade_step",
    "ticket_wait",
]
