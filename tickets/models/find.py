"""Find and reuse (issue 17): the search document, saved views, links, watchers, templates and
recurring requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import clock
from contracts.models import Priority

from ..searchindex import SearchTokensField
from .core import BatchType, InitType, Kind, Ticket, UpgradeTarget

# --- find and reuse (issue 17) -----------------------------------------------------------------------


class SearchDocument(models.Model):
    """The request's search tokens (``tickets.searchindex``), kept current by ``tickets.search.index_ticket``
    on every write of the request: ``public_tokens`` for the bureau (number, title, description,
    resolution, public comments and attachment names), ``vendor_tokens`` with the internal ones too."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="search_doc"
    )
    public_tokens = SearchTokensField(blank=True, default="")
    vendor_tokens = SearchTokensField(blank=True, default="")
    indexed_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("搜索索引")
        verbose_name_plural = _("搜索索引")

    def __str__(self) -> str:
        return str(self.ticket_id)


class SavedView(models.Model):
    """A named filter of the request list: personal, or shared with a role by the PM or bureau admin."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=40)
    query = models.CharField(_("筛选条件"), max_length=500)
    shared_role = models.CharField(_("共享给角色"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("保存的视图")
        verbose_name_plural = _("保存的视图")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_once")]

    def __str__(self) -> str:
        return self.name


class LinkKind(models.TextChoices):
    DUPLICATE = "duplicate", _("重复请求")
    RELATED = "related", _("相关请求")


class TicketLink(models.Model):
    """``source`` is a duplicate of (or related to) ``target``."""

    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(_("关系"), max_length=10, choices=LinkKind.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("关联请求")
        verbose_name_plural = _("关联请求")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="ticket_link_once"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="ticket_link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class Watcher(models.Model):
    """Someone copied on a request's notifications (CC), e.g. the requester of a merged duplicate."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="watchers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("关注人")
        verbose_name_plural = _("关注人")
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="watcher_once")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.user_id}"


class Recurrence(models.TextChoices):
    NONE = "", _("不定期（仅模板）")
    MONTHLY = "monthly", _("每月第一个工作日")
    YEARLY = "yearly", _("每年指定月份的第一个工作日")


class RequestTemplate(models.Model):
    """A request the bureau files again and again; with a recurrence, beat files it by itself."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("模板名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    scope = models.ForeignKey(
        "contracts.ServiceScope", verbose_name=_("系统/服务范围"), on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(_("优先级"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("问题描述"))
    batch_type = models.CharField(_("批量类型"), max_length=16, choices=BatchType.choices, blank=True)
    affected_population = models.CharField(_("涉及人群/人数"), max_length=200, blank=True)
    init_type = models.CharField(_("初始化类型"), max_length=10, choices=InitType.choices, blank=True)
    data_scope = models.TextField(_("数据范围"), blank=True)
    policy_document = models.CharField(_("政策文件"), max_length=200, blank=True)
    upgrade_target = models.CharField(_("升级对象"), max_length=10, choices=UpgradeTarget.choices, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("以谁的名义提交"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("科室经办人员或科室负责人；定期请求以其名义提交到其科室。"),
    )
    recurrence = models.CharField(_("定期提交"), max_length=10, choices=Recurrence.choices, blank=True)
    month = models.PositiveSmallIntegerField(_("月份（每年）"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("请求模板")
        verbose_name_plural = _("请求模板")
        constraints = [
            models.CheckConstraint(
                condition=~Q(recurrence="yearly") | Q(month__gte=1, month__lte=12),
                name="template_yearly_has_month",
                violation_error_message=_("每年定期提交的模板必须选择月份（1–12）。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class RecurringRun(models.Model):
    """One period of a recurring template, filed once (``period`` is ``2024-07`` or ``2024``)."""

    template = models.ForeignKey(RequestTemplate, on_delete=models.CASCADE, related_name="runs")
    period = models.CharField(max_length=7)
    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("定期请求记录")
        verbose_name_plural = _("定期请求记录")
        constraints = [models.UniqueConstraint(fields=["template", "period"], name="recurring_run_once")]

    def __str__(self) -> str:
        return f"{self.template_id} {self.period}"
