"""The OpenAPI 3.1 document of the API, built here (no generator): ``GET /api/schema/`` serves it and
``GET /api/docs/`` renders it as a page. ``tests/api/test_schemathesis.py`` checks the live server
against it, so a field added to an endpoint without being described here fails the suite."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext

from contracts.models import Priority
from tickets.filters import STATE_GROUPS
from tickets.models import Kind, SignOffStatus, Status

from .endpoints.common import DEFAULT_PAGE_SIZE, MAX_INT, MAX_PAGE_SIZE
from .schema_components import (
    COMMENT,
    CONTRACT,
    CONTRACT_ROW,
    DEPARTMENT,
    ERROR,
    INDEX,
    INSTALMENT,
    PART,
    PAYMENT_RECORD,
    PERIOD,
    SCORE,
    SETTLEMENT,
    SIGNOFF,
    SIGNOFF_DETAIL,
    TICKET,
    TICKET_DETAIL,
    TIER,
    _page_of,
    _ref,
    _s,
)

VERSION = "1.0.0"


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


ERRORS = {
    "400": _error("参数有误（bad_request），details 说明哪一项"),
    "401": _error("未认证：not_authenticated、bad_authorization、invalid_token 或 token_expired"),
    "403": _error("令牌代表的用户无权读取（forbidden）"),
    "404": _error("对象不存在或不在可见范围内（not_found、no_such_page）"),
    "405": _error("只接受 GET（method_not_allowed）"),
    "429": _error("来自同一地址的无效令牌过多（too_many_requests），见 Retry-After"),
}


def _ok(schema: str, description: str) -> dict:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": _ref(schema)}}},
        **ERRORS,
    }


def _param(
    name: str, schema: dict, description: str, *, where: str = "query", required: bool = False
) -> dict:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema,
        "description": description,
    }


PK = _param("pk", _s("integer", minimum=1, maximum=MAX_INT), "编号", where="path")
PAGE = [
    _param("page", _s("integer", minimum=1, maximum=MAX_INT), "页码，从 1 开始"),
    _param(
        "page_size",
        _s("integer", minimum=1, maximum=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE),
        f"每页条数（最多 {MAX_PAGE_SIZE}）",  # a constant: the whole text is the msgid
    ),
]
CONTRACT_FILTER = _param("contract", _s("integer", minimum=1, maximum=MAX_INT), "只看这个合同的")
TICKET_ORDERINGS = ["created", "due", "priority", "status", "department", "resolved"]
TICKET_PARAMS = [
    CONTRACT_FILTER,
    _param(
        "q",
        _s("string", maxLength=100),
        "词（标题、描述、处理结果、可见的留言和附件名；中文按词切分，空格分开的词都要包含）"
        "；或请求编号 FW2023-00012",
    ),
    _param("status", _s("string", enum=list(Status.values)), "状态"),
    _param(
        "state",
        _s("string", enum=[key for key, _label in STATE_GROUPS]),
        "进度：active 未完成，done 已解决及以后",
    ),
    _param("kind", _s("string", enum=list(Kind.values)), "类型"),
    _param("scope", _s("integer", minimum=1, maximum=MAX_INT), "系统（需同时给出 contract）"),
    _param("priority", _s("string", enum=list(Priority.values)), "优先级"),
    _param(
        "department", _s("integer", minimum=1, maximum=MAX_INT), "科室编号（科室人员只看本科室，忽略此项）"
    ),
    _param("created_from", _s("string", format="date"), "提交日期从（含）"),
    _param("created_to", _s("string", format="date"), "提交日期至（含）"),
    _param("overdue", _s("string", enum=["late", "soon", "pending"]), "期限：已超期、即将超期、期限待定"),
    _param(
        "view",
        _s("string", enum=["mine", "assigned", "pool", "unassigned"]),
        "我提交的、分派给我的、待领取、待分派",
    ),
    _param(
        "ordering",
        _s("string", enum=[*TICKET_ORDERINGS, *(f"-{o}" for o in TICKET_ORDERINGS)]),
        "排序字段，前加 - 为倒序；默认最新提交在前",
    ),
    *PAGE,
]
SIGNOFF_PARAMS = [
    CONTRACT_FILTER,
    _param("status", _s("string", enum=list(SignOffStatus.values)), "状态"),
    _param("department", _s("integer", minimum=1, maximum=MAX_INT), "科室编号"),
    *PAGE,
]
SECURED: list[dict[str, list[str]]] = [{"token": []}, {"session": []}]


def _get(
    operation_id: str, summary: str, responses: dict, parameters: list | None = None, tag: str = ""
) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": [tag] if tag else [],
            "parameters": parameters or [],
            "responses": responses,
            "security": SECURED,
        }
    }


TRANSLATED_KEYS = ("title", "summary", "description")


def _localize(node):
    """The document's titles, summaries and descriptions in the active language (issue 16): they are
    written in Chinese (the msgids); names, enums and patterns are left alone."""
    if isinstance(node, dict):
        return {key: _text(key, value) for key, value in node.items()}
    if isinstance(node, list):
        return [_localize(item) for item in node]
    return node


def _text(key: str, value):
    if key in TRANSLATED_KEYS and isinstance(value, str) and value:
        return gettext(value)
    return _localize(value)


def build() -> dict:
    """The document (paths relative to the server, which is the portal's /api), in the active language."""
    return _localize(_document())


def _document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "金保服务运维门户 数据接口",
            "version": VERSION,
            "description": (
                gettext(
                    "只读接口。认证：请求头 `Authorization: Token <令牌>`（令牌在门户“接口令牌”页由本人创建，"
                    "默认 %(days)s 天后过期），或已登录浏览器的会话。令牌代表其用户，"
                    "只能读到该用户在门户中能看到的数据。每次调用都记入审计日志；同一地址多次使用无效令牌会被限制（429）。"
                    "金额是两位小数的字符串，日期为 ISO 8601，时间为北京时间（+08:00）。"
                )
                % {"days": settings.API_TOKEN_MAX_DAYS}
            ),
        },
        "servers": [{"url": "/api"}],
        "tags": [
            {"name": "contracts", "description": "合同、结算、绩效得分"},
            {"name": "tickets", "description": "服务请求与服务内容确认表"},
        ],
        "paths": _paths(),
        "components": _components(),
    }


