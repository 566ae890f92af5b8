"""The weekly report of the 软件服务质量评估例会 (RULES §5, §8).

A report belongs to one ISO week of one contract. Its figures are drafted from the portal's data
(``reports.selectors.weekly_figures``) and stored on the row; the PM writes the summary, next week's
plan and the open problems. Publishing freezes everything into ``snapshot``: the page and the PDF of a
published report render from the snapshot only, so they read the same next year whatever happens to
the requests, attendance or logs behind them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import clock

USER = settings.AUTH_USER_MODEL


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class WeeklyReport(models.Model):
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="weekly_reports", verbose_name=_("合同")
    )
    week_start = models.DateField(_("所属周（周一）"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    summary = models.TextField(_("本周工作小结"), max_length=4000, blank=True)
    next_week_plan = models.TextField(_("下周工作计划"), max_length=4000, blank=True)
    open_problems = models.TextField(_("存在问题"), max_length=4000, blank=True)
    figures = models.JSONField(_("本周数据"), default=dict)
    figures_at = models.DateTimeField(_("数据生成时间"), null=True, blank=True)
    snapshot = models.JSONField(_("发布内容"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    drafted_at = models.DateTimeField(_("起草时间"), default=clock.now)
    drafted_by = models.ForeignKey(
        USER, verbose_name=_("起草人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"), default=clock.now)
    updated_by = models.ForeignKey(
        USER, verbose_name=_("修改人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        USER, verbose_name=_("发布人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["contract", "-week_start"]
        verbose_name = _("周报")
        verbose_name_plural = _("周报")
        permissions = [("publish_weeklyreport", _("发布周报")), ("view_statistics", _("查看统计"))]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "week_start"],
                name="weekly_report_once_a_week",
                violation_error_message=_("这一周已有周报。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} 周报"

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def label(self) -> str:
        year, week, _weekday = self.week_start.isocalendar()
        return f"{year} 年第 {week} 周"

    @property
    def number(self) -> str:
        year, week, _weekday = self.week_start.isocalendar()
        return f"{self.contract.number}-ZB-{year}W{week:02d}"

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED

    @property
    def content(self) -> dict:
        """What the page and the PDF show: the snapshot once published, else the draft's own fields."""
        if self.is_published and self.snapshot:
            return self.snapshot
        return build_content(self)


def build_content(report: WeeklyReport) -> dict:
    contract = report.contract
    return {
        "number": report.number,
        "label": report.label,
        "week_start": report.week_start.isoformat(),
        "week_end": report.week_end.isoformat(),
        "contract": {
            "number": contract.number,
            "name": contract.name,
            "client_name": contract.client_name,
            "vendor_name": contract.vendor_name,
        },
        "summary": report.summary,
        "next_week_plan": report.next_week_plan,
        "open_problems": report.open_problems,
        "figures": report.figures or {},
        "figures_at": clock.local(report.figures_at).strftime("%Y-%m-%d %H:%M") if report.figures_at else "",
        "published_at": clock.local(report.published_at).strftime("%Y-%m-%d %H:%M")
        if report.published_at
        else "",
        "published_by": report.published_by.display_name if report.published_by else "",
    }


class StoredStatistics(models.Model):
    """The request, time and work-log counts of an ended month or year of a contract, computed once and
    served while ``version`` (a hash of their inputs' counts and newest changes) still matches: see
    ``reports.selectors.statistics`` (issue 14). A cache: replaced when stale, never audited."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(default=0)  # 0: the whole year
    version = models.CharField(max_length=64)
    counts = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("已存统计")
        verbose_name_plural = _("已存统计")
        constraints = [
            models.UniqueConstraint(fields=["contract", "year", "month"], name="stored_statistics_period")
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.year}-{self.month:02d}"
