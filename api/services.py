"""Writes on API tokens, and the token check of every API call. Each write is audited.

Rules (issue 13.3):
- a token carries the rights of its user and is created by that user — or, for the bureau's system
  account, by the bureau admin; the three administrators (三员) hold no token (they read no business
  data, and an administrator must not mint a key that reads someone else's);
- it expires (``API_TOKEN_MAX_DAYS``, default 180) and is stored as a SHA-256 digest;
- it is revoked by its owner, the bureau admin (system account's) or the security administrator (any).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from accounts.roles import LOGIN_ROLES, THREE_ADMINS, Role
from accounts.services import user_create
from common import clock
from common.audit import log_action
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed

from .models import ApiClientBlock, ApiToken, hash_key

KEY_PREFIX = "jbt_"
# ``Authorization: Token jbt_<43 URL-safe characters>`` and nothing else: one space, no padding, no list.
HEADER = re.compile(r"Token (jbt_[A-Za-z0-9_-]{43})")
SYSTEM_USERNAME = "bureau-system"
# Roles whose rights a token may carry (the system account's tokens are made by the bureau admin).
OWNER_ROLES = frozenset(LOGIN_ROLES - THREE_ADMINS)


def max_days() -> int:
    return settings.API_TOKEN_MAX_DAYS


def system_account() -> User:
    """The bureau's system account (created the first time the bureau admin needs it)."""
    user = User.objects.filter(role=Role.SYSTEM).order_by("pk").first()
    if user is None:
        try:
            with transaction.atomic():
                user = user_create(
                    username=SYSTEM_USERNAME,
                    role=Role.SYSTEM,
                    password=None,
                    full_name="局系统账户",
                    organisation="局信息化",
                )
        except IntegrityError:  # made at the same moment by another request
            user = User.objects.get(role=Role.SYSTEM, username=SYSTEM_USERNAME)
    return user


def may_create_for(actor, user) -> bool:
    if not actor.is_active or actor.role in THREE_ADMINS:
        return False
    if user.role == Role.SYSTEM:
        return actor.has_perm("api.manage_system_tokens")
    return actor.pk == user.pk and user.role in OWNER_ROLES and actor.has_perm("api.add_apitoken")


def may_revoke(actor, token: ApiToken) -> bool:
    if actor.has_perm("api.revoke_any_apitoken"):
        return True
    if token.user.role == Role.SYSTEM:
        return actor.has_perm("api.manage_system_tokens")
    return token.user_id == actor.pk


@transaction.atomic
def token_create(*, name: str, user, actor, days: int | None = None) -> tuple[ApiToken, str]:
    """A new key carrying ``user``'s rights; returns the token and the key, which is never shown again."""
    if not may_create_for(actor, user):
        if actor.role in THREE_ADMINS:
            raise TransitionNotAllowed(
                "三员分立：系统管理员、安全管理员和审计员不能创建读取业务数据的接口令牌。"
            )
        raise TransitionNotAllowed(
            "令牌由其代表的本人创建；局系统账户的令牌由局信息化管理员创建。不能为他人创建令牌。"
        )
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = ["请填写用途。"]
    limit = max_days()
    days = limit if days is None else days
    if not 1 <= days <= limit:
        errors["days"] = [f"有效期为 1 到 {limit} 天。"]
    if errors:
        raise ServiceError(errors)
    if not user.is_active:
        raise ServiceError("该账户已停用，不能创建令牌。")
    now = clock.now()
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name[:80],
        user=user,
        prefix=key[:12],
        key_hash=hash_key(key),
        created_by=actor,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    log_action(
        "api_token.create",
        actor=actor,
        obj=token,
        changes={"name": token.name, "user": user.username, "expires_at": token.expires_at},
    )
    return token, key


@transaction.atomic
def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    if not may_revoke(actor, token):
        raise TransitionNotAllowed("只能吊销自己的令牌（局信息化管理员还可吊销局系统账户的令牌）。")
    claimed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=clock.now(), revoked_by=actor
    )
    if claimed != 1:
        raise ConcurrentChange("该令牌已被吊销。")
    token.refresh_from_db()
    log_action(
        "api_token.revoke", actor=actor, obj=token, changes={"name": token.name, "user": token.user.username}
    )
    return token


# --- authentication of an API call ------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str


BAD_HEADER = Refusal(
    401, "bad_authorization", "认证头格式应为 Authorization: Token <令牌>（令牌以 jbt_ 开头）。"
)
INVALID = Refusal(401, "invalid_token", "令牌无效或已吊销。")
EXPIRED = Refusal(401, "token_expired", "令牌已过期，请创建新令牌。")
INACTIVE = Refusal(401, "invalid_token", "令牌代表的账户已停用。")


def parse_header(header: str) -> str | None:
    """The key of a well-formed ``Authorization: Token <key>`` header, else None."""
    match = HEADER.fullmatch(header)
    return match.group(1) if match else None


def authenticate(key: str) -> tuple[ApiToken | None, Refusal | None]:
    token = ApiToken.objects.filter(key_hash=hash_key(key)).select_related("user").first()
    if token is None or token.is_revoked:
        return None, INVALID
    if token.is_expired():
        return token, EXPIRED
    if not token.user.is_active:
        return token, INACTIVE
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at) > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token, None


# --- throttling of invalid tokens (per client address, wall-clock time) -----------------------------------


def blocked_for(ip: str) -> int | None:
    """Seconds the address must still wait, or None. Counts the refused call."""
    now = timezone.now()
    row = ApiClientBlock.objects.filter(ip=ip, blocked_until__gt=now).first()
    if row is None:
        return None
    ApiClientBlock.objects.filter(pk=row.pk).update(refused=F("refused") + 1)
    until = cast(dt.datetime, row.blocked_until)  # the filter above: later than now
    return max(1, int((until - now).total_seconds()) + 1)


@transaction.atomic
def record_failure(ip: str) -> bool:
    """Count one invalid token from ``ip``; True when this failure starts a block."""
    now = timezone.now()
    window = dt.timedelta(minutes=settings.API_FAILURE_WINDOW_MINUTES)
    row, _created = ApiClientBlock.objects.select_for_update().get_or_create(
        ip=ip, defaults={"window_start": now, "last_failure_at": now}
    )
    if now - row.window_start > window:
        row.window_start, row.failures, row.refused = now, 0, 0
    row.failures += 1
    row.last_failure_at = now
    starts = row.failures >= settings.API_FAILURE_LIMIT and not (
        row.blocked_until and row.blocked_until > now
    )
    if starts:
        row.blocked_until = now + dt.timedelta(minutes=settings.API_BLOCK_MINUTES)
    row.save()
    return starts
