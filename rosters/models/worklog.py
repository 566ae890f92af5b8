"""Daily work logs, linked to the requests worked."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import clock
from contracts.models import Contract

from ._base import USER


class WorkLog(models.Model):
    """What one person did on one day, linked to the requests worked (``references`` keeps free-text
    numbers, e.g. of requests handled outside the portal)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="work_logs")
    person = models.ForeignKey(
        USER, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="work_logs"
    )
    date = models.DateField(_("日期"))
    hours = models.DecimalField(
        _("工时（小时）"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("24"))],
    )
    content = models.TextField(_("工作内容"), max_length=4000)
    tickets = models.ManyToManyField(
        "tickets.Ticket", blank=True, related_name="work_logs", verbose_name=_("相关请求")
    )
    references = models.CharField(
        _("其他请求编号"), max_length=300, blank=True, help_text=_("门户外的请求编号，多个用逗号分隔。")
    )
    created_at = models.DateTimeField(_("填写时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("修改时间"), default=clock.now)

    class Meta:
        ordering = ["-date", "person"]
        verbose_name = _("工作日志")
        verbose_name_plural = _("工作日志")
        permissions = [("view_team_worklogs", _("可以查看团队工作日志"))]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "date"],
                name="worklog_one_per_day",
                violation_error_message=_("该日已有工作日志，请修改原日志。"),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24),
                name="worklog_hours_range",
                violation_error_message=_("工时须大于 0 且不超过 24 小时。"),
            ),
        ]
        indexes = [
            models.Index(fields=["contract", "date"], name="worklog_contract_day_idx"),
            # The version of a period's statistics (count and newest change of its logs), from the index.
            models.Index(fields=["contract", "date", "updated_at"], name="worklog_contract_day_ver_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date:%Y-%m-%d}"
