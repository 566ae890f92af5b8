"""Remote and on-site support sessions and the bureau's required-by dates (issue 18 items 1–2)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import clock

from .core import DONE_STATUSES, ENDED_STATUSES, Ticket


class SupportMode(models.TextChoices):
    REMOTE = "remote", _("远程支持")
    ONSITE = "onsite", _("现场支持")


class SupportSession(models.Model):
    """Remote or ad-hoc on-site support beyond the resident engineers (contract 一.5(1)): who, when,
    how, for which request or system, what was done, how long; with the response deadline when the
    bureau asked for it (``requested_at``)."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="support_sessions"
    )
    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("服务请求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_sessions",
    )
    scope = models.ForeignKey(
        "contracts.ServiceScope",
        verbose_name=_("系统/服务范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    mode = models.CharField(_("方式"), max_length=10, choices=SupportMode.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("支持人员"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("甲方提出时间"), null=True, blank=True)
    respond_due_at = models.DateTimeField(_("响应期限"), null=True, blank=True)
    due_pending_year = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    minutes = models.PositiveIntegerField(_("时长（分钟）"))
    work_done = models.TextField(_("支持内容"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=clock.now)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("远程/现场支持")
        verbose_name_plural = _("远程/现场支持")
        permissions = [("record_support", _("可以登记远程/现场支持"))]
        indexes = [models.Index(fields=["contract", "started_at"], name="support_contract_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket__isnull=False) | Q(scope__isnull=False),
                name="support_for_ticket_or_system",
                violation_error_message=_("请选择所支持的服务请求或系统。"),
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=24 * 60), name="support_minutes_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.started_at:%Y-%m-%d}"

    @property
    def late(self) -> bool:
        return self.respond_due_at is not None and self.started_at > self.respond_due_at


class RequiredBy(models.Model):
    """A date the bureau sets for a major policy change or an urgent need (contract 一.5(5)): the
    request must be resolved by the end of ``due_on`` (Asia/Shanghai)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="required_by")
    due_on = models.DateField(_("甲方要求完成日"))
    reason = models.TextField(_("理由"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("设定人"), on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(_("设定时间"), default=clock.now)

    class Meta:
        verbose_name = _("甲方要求完成日")
        verbose_name_plural = _("甲方要求完成日")
        permissions = [("set_required_by", _("可以设定甲方要求完成日"))]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.due_on}"

    def deadline(self):
        return clock.aware(self.due_on + dt.timedelta(days=1), 0, 0)

    def is_late(self, now=None) -> bool:
        ticket = self.ticket
        end = self.deadline()
        if ticket.resolved_at is not None and ticket.status in DONE_STATUSES:
            return ticket.resolved_at >= end
        if ticket.status in ENDED_STATUSES:
            return False
        return (now or clock.now()) >= end