# The public index: no token, no data (issue 19).
_INDEX_PATH = {
    "get": {
        "operationId": "getIndex",
        "summary": "接口索引：本文档与说明页的地址（公开，无需令牌，不含数据）",
        "tags": [],
        "parameters": [],
        "responses": {
            "200": {
                "description": "索引",
                "content": {"application/json": {"schema": _ref("Index")}},
            },
            "405": ERRORS["405"],
        },
        "security": [],
    }
}


def _paths() -> dict:
    return {
        "/": _INDEX_PATH,
        "/contracts/": _get(
            "listContracts",
            "合同列表（财务、局信息化管理员、项目经理、局系统账户）",
            _ok("ContractPage", "合同"),
            PAGE,
            "contracts",
        ),
        "/contracts/{pk}/settlement/": _get(
            "getSettlement",
            "合同的结算：得分、档位、应付、已付、逾期与违约金",
            _ok("Settlement", "结算"),
            [PK],
            "contracts",
        ),
        "/contracts/{pk}/score/": _get(
            "getScore",
            "合同某一期间的五项考核得分（合同期可能已锁定）",
            _ok("Score", "得分"),
            [
                PK,
                _param(
                    "period",
                    _s(
                        "string",
                        pattern=r"^(contract|\d{4}-Q[1-4]|\d{4}-(0[1-9]|1[0-2]))$",
                        default="contract",
                    ),
                    "contract（合同期，默认）、季度如 2023-Q2 或月份如 2023-06，须在合同期内",
                ),
            ],
            "contracts",
        ),
        **_ticket_paths(),
    }


def _ticket_paths() -> dict:
    return {
        "/tickets/": _get(
            "listTickets",
            "服务请求列表（在调用者可见范围内，筛选条件与门户的请求列表相同）",
            _ok("TicketPage", "服务请求"),
            TICKET_PARAMS,
            "tickets",
        ),
        "/tickets/{pk}/": _get(
            "getTicket",
            "一个服务请求，含留言（甲方看不到乙方内部留言）",
            _ok("TicketDetail", "服务请求"),
            [PK],
            "tickets",
        ),
        "/signoffs/": _get(
            "listSignOffs",
            "服务内容确认表列表（只含调用者能看到其全部请求的确认表）",
            _ok("SignOffPage", "确认表"),
            SIGNOFF_PARAMS,
            "tickets",
        ),
        "/signoffs/{pk}/": _get(
            "getSignOff",
            "一张服务内容确认表（含冻结的表内容）",
            _ok("SignOffDetail", "确认表"),
            [PK],
            "tickets",
        ),
    }


def _components() -> dict:
    return {
        "securitySchemes": {
            "token": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "`Token jbt_…`：Token、一个空格、令牌，别无其他",
            },
            "session": {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME},
        },
        "schemas": {
            "Error": ERROR,
            "Index": INDEX,
            "Contract": CONTRACT,
            "ContractRow": CONTRACT_ROW,
            "ContractPage": _page_of("ContractRow"),
            "ScorePart": PART,
            "Tier": TIER,
            "PaymentRecord": PAYMENT_RECORD,
            "Instalment": INSTALMENT,
            "Settlement": SETTLEMENT,
            "Period": PERIOD,
            "Score": SCORE,
            "Department": DEPARTMENT,
            "Ticket": TICKET,
            "TicketPage": _page_of("Ticket"),
            "Comment": COMMENT,
            "TicketDetail": TICKET_DETAIL,
            "SignOff": SIGNOFF,
            "SignOffPage": _page_of("SignOff"),
            "SignOffDetail": SIGNOFF_DETAIL,
        },
    }
