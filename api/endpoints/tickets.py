"""Service requests and sign-off forms, within the caller's visibility: ``tickets.selectors`` decide
(a department's staff see their department's, an engineer what is assigned to them and the pool, the
PM, the bureau admin and the bureau's system account everything; a sign-off form only to those who may
see all of its requests)."""

from __future__ import annotations

from common import clock
from contracts.models import Contract
from tickets import selectors
from tickets.filters import TicketFilter
from tickets.models import SignOffStatus

from ..http import ApiError, api_view, ok
from .common import absolute, check_params, int_param, paginate

VIEW = "tickets.view_ticket"
TICKET_FILTERS = (
    "contract",
    "q",
    "status",
    "state",
    "kind",
    "scope",
    "priority",
    "department",
    "created_from",
    "created_to",
    "overdue",
    "view",
    "ordering",
)
SIGNOFF_FILTERS = ("contract", "status", "department")


def _time(value):
    return clock.local(value).isoformat() if value else None


def _contract_param(request) -> Contract | None:
    pk = int_param(request, "contract", 0, low=1) if request.GET.get("contract") else None
    if pk is None:
        return None
    contract = Contract.objects.filter(pk=pk).first()
    if contract is None:
        raise ApiError(400, "bad_request", f"没有编号为 {pk} 的合同。", details={"contract": pk})
    return contract


def _department(d) -> dict:
    return {"id": d.pk, "code": d.code, "name": d.name}


def ticket_json(request, t, now) -> dict:
    return {
        "id": t.pk,
        "number": t.number,
        "title": t.title,
        "kind": t.kind,
        "kind_label": t.get_kind_display(),
        "status": t.status,
        "status_label": t.get_status_display(),
        "priority": t.priority,
        "priority_label": t.get_priority_display(),
        "contract": t.contract_id,
        "department": _department(t.department),
        "scope": {"id": t.scope_id, "name": t.scope.name} if t.scope_id else None,
        "requester": t.requester.display_name,
        "assignee": t.assignee.display_name if t.assignee_id else None,
        "created_at": _time(t.created_at),
        "confirmed_at": _time(t.confirmed_at),
        "first_response_at": _time(t.first_response_at),
        "respond_due_at": _time(t.respond_due_at),
        "resolve_due_at": _time(t.resolve_due_at),
        "due_pending_year": t.due_pending_year,
        "resolved_at": _time(t.resolved_at),
        "signed_off_at": _time(t.signed_off_at),
        "closed_at": _time(t.closed_at),
        "overdue": t.is_overdue(now),
        "response_late": t.response_late(now),
        "rework_count": t.rework_count,
        "signoff": t.signoff_id,
        "url": absolute(request, "api:ticket", t.pk),
    }


@api_view(VIEW)
def ticket_list(request):
    """Requests the caller may see, filtered like the request list page (same parameters)."""
    check_params(request, TICKET_FILTERS)
    contract = _contract_param(request)
    queryset = selectors.ticket_list(request.user, contract)
    data = request.GET.copy()
    for name in ("contract", "page", "page_size", "department"):
        data.pop(name, None)
    flt = TicketFilter(data, queryset=queryset, user=request.user, contract=contract)
    if not flt.is_valid():
        details = {field: [str(m) for m in messages] for field, messages in flt.errors.items()}
        raise ApiError(400, "bad_request", "筛选条件有误。", details=details)
    qs = flt.qs
    # A department is an id, as the schema says: an unknown one matches nothing (like the sign-off
    # list), it is not a bad request. Department staff see their own department and the filter is
    # ignored, as on the list page.
    if request.GET.get("department") and "department" in flt.filters:
        qs = qs.filter(department_id=int_param(request, "department", 0))
    now = clock.now()
    return ok(paginate(request, qs, lambda t: ticket_json(request, t, now)))


@api_view(VIEW)
def ticket_detail(request, pk: int):
    check_params(request, ())
    ticket = selectors.ticket_for(request.user, pk)
    body = ticket_json(request, ticket, clock.now())
    body.update(
        description=ticket.description,
        resolution=ticket.resolution,
        end_reason=ticket.end_reason,
        time_spent_minutes=ticket.time_spent_minutes,
        comments=[
            {
                "author": c.author.display_name if c.author_id else None,
                "created_at": _time(c.created_at),
                "body": c.body,
                "internal": c.internal,
            }
            for c in selectors.comments_for(request.user, ticket).order_by("created_at", "id")
        ],
    )
    if ticket.signoff_id:
        body["signoff_url"] = absolute(request, "api:signoff", ticket.signoff_id)
    return ok(body)


def signoff_json(request, s, today) -> dict:
    return {
        "id": s.pk,
        "number": s.number,
        "contract": s.contract_id,
        "department": _department(s.department),
        "status": s.status,
        "status_label": s.get_status_display(),
        "issued_at": _time(s.issued_at),
        "issued_by": s.issued_by.display_name,
        "due_on": s.due_on.isoformat() if s.due_on else None,
        "due_pending_year": s.due_pending_year,
        "signed_at": _time(s.signed_at),
        "signed_by": s.signed_by.display_name if s.signed_by_id else None,
        "method": s.method or None,
        "late": s.is_late(today),
        "url": absolute(request, "api:signoff", s.pk),
    }


@api_view(VIEW)
def signoff_list(request):
    check_params(request, SIGNOFF_FILTERS)
    contract = _contract_param(request)
    queryset = selectors.signoffs_for(request.user)
    if contract is not None:
        queryset = queryset.filter(contract=contract)
    status = request.GET.get("status")
    if status:
        if status not in SignOffStatus.values:
            raise ApiError(400, "bad_request", f"status 应为 {'、'.join(SignOffStatus.values)} 之一。")
        queryset = queryset.filter(status=status)
    department = request.GET.get("department")
    if department:
        queryset = queryset.filter(department_id=int_param(request, "department", 0))
    today = clock.today()
    return ok(
        paginate(request, queryset.order_by("-issued_at", "-id"), lambda s: signoff_json(request, s, today))
    )


@api_view(VIEW)
def signoff_detail(request, pk: int):
    check_params(request, ())
    signoff = selectors.signoff_for(request.user, pk)
    body = signoff_json(request, signoff, clock.today())
    snap = signoff.snapshot or {}
    body.update(
        signer_note=signoff.signer_note,
        form=[
            {
                key: row.get(key)
                for key in (
                    "number",
                    "title",
                    "kind",
                    "scope",
                    "priority",
                    "resolved_at",
                    "assignee",
                    "hours",
                )
            }
            for row in snap.get("tickets", [])
        ],
        tickets=[
            {"id": t.pk, "number": t.number, "url": absolute(request, "api:ticket", t.pk)}
            for t in signoff.tickets.order_by("pk")
        ],
    )
    return ok(body)
