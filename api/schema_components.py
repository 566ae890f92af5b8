"""The data shapes of the API (OpenAPI 3.1 component schemas and the helpers that build them), used by
``api.schema`` to assemble the document."""

from __future__ import annotations

from contracts.models import SCORE_PARTS, Priority
from tickets.models import Kind, SignOffMethod, SignOffStatus, Status

from .endpoints.common import MAX_PAGE_SIZE


def _s(type_, **extra) -> dict:
    return {"type": type_, **extra}


def _null(type_, **extra) -> dict:
    return {"type": [type_, "null"], **extra}


STR = _s("string")
INT = _s("integer")
BOOL = _s("boolean")
MONEY = _s("string", pattern=r"^-?\d+\.\d{2}$", description="金额（元），两位小数的字符串")
MONEY_OR_NULL = _null("string", pattern=r"^-?\d+\.\d{2}$")
DATE = _s("string", format="date")
DATE_OR_NULL = _null("string", format="date")
TIME_OR_NULL = _null("string", format="date-time")


def _obj(properties: dict, *, optional: tuple[str, ...] = ()) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _page_of(item: str) -> dict:
    return _obj(
        {
            "count": _s("integer", minimum=0),
            "page": _s("integer", minimum=1),
            "pages": _s("integer", minimum=1),
            "page_size": _s("integer", minimum=1, maximum=MAX_PAGE_SIZE),
            "results": {"type": "array", "items": _ref(item)},
        }
    )


