"""Contracts, their settlement (payments) and their score by period (performance)."""

from __future__ import annotations

import datetime as dt

from common import clock
from contracts.models import Contract
from payments import selectors as payment_selectors
from payments.api import _money, contract_json, settlement_json
from performance import rules as score_rules
from performance import selectors as score_selectors

from ..http import ApiError, api_view, ok
from .common import absolute, check_params, paginate

SETTLEMENT = "payments.view_settlement_api"
SCORE = "performance.view_score"


def _contract(pk: int) -> Contract:
    contract = Contract.objects.filter(pk=pk).first()
    if contract is None:
        raise ApiError(404, "not_found", f"没有编号为 {pk} 的合同。")
    return contract


@api_view(SETTLEMENT)
def contracts(request):
    check_params(request, ())
    return ok(
        paginate(
            request,
            Contract.objects.order_by("-start_on", "number"),
            lambda c: {
                **contract_json(c),
                "settlement": absolute(request, "api:settlement", c.pk),
                "score": absolute(request, "api:score", c.pk),
            },
        )
    )


@api_view(SETTLEMENT)
def settlement(request, pk: int):
    check_params(request, ())
    return ok(settlement_json(payment_selectors.settlement(_contract(pk))))


def _period_json(period: score_rules.Period) -> dict:
    return {
        "key": period.key,
        "kind": str(period.kind),
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def score_json(card: score_selectors.ScoreCard) -> dict:
    return {
        "period": _period_json(card.period),
        "as_of": clock.local(card.as_of).isoformat() if isinstance(card.as_of, dt.datetime) else None,
        "locked": card.locked,
        "locked_at": clock.local(card.lock.locked_at).isoformat() if card.lock else None,
        "total": _money(card.total),
        "pending_years": card.pending_years,
        "tier": {
            "ratio": _money(card.tier.pay_ratio) if card.tier else None,
            "min_score": _money(card.tier.min_score) if card.tier else None,
        },
        "parts": [
            {
                "key": line.key,
                "label": line.label,
                "weight": line.weight,
                "score": _money(line.score),
                "computed": _money(line.computed),
                "adjusted": line.adjustment is not None,
                "adjustment_reason": line.adjustment.reason if line.adjustment else None,
                "case_count": line.result.counted if line.result else None,
                "achieved": line.result.achieved if line.result else None,
                "not_counted": line.result.pending if line.result else None,
                "no_cases": line.no_cases,
                "pending_reason": f"{line.not_loaded} 年工作日历尚未加载" if line.not_loaded else None,
            }
            for line in card.parts
        ],
    }


@api_view(SCORE)
def score(request, pk: int):
    """The score of the contract period (locked or provisional), a quarter or a month."""
    check_params(request, ("period",))
    contract = _contract(pk)
    key = request.GET.get("period", "contract")
    period = score_rules.parse_period(key, contract.start_on, contract.end_on)
    if period is None:
        raise ApiError(
            400,
            "bad_request",
            "period 应为 contract、合同期内的季度（如 2023-Q2）或月份（如 2023-06）。",
            details={"period": key[:20]},
        )
    card = score_selectors.score_card(contract, period)
    periods = score_selectors.periods_of(contract)
    return ok(
        {
            "contract": contract_json(contract),
            **score_json(card),
            "periods": [p.key for group in ("contract", "quarters", "months") for p in periods[group]],
        }
    )
