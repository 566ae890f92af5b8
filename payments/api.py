"""The read-only JSON API for the city's systems (documented in README.md, "Settlement API").

``GET /api/contracts/`` and ``GET /api/contracts/<id>/settlement/``. Authentication: the portal
session, or ``Authorization: Token <key>`` (keys managed by the bureau admin or the system
administrator on 接口令牌). Only users holding ``payments.view_settlement_api`` (finance, the bureau
admin, the PM) may read. Errors are JSON: ``{"error": {"code": ..., "message": ...}}``.
Amounts are strings with two decimals (exact, never floats); dates ISO 8601; times Asia/Shanghai.
"""

from __future__ import annotations

from functools import wraps

from django.core.paginator import EmptyPage, Paginator
from django.http import JsonResponse
from django.urls import reverse

from common import clock
from common.audit import log_action
from contracts.models import Contract

from . import selectors, services

PERM = "payments.view_settlement_api"
MAX_PAGE_SIZE = 100


def error(status: int, code: str, message: str, **headers) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def api_view(view):
    """GET only; token or session authentication; the read permission; JSON errors; no caching."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return error(405, "method_not_allowed", "接口只读：只接受 GET 请求。", Allow="GET, HEAD")
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header:
            scheme, _sep, key = header.partition(" ")
            if scheme.lower() != "token" or not key.strip():
                return error(
                    401,
                    "bad_authorization",
                    "认证头格式应为 Authorization: Token <key>。",
                    WWW_Authenticate="Token",
                )
            user = services.token_authenticate(key.strip())
            if user is None:
                return error(401, "invalid_token", "令牌无效或已吊销。", WWW_Authenticate="Token")
            request.user = user
        elif not request.user.is_authenticated:
            return error(401, "not_authenticated", "需要登录或提供接口令牌。", WWW_Authenticate="Token")
        if not request.user.has_perm(PERM):
            log_action(
                "access.denied",
                actor=request.user,
                object_type="url",
                object_repr=request.path[:200],
                changes={"method": request.method, "reason": "missing " + PERM},
                success=False,
            )
            return error(403, "forbidden", "只有财务、局信息化管理员和项目经理可以读取结算数据。")
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    wrapper.required_perms = (PERM,)
    return wrapper


def contract_json(contract: Contract) -> dict:
    return {
        "id": contract.pk,
        "number": contract.number,
        "name": contract.name,
        "total": _money(contract.total_amount),
        "signed_on": contract.signed_on.isoformat(),
        "start": contract.start_on.isoformat(),
        "end": contract.end_on.isoformat(),
        "client": contract.client_name,
        "vendor": contract.vendor_name,
    }


@api_view
def contracts(request):
    qs = Contract.objects.order_by("-start_on", "number")
    try:
        size = min(MAX_PAGE_SIZE, max(1, int(request.GET.get("page_size", 50))))
        number = int(request.GET.get("page", 1))
    except ValueError:
        return error(400, "bad_request", "page 和 page_size 必须是整数。")
    paginator = Paginator(qs, size)
    try:
        page = paginator.page(number)
    except EmptyPage:
        return error(404, "no_such_page", f"没有第 {number} 页（共 {paginator.num_pages} 页）。")
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "results": [
                {
                    **contract_json(c),
                    "settlement": request.build_absolute_uri(reverse("api:settlement", args=[c.pk])),
                }
                for c in page.object_list
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def settlement_json(state: selectors.Settlement) -> dict:
    card = state.card
    return {
        "contract": contract_json(state.contract),
        "as_of": state.today.isoformat(),
        "score": {
            "start": card.period.start.isoformat(),
            "end": card.period.end.isoformat(),
            "locked": card.locked,
            "locked_at": clock.local(card.lock.locked_at).isoformat() if card.lock else None,
            "total": _money(card.total),
            "pending_years": card.pending_years,
            "parts": [
                {
                    "key": line.key,
                    "label": line.label,
                    "weight": line.weight,
                    "score": _money(line.score),
                    "computed": _money(line.computed),
                    "adjusted": line.adjustment is not None,
                    "case_count": line.result.counted if line.result else None,
                    "achieved": line.result.achieved if line.result else None,
                    "not_counted": line.result.pending if line.result else None,
                    "no_cases": line.no_cases,
                    "pending_reason": f"{line.not_loaded} 年工作日历尚未加载" if line.not_loaded else None,
                }
                for line in card.parts
            ],
        },
        "tier": {
            "ratio": _money(card.tier.pay_ratio) if card.tier else None,
            "min_score": _money(card.tier.min_score) if card.tier else None,
        },
        "earned": _money(state.earned),
        "payments": [
            {
                "kind": i.kind,
                "label": i.label,
                "amount": _money(i.amount),
                "provisional": i.provisional,
                "due_on": i.due_on.isoformat() if i.due_on else None,
                "due_pending_reason": i.pending_reason or None,
                "paid_amount": _money(i.paid),
                "paid_on": i.settled_on.isoformat() if i.settled_on and i.payments else None,
                "outstanding": _money(i.outstanding),
                "status": i.status,
                "days_late": i.days_late,
                "penalty": _money(i.late_fee),
                "termination_right": i.termination_right,
                "termination_from": i.termination_from.isoformat() if i.termination_from else None,
                "termination_penalty": _money(i.termination_penalty),
                "records": [
                    {
                        "paid_on": p.paid_on.isoformat(),
                        "amount": _money(p.amount),
                        "reference": p.reference,
                        "invoice_received": p.invoice_received,
                    }
                    for p in i.payments
                ],
            }
            for i in state.instalments
        ],
    }


@api_view
def settlement(request, pk: int):
    contract = Contract.objects.filter(pk=pk).first()
    if contract is None:
        return error(404, "not_found", f"没有编号为 {pk} 的合同。")
    return JsonResponse(
        settlement_json(selectors.settlement(contract)), json_dumps_params={"ensure_ascii": False}
    )
