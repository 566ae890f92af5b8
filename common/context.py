"""Who is acting and from where, for the audit log, without threading it through every call."""

import ipaddress
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings


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
    """The client's address: X-Real-IP when the proxy that sets it is trusted (TRUST_X_REAL_IP, see
    README), else the peer address. Anything that is not an IP address is ignored, so a forged
    header can neither fake the address in the audit log nor dodge the login lockout."""
    candidates = [request.META.get("REMOTE_ADDR", "")]
    if getattr(settings, "TRUST_X_REAL_IP", False):
        candidates.insert(0, request.META.get("HTTP_X_REAL_IP", ""))
    for value in candidates:
        try:
            return str(ipaddress.ip_address((value or "").strip()))
        except ValueError:
            continue
    return ""
