"""What the security features keep: the password history (reuse, age, forced change)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PasswordHistory(models.Model):
    """One row per password a user has had, newest last.

    The hash is kept (never the password) so a new password can be compared with the last few.
    ``created_at`` is wall-clock time, not the business clock that the demo replays: a password's
    age is about the real world. ``must_change`` is set when an administrator chose the password
    (a new account or a reset); the user then changes it at the next login.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码哈希"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now, db_index=True)
    must_change = models.BooleanField(_("须在下次登录时修改"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("密码历史")
        verbose_name_plural = _("密码历史")
        indexes = [models.Index(fields=["user", "-created_at"], name="password_history_user_idx")]
        # Permissions of the three administrators' pages (三员分立) that no model of their own carries.
        permissions = [
            ("reset_password", _("可以重置用户密码")),
            ("unlock_login", _("可以解除登录锁定")),
            ("reset_two_factor", _("可以重置用户的双因素认证")),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d}"
