"""Who is acting and from where, for the audit log, without threading it through every call."""

import functools
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


def _address(value) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


@functools.lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def is_trusted_proxy(address) -> bool:
    return address is not None and any(
        address in network for network in _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    )


def client_ip(request) -> str:
    """The client's address: the socket address, unless the request comes from a trusted proxy
    (``TRUSTED_PROXIES``, the nginx in front of the portal), whose ``X-Real-IP`` is used then. A forged
    header from anywhere else, or anything that is not an IP address, is ignored: it can neither fake
    the address in the audit log nor dodge the login lockout nor lock somebody else out."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if is_trusted_proxy(peer):
        forwarded = _address(request.META.get("HTTP_X_REAL_IP", ""))
        if forwarded is not None:
            return str(forwarded)
    return str(peer) if peer is not None else ""