CONTRACT = _obj(
    {
        "id": INT,
        "number": STR,
        "name": STR,
        "total": MONEY,
        "signed_on": DATE,
        "start": DATE,
        "end": DATE,
        "client": STR,
        "vendor": STR,
    }
)
CONTRACT_ROW = {
    "allOf": [
        _ref("Contract"),
        _obj({"settlement": _s("string", format="uri"), "score": _s("string", format="uri")}),
    ]
}
PART = _obj(
    {
        "key": _s("string", enum=[key for key, _label in SCORE_PARTS]),
        "label": STR,
        "weight": INT,
        "score": MONEY_OR_NULL,
        "computed": MONEY_OR_NULL,
        "adjusted": BOOL,
        "case_count": _null("integer"),
        "achieved": _null("integer"),
        "not_counted": _null("integer"),
        "no_cases": BOOL,
        "pending_reason": _null("string"),
    }
)
TIER = _obj({"ratio": MONEY_OR_NULL, "min_score": MONEY_OR_NULL})
SETTLEMENT_SCORE = _obj(
    {
        "start": DATE,
        "end": DATE,
        "locked": BOOL,
        "locked_at": TIME_OR_NULL,
        "total": MONEY_OR_NULL,
        "pending_years": {"type": "array", "items": INT},
        "parts": {"type": "array", "items": _ref("ScorePart")},
    }
)
PAYMENT_RECORD = _obj({"paid_on": DATE, "amount": MONEY, "reference": STR, "invoice_received": BOOL})
INSTALMENT = _obj(
    {
        "kind": _s("string", enum=["advance", "final"]),
        "label": STR,
        "amount": MONEY_OR_NULL,
        "provisional": BOOL,
        "due_on": DATE_OR_NULL,
        "due_pending_reason": _null("string"),
        "paid_amount": MONEY,
        "paid_on": DATE_OR_NULL,
        "outstanding": MONEY_OR_NULL,
        "status": _s("string", enum=["pending", "not_due", "overdue", "paid", "paid_late"]),
        "days_late": _s("integer", minimum=0),
        "penalty": MONEY,
        "termination_right": BOOL,
        "termination_from": DATE_OR_NULL,
        "termination_penalty": MONEY,
        "records": {"type": "array", "items": _ref("PaymentRecord")},
    }
)
SETTLEMENT = _obj(
    {
        "contract": _ref("Contract"),
        "as_of": DATE,
        "score": SETTLEMENT_SCORE,
        "tier": _ref("Tier"),
        "earned": MONEY_OR_NULL,
        "payments": {"type": "array", "items": _ref("Instalment")},
    }
)
PERIOD = _obj(
    {
        "key": STR,
        "kind": _s("string", enum=["contract", "quarter", "month"]),
        "label": STR,
        "start": DATE,
        "end": DATE,
    }
)
SCORE = _obj(
    {
        "contract": _ref("Contract"),
        "period": _ref("Period"),
        "as_of": TIME_OR_NULL,
        "locked": BOOL,
        "locked_at": TIME_OR_NULL,
        "total": MONEY_OR_NULL,
        "pending_years": {"type": "array", "items": INT},
        "tier": _ref("Tier"),
        "parts": {
            "type": "array",
            "items": {"allOf": [_ref("ScorePart"), _obj({"adjustment_reason": _null("string")})]},
        },
        "periods": {"type": "array", "items": STR, "description": "可用的 period 值"},
    }
)
DEPARTMENT = _obj({"id": INT, "code": STR, "name": STR})
TICKET = _obj(
    {
        "id": INT,
        "number": _s("string", pattern=r"^FW\d{4}-\d{5,}$"),
        "title": STR,
        "kind": _s("string", enum=list(Kind.values)),
        "kind_label": STR,
        "status": _s("string", enum=list(Status.values)),
        "status_label": STR,
        "priority": _s("string", enum=list(Priority.values)),
        "priority_label": STR,
        "contract": INT,
        "department": _ref("Department"),
        "scope": {"oneOf": [_obj({"id": INT, "name": STR}), {"type": "null"}]},
        "requester": STR,
        "assignee": _null("string"),
        "created_at": _s("string", format="date-time"),
        "confirmed_at": TIME_OR_NULL,
        "first_response_at": TIME_OR_NULL,
        "respond_due_at": TIME_OR_NULL,
        "resolve_due_at": TIME_OR_NULL,
        "due_pending_year": _null("integer"),
        "resolved_at": TIME_OR_NULL,
        "signed_off_at": TIME_OR_NULL,
        "closed_at": TIME_OR_NULL,
        "overdue": BOOL,
        "response_late": BOOL,
        "rework_count": _s("integer", minimum=0),
        "signoff": _null("integer"),
        "url": _s("string", format="uri"),
    }
)
COMMENT = _obj(
    {"author": _null("string"), "created_at": _s("string", format="date-time"), "body": STR, "internal": BOOL}
)
TICKET_DETAIL = {
    "allOf": [
        _ref("Ticket"),
        _obj(
            {
                "description": STR,
                "resolution": STR,
                "end_reason": STR,
                "time_spent_minutes": _s("integer", minimum=0),
                "comments": {"type": "array", "items": _ref("Comment")},
                "signoff_url": _s("string", format="uri"),
            },
            optional=("signoff_url",),
        ),
    ]
}
SIGNOFF = _obj(
    {
        "id": INT,
        "number": _s("string", pattern=r"^QR\d{4}-\d{5,}$"),
        "contract": INT,
        "department": _ref("Department"),
        "status": _s("string", enum=list(SignOffStatus.values)),
        "status_label": STR,
        "issued_at": _s("string", format="date-time"),
        "issued_by": STR,
        "due_on": DATE_OR_NULL,
        "due_pending_year": _null("integer"),
        "signed_at": TIME_OR_NULL,
        "signed_by": _null("string"),
        "method": {"type": ["string", "null"], "enum": [*SignOffMethod.values, None]},
        "late": BOOL,
        "url": _s("string", format="uri"),
    }
)
FORM_ROW = {
    "type": "object",
    "properties": {
        name: _null("string")
        for name in ("number", "title", "kind", "scope", "priority", "resolved_at", "assignee", "hours")
    },
}
SIGNOFF_DETAIL = {
    "allOf": [
        _ref("SignOff"),
        _obj(
            {
                "signer_note": STR,
                "form": {"type": "array", "items": FORM_ROW, "description": "确认表冻结时的内容"},
                "tickets": {
                    "type": "array",
                    "items": _obj({"id": INT, "number": STR, "url": _s("string", format="uri")}),
                },
            }
        ),
    ]
}
ERROR = _obj(
    {
        "error": _obj(
            {"code": STR, "message": STR, "details": {"type": ["object", "array"]}},
            optional=("details",),
        )
    }
)
INDEX = _obj(
    {"name": STR, "version": STR, "schema": _s("string", format="uri"), "docs": _s("string", format="uri")}
)
