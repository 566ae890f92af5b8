"""What every API call goes through (``api_view``): read-only methods, strict token parsing, throttling
of invalid tokens per client address, the view's permission, JSON errors, no caching, and one audit
entry per call (who, which token, path, result).

Authentication is a token (``Authorization: Token jbt_…``) or the portal session of a logged-in
browser. A request with an ``Authorization`` header is judged by that header alone.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from common.audit import log_action
from common.context import client_ip

from . import services

READ_METHODS = ("GET", "HEAD")
MAX_ID = 2**63 - 1  # a larger number in the path is no object (and would overflow the database)


def error(status: int, code: str, message: str, *, details=None, **headers) -> JsonResponse:
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in headers.items():
        response[name.replace("_", "-")] = str(value)
    response["Cache-Control"] = "no-store"
    return response


def ok(data) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


class ApiError(Exception):
    """Raised by an endpoint for a JSON error answer (400, 404)."""

    def __init__(self, status: int, code: str, message: str, details=None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def _audit(request, *, response, token=None, reason: str = "", presented: str = "") -> None:
    changes = {
        "method": request.method,
        "path": request.path[:200],
        "query": request.META.get("QUERY_STRING", "")[:300],
        "status": response.status_code,
        "auth": "token" if (token or presented) else "session",
    }
    if token is not None:
        changes["token"] = token.name
        changes["token_id"] = token.pk
    if presented:
        changes["token_prefix"] = presented
    if reason:
        changes["reason"] = reason
    user = getattr(request, "user", None)
    log_action(
        "api.call",
        actor=user if user is not None and user.is_authenticated else None,
        object_type="url",
        object_repr=request.path[:200],
        changes=changes,
        success=response.status_code < 400,
    )


def _prefix_of(header: str) -> str:
    """What the audit log keeps of a refused header: the scheme and at most the key's public prefix."""
    scheme, _sep, rest = header.partition(" ")
    return f"{scheme[:10]} {rest[:12]}".strip()


def _refused(request, response, **audit):
    _audit(request, response=response, **audit)
    return response


def _token_auth(request, header: str):
    """``(token, None)`` for a valid Authorization header, else ``(token or None, the JSON refusal)``."""
    ip = client_ip(request)
    wait = services.blocked_for(ip) if ip else None
    if wait is not None:
        # Not audited one by one (the log would grow without bound): the block's start is.
        return None, error(
            429, "too_many_requests", f"无效令牌过多，请在 {wait} 秒后重试。", Retry_After=wait
        )
    key = services.parse_header(header)
    token, refusal = (None, services.BAD_HEADER) if key is None else services.authenticate(key)
    if refusal is None:
        return token, None
    response = error(refusal.status, refusal.code, refusal.message, WWW_Authenticate="Token")
    request.user = _anonymous()
    _audit(request, response=response, token=token, reason=refusal.code, presented=_prefix_of(header))
    if ip and refusal.code in ("bad_authorization", "invalid_token") and services.record_failure(ip):
        log_action(
            "api.throttle",
            object_type="ip",
            object_repr=ip,
            changes={"ip": ip, "reason": "invalid tokens"},
            success=False,
        )
    return token, response


def _call(view, request, args, kwargs, token):
    try:
        response = view(request, *args, **kwargs)
    except ApiError as exc:
        response = error(exc.status, exc.code, exc.message, details=exc.details)
    except Http404:
        response = error(404, "not_found", "没有这个对象，或您无权查看。")
    response["Cache-Control"] = "no-store"
    _audit(request, response=response, token=token)
    return response


def api_view(*perms: str):
    """Decorate an endpoint. ``perms``: every permission the caller must hold (else a JSON 403)."""

    def decorator(view):
        @csrf_exempt  # read-only: nothing to forge; a POST gets the JSON 405 below, not the CSRF page
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in READ_METHODS:
                allow = ", ".join(READ_METHODS)
                return _refused(
                    request, error(405, "method_not_allowed", "接口只读：只接受 GET 请求。", Allow=allow)
                )
            token = None
            header = request.META.get("HTTP_AUTHORIZATION")
            if header is not None:
                token, refusal = _token_auth(request, header)
                if refusal is not None:
                    return refusal
                request.user = token.user
            elif not request.user.is_authenticated:
                return _refused(
                    request,
                    error(401, "not_authenticated", "需要登录或提供接口令牌。", WWW_Authenticate="Token"),
                )
            if perms and not request.user.has_perms(perms):
                response = error(403, "forbidden", "您没有读取这些数据的权限。")
                return _refused(request, response, token=token, reason="missing " + ",".join(perms))
            request.api_token = token
            if any(isinstance(v, int) and v > MAX_ID for v in kwargs.values()):
                return _refused(request, error(404, "not_found", "没有这个对象，或您无权查看。"), token=token)
            return _call(view, request, args, kwargs, token)

        wrapper.required_perms = perms  # type: ignore[attr-defined]  # read by the access matrix
        wrapper.api_endpoint = True  # type: ignore[attr-defined]
        return wrapper

    return decorator


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@csrf_exempt
def not_found(request, rest: str = ""):
    if request.method not in READ_METHODS:
        return error(405, "method_not_allowed", "接口只读：只接受 GET 请求。", Allow=", ".join(READ_METHODS))
    return error(404, "not_found", "没有这个接口，见 /api/schema/。")
