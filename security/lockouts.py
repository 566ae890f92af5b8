"""Login lockouts (django-axes): the address it counts by, the page a locked-out user sees, and the
security administrator's list and unlock."""

import datetime as dt
from dataclasses import dataclass

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import log_action
from common.context import client_ip
from common.errors import ServiceError


def axes_client_ip(request) -> str | None:
    """The address axes counts failures by (None rather than an empty, invalid address)."""
    return client_ip(request) or None


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with one message that does not say whether the account exists."""
    minutes = int(get_cool_off(request).total_seconds() // 60) if get_cool_off(request) else None
    if minutes:
        message = _(
            "登录失败次数过多，该账户在本机地址已被暂时锁定 %(n)d 分钟。请稍后再试，或联系安全管理员解锁。"
        ) % {"n": minutes}
    else:
        message = _("登录失败次数过多，该账户在本机地址已被锁定。请联系安全管理员解锁。")
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": message, "next": request.POST.get("next", "")},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )


@dataclass(frozen=True)
class Lockout:
    attempt: AccessAttempt
    locked: bool
    until: dt.datetime | None


def attempts() -> QuerySet:
    """Failed-login records still inside the cool-off window, newest first."""
    queryset = AccessAttempt.objects.order_by("-attempt_time")
    cool_off = get_cool_off()
    if cool_off:
        queryset = queryset.filter(attempt_time__gte=timezone.now() - cool_off)
    return queryset


def describe(attempt: AccessAttempt) -> Lockout:
    cool_off = get_cool_off()
    locked = attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
    until = attempt.attempt_time + cool_off if locked and cool_off else None
    return Lockout(attempt, locked, until)


@transaction.atomic
def unlock(*, attempt_id: int, actor) -> int:
    attempt = AccessAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        raise ServiceError("该锁定记录已不存在（可能已解锁或已过期）。")
    # Every record of this user at this address (one per browser), exactly: never a wider reset.
    removed, _detail = AccessAttempt.objects.filter(
        username=attempt.username, ip_address=attempt.ip_address
    ).delete()
    log_action(
        "auth.unlock",
        actor=actor,
        object_type="accounts.user",
        object_repr=attempt.username or "",
        changes={
            "username": attempt.username,
            "ip": attempt.ip_address,
            "failures": attempt.failures_since_start,
            "records_removed": removed,
        },
    )
    return removed
