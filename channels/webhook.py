"""The robot webhook: which addresses are accepted, how they are shown, and one HTTP POST.

企业微信 and 政务微信 group robots share one API: ``POST <host>/cgi-bin/webhook/send?key=<key>`` with
a JSON body, answered by ``{"errcode": 0, "errmsg": "ok"}`` (HTTP 200 even for errors). The portal
posts only to the hosts in ``ROBOT_WEBHOOK_HOSTS`` (the server must not be made to call arbitrary
addresses), over HTTPS unless ``ROBOT_WEBHOOK_ALLOW_HTTP`` is set, and never follows a redirect.
"""

from __future__ import annotations

import json
import re
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEBHOOK_PATH = "/cgi-bin/webhook/send"
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
# errcode values worth trying again: -1 system busy, 45009 the robot's rate limit (20 a minute).
TRANSIENT_ERRCODES = {-1, 45009}


def allowed_hosts() -> list[str]:
    return [h.strip().lower() for h in getattr(settings, "ROBOT_WEBHOOK_HOSTS", []) if h.strip()]


def validate_webhook_url(url: str) -> str:
    """The address, stripped, or ValidationError saying what is wrong with it (never echoing the key)."""
    url = (url or "").strip()
    if not url or len(url) > 500 or any(c.isspace() for c in url):
        raise ValidationError(_("请粘贴群机器人的完整 Webhook 地址。"))
    parts = urlsplit(url)
    allow_http = getattr(settings, "ROBOT_WEBHOOK_ALLOW_HTTP", False)
    if parts.scheme != "https" and not (allow_http and parts.scheme == "http"):
        raise ValidationError(_("Webhook 地址必须以 https:// 开头。"))
    if parts.username or parts.password or parts.fragment:
        raise ValidationError(_("Webhook 地址不能包含用户名、密码或 # 片段。"))
    host = (parts.hostname or "").lower()
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    hosts = allowed_hosts()
    if host not in hosts and netloc not in hosts:
        raise ValidationError(
            _("不允许的服务器 %(host)s；允许的服务器：%(hosts)s（由系统配置 ROBOT_WEBHOOK_HOSTS 决定）。")
            % {"host": netloc or "—", "hosts": "、".join(hosts) or "—"}
        )
    if parts.path != WEBHOOK_PATH:
        raise ValidationError(_("Webhook 地址的路径应为 %(path)s。") % {"path": WEBHOOK_PATH})
    query = parse_qs(parts.query, keep_blank_values=True)
    keys = query.get("key", [])
    if len(keys) != 1 or not KEY_RE.match(keys[0]) or set(query) - {"key", "debug"}:
        raise ValidationError(_("Webhook 地址应带有且只带有一个有效的 key 参数。"))
    return url


def mask_url(url: str) -> str:
    """The address with its key hidden but for the last four characters."""
    parts = urlsplit(url or "")
    key = (parse_qs(parts.query).get("key") or [""])[0]
    tail = key[-4:] if len(key) >= 12 else ""
    return f"{parts.scheme}://{parts.netloc}{parts.path}?key=••••{tail}"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    retry: bool  # a failure worth trying again (network, 5xx, rate limit)
    detail: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener():
    proxy = getattr(settings, "ROBOT_PROXY_URL", "")
    proxies = {"http": proxy, "https": proxy} if proxy else {}
    return urllib.request.build_opener(urllib.request.ProxyHandler(proxies), _NoRedirect)


def post(url: str, payload: dict) -> Outcome:
    """POST the message once; classify the answer. Errors never contain the key."""
    validate_webhook_url(url)  # the setting may have changed since the robot was saved
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 — validate_webhook_url allows only http(s) to listed hosts
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    timeout = getattr(settings, "ROBOT_TIMEOUT_SECONDS", 5)
    try:
        with _opener().open(request, timeout=timeout) as response:
            body = response.read(65536)
            status = response.status
    except urllib.error.HTTPError as exc:
        retry = exc.code >= 500 or exc.code == 429
        return Outcome(False, retry, f"HTTP {exc.code}")
    except TimeoutError:
        return Outcome(False, True, _("超时（%(s)s 秒）") % {"s": timeout})
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError | socket.timeout):
            return Outcome(False, True, _("超时（%(s)s 秒）") % {"s": timeout})
        return Outcome(False, True, _("连接失败：%(reason)s") % {"reason": type(reason).__name__})
    if status != 200:
        return Outcome(False, status >= 500, f"HTTP {status}")
    try:
        answer = json.loads(body.decode("utf-8"))
        errcode = int(answer.get("errcode", -2))
        errmsg = str(answer.get("errmsg", ""))[:200]
    except (ValueError, AttributeError, TypeError):
        return Outcome(False, True, _("无法识别的应答"))
    if errcode == 0:
        return Outcome(True, False, "ok")
    return Outcome(False, errcode in TRANSIENT_ERRCODES, f"errcode {errcode}: {errmsg}")
