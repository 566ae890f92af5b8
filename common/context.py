"""Who is acting and from where, for the audit log, without threading it through every call."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str = ""
    user_agent: str = ""
    path: str = ""


_current: ContextVar[RequestInfo | None] = ContextVar("jinbao_request_info", default=None)


def current_request_info() -> RequestInfo:
    return _current.get() or RequestInfo()


def set_request_info(info: RequestInfo):
    return _current.set(info)


def reset_request_info(token) -> None:
    _current.reset(token)


def client_ip(request) -> str:
    # Behind the production proxy the address is the proxy's; it sets X-Real-IP (see README).
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or ""
