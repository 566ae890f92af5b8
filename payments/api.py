"""The settlement as the read-only API shows it (``GET /api/contracts/<id>/settlement/``, served by the
``api`` app, documented in its OpenAPI schema): JSON built from ``selectors.settlement``, the same
answer the payments page reads. Amounts are strings with two decimals (exact, never floats); dates
ISO 8601; times Asia/Shanghai.
"""

from __future__ import annotations

from common import clock
from contracts.models import Contract

from . import selectors

PERM = "payments.view_settlement_api"


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


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


def _part_json(line) -> dict:
    result = line.result
    return {
        "key": line.key,
        "label": line.label,
        "weight": line.weight,
        "score": _money(line.score),
        "computed": _money(line.computed),
        "adjusted": line.adjustment is not None,
        "case_count": result.counted if result else None,
        "achieved": result.achieved if result else None,
        "not_counted": result.pending if result else None,
        "no_cases": line.no_cases,
        "pending_reason": f"{line.not_loaded} 年工作日历尚未加载" if line.not_loaded else None,
    }


def _score_json(card) -> dict:
    return {
        "start": card.period.start.isoformat(),
        "end": card.period.end.isoformat(),
        "locked": card.locked,
        "locked_at": clock.local(card.lock.locked_at).isoformat() if card.lock else None,
        "total": _money(card.total),
        "pending_years": card.pending_years,
        "parts": [_part_json(line) for line in card.parts],
    }


def _instalment_json(i) -> dict:
    return {
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


def settlement_json(state: selectors.Settlement) -> dict:
    card = state.card
    return {
        "contract": contract_json(state.contract),
        "as_of": state.today.isoformat(),
        "score": _score_json(card),
        "tier": {
            "ratio": _money(card.tier.pay_ratio) if card.tier else None,
            "min_score": _money(card.tier.min_score) if card.tier else None,
        },
        "earned": _money(state.earned),
        "payments": [_instalment_json(i) for i in state.instalments],
    }
