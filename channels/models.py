"""Group robots of 企业微信 / 政务微信 and the deliveries of notifications to them.

A delivery row is written in the same transaction as the notifications it carries, so a message is
never lost when the broker or the network is down: the task that relays it runs after the commit,
and the sweep job picks up anything the task did not finish.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from common import clock

from .webhook import mask_url


class RobotKind(models.TextChoices):
    WECOM = "wecom", _("企业微信")
    GOVWECHAT = "govwechat", _("政务微信")


class MessageFormat(models.TextChoices):
    MARKDOWN = "markdown", _("Markdown（带格式）")
    TEXT = "text", _("文本（可 @ 收件人）")


class Robot(models.Model):
    """A group chat's robot: notifications to the department and/or role it serves are posted there."""

    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("平台"), max_length=12, choices=RobotKind.choices, default=RobotKind.WECOM)
    # The webhook address holds the robot's key: whoever has it can post to the group. It is never
    # shown in full after saving (``masked_url``) and never written to the audit log.
    webhook_url = models.CharField(_("Webhook 地址"), max_length=500)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="robots",
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    categories = models.JSONField(_("消息类别"), default=list, blank=True)
    message_format = models.CharField(
        _("消息格式"), max_length=10, choices=MessageFormat.choices, default=MessageFormat.MARKDOWN
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        permissions = [("resend_delivery", _("可以重新发送群机器人消息"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False) | ~models.Q(role=""),
                name="robot_has_a_target",
                violation_error_message=_("请至少选择一个科室或一个角色。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_url(self) -> str:

        return mask_url(self.webhook_url)

    @property
    def target_label(self) -> str:
        parts = []
        if self.department_id:
            parts.append(str(self.department))
        if self.role:
            parts.append(str(Role(self.role).label))
        return " · ".join(parts)


class Delivery(models.Model):
    """One message for one robot: what a single notify() call told the people the robot serves."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    robot = models.ForeignKey(
        Robot, verbose_name=_("群机器人"), on_delete=models.PROTECT, related_name="deliveries"
    )
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, db_index=True)
    kind = models.CharField(_("类别"), max_length=64, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    recipients = models.CharField(_("收件人"), max_length=300, blank=True)
    # The JSON body of the robot API, built when the notification was made (what was said then).
    payload = models.JSONField(_("消息内容"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=clock.now)
    # A worker that claimed the row holds it until then; a worker that died mid-way lets it go.
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.CharField(_("最近的错误"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("群机器人消息")
        verbose_name_plural = _("群机器人消息")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.robot} · {self.title}"


class ChannelPreference(models.Model):
    """A person's choice of channels (in-app messages are always kept)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_preference"
    )
    email = models.BooleanField(_("邮件"), default=True)
    robot = models.BooleanField(_("群机器人"), default=True)
    mention = models.BooleanField(_("在群消息中 @ 我"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("消息接收设置")
        verbose_name_plural = _("消息接收设置")
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.user)
