"""API tokens and the per-address record of invalid tokens (throttling).

A token carries the rights of its user — the person who created it, or the bureau's system account
(created by the bureau admin) — and nothing more: the API is read-only and answers what that user
may see. Only a SHA-256 digest of the key is stored; the key is shown once, at creation.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import clock


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    name = models.CharField(_("用途"), max_length=80, help_text=_("如：市人社局结算系统"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代表用户"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        # The bureau admin creates and revokes the tokens of the bureau's system account; the security
        # administrator sees every token and may revoke any (never create one).
        permissions = [
            ("manage_system_tokens", _("可以管理局系统账户的接口令牌")),
            ("revoke_any_apitoken", _("可以查看并吊销任何接口令牌")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="apitoken_expires"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return (now or clock.now()) >= self.expires_at

    def is_active(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now)

    @property
    def state(self) -> str:
        if self.is_revoked:
            return "revoked"
        return "expired" if self.is_expired() else "active"


class ApiClientBlock(models.Model):
    """Invalid tokens seen from one client address: counted in a window, then the address is refused
    (HTTP 429) until ``blocked_until``. Wall-clock time, like login lockouts."""

    ip = models.CharField(_("来源地址"), max_length=64, unique=True)
    failures = models.PositiveIntegerField(_("失败次数"), default=0)
    window_start = models.DateTimeField(_("计数开始"))
    last_failure_at = models.DateTimeField(_("最近失败"))
    blocked_until = models.DateTimeField(_("限制至"), null=True, blank=True)
    refused = models.PositiveIntegerField(_("限制期间拒绝次数"), default=0)

    class Meta:
        verbose_name = _("接口访问限制")
        verbose_name_plural = _("接口访问限制")

    def __str__(self) -> str:
        return self.ip
