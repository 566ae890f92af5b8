"""The request itself: its kinds, statuses, fields and queryset (RULES §4)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from common import clock
from common.choices import display_of
from contracts.models import Priority


class Kind(models.TextChoices):
    SOFTWARE = "software", _("软件问题")
    POLICY = "policy", _("政策调整/参数调整")
    DATA = "data", _("数据维护")
    QUERY = "query", _("统计报表/特殊查询")
    BATCH = "batch", _("批量处理")
    INIT = "init", _("月度/年度初始化")
    UPGRADE = "upgrade", _("升级需求")


# Kinds counted in the performance score's data-maintenance part (RULES §6).
DATA_MAINTENANCE_KINDS = frozenset({Kind.DATA, Kind.BATCH})


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("待确认")
    CONFIRMED = "confirmed", _("待分派")
    ASSIGNED = "assigned", _("已分派")
    IN_PROGRESS = "in_progress", _("处理中")
    WAITING = "waiting", _("等待甲方")
    RESOLVED = "resolved", _("已解决待确认")
    SIGNED_OFF = "signed_off", _("已签署")
    CLOSED = "closed", _("已关闭")
    REJECTED = "rejected", _("已退回")
    CANCELLED = "cancelled", _("已撤销")


# The vendor is on the clock in these states (confirmed → resolved).
OPEN_STATUSES = frozenset({Status.CONFIRMED, Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING})
# States in which a request is not finished yet (for "open" lists and counts).
ACTIVE_STATUSES = frozenset({Status.SUBMITTED, *OPEN_STATUSES})
DONE_STATUSES = frozenset({Status.RESOLVED, Status.SIGNED_OFF, Status.CLOSED})
ENDED_STATUSES = frozenset({Status.REJECTED, Status.CANCELLED})
# The home pages' queues draw from these states only (a few hundred of a year's 20,000 requests): a
# partial index over them (ticket_queue_due_idx) answers every queue without reading the finished ones.
QUEUE_STATUSES = frozenset({*ACTIVE_STATUSES, Status.RESOLVED})


class BatchType(models.TextChoices):
    PENSION_ADJUSTMENT = "pension", _("养老调资")
    MEDICAL_ACCOUNT = "medical", _("医疗年度帐户调整")
    UNEMPLOYMENT_LIMITS = "unemployment", _("失业金上下限标准调整")
    OTHER = "other", _("其他批量处理")


class InitType(models.TextChoices):
    MONTHLY = "monthly", _("月度初始化")
    ANNUAL = "annual", _("年度初始化")


class UpgradeTarget(models.TextChoices):
    CENTRAL = "central", _("中心端")
    HOSPITAL = "hospital", _("医院端")


# What the filer of a request fills in (the form's fields, the service's and the audit snapshot's).
# ``department`` is the filer's own, set by the service, never typed.
TICKET_FIELDS = [
    "kind",
    "scope",
    "priority",
    "title",
    "description",
    "department",
    "contact_phone",
    "policy_document",
    "data_scope",
    "batch_type",
    "affected_population",
    "init_type",
    "upgrade_target",
]
FILER_FIELDS = [name for name in TICKET_FIELDS if name != "department"]


class TicketQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def overdue(self, now=None):
        """Late now: still open past the resolve deadline, or resolved after it."""
        now = now or clock.now()
        return self.filter(
            Q(status__in=OPEN_STATUSES, resolve_due_at__lt=now)
            | Q(
                resolved_at__isnull=False,
                resolve_due_at__isnull=False,
                resolved_at__gt=models.F("resolve_due_at"),
            )
        )

    def due_soon(self, now=None):
        """Open, not late yet, past the contract's warning point."""
        now = now or clock.now()
        return self.filter(status__in=OPEN_STATUSES, resolve_warn_at__lte=now, resolve_due_at__gte=now)

    def response_late(self, now=None):
        now = now or clock.now()
        return self.filter(
            Q(first_response_at__isnull=True, status__in=OPEN_STATUSES, respond_due_at__lt=now)
            | Q(first_response_at__isnull=False, first_response_at__gt=models.F("respond_due_at"))
        )

    def resolved_on_time(self):
        return self.filter(resolved_at__isnull=False, resolve_due_at__isnull=False).filter(
            resolved_at__lte=models.F("resolve_due_at")
        )

    def responded_on_time(self):
        return self.filter(first_response_at__isnull=False, respond_due_at__isnull=False).filter(
            first_response_at__lte=models.F("respond_due_at")
        )


class Ticket(models.Model):
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("合同"), on_delete=models.PROTECT, related_name="tickets"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    scope = models.ForeignKey(
        "contracts.ServiceScope", verbose_name=_("系统/服务范围"), on_delete=models.PROTECT, related_name="+"
    )
    priority = models.CharField(_("优先级"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("问题描述"))
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("科室"), on_delete=models.PROTECT, related_name="tickets"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+"
    )
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)

    # Fields of some kinds only (validated by the service).
    policy_document = models.CharField(_("政策文件"), max_length=200, blank=True)
    data_scope = models.TextField(_("数据范围"), blank=True)
    batch_type = models.CharField(_("批量类型"), max_length=16, choices=BatchType.choices, blank=True)
    affected_population = models.CharField(_("涉及人群/人数"), max_length=200, blank=True)
    init_type = models.CharField(_("初始化类型"), max_length=10, choices=InitType.choices, blank=True)
    upgrade_target = models.CharField(_("升级对象"), max_length=10, choices=UpgradeTarget.choices, blank=True)

    created_at = models.DateTimeField(_("提交时间"), default=clock.now, db_index=True)
    # Every write of a field the statistics read sets it (``reports.selectors.statistics``: an ended
    # period's stored figures are served while count and newest ``updated_at`` of its requests agree).
    updated_at = models.DateTimeField(_("更新时间"), default=clock.now)

    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True, db_index=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
    )
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始处理时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True, db_index=True)
    resolution = models.TextField(_("处理结果"), blank=True)
    signed_off_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    end_reason = models.TextField(_("退回/撤销原因"), blank=True)

    # SLA clocks (working time on the contract's calendar)
    respond_due_at = models.DateTimeField(_("响应期限"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("解决期限"), null=True, blank=True, db_index=True)
    resolve_warn_at = models.DateTimeField(_("即将超期提醒点"), null=True, blank=True)
    due_pending_year = models.PositiveSmallIntegerField(_("日历未加载年份"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("暂停工作分钟数"), default=0)
    paused_since = models.DateTimeField(_("暂停开始"), null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    time_spent_minutes = models.PositiveIntegerField(_("累计工时（分钟）"), default=0)

    # Emergency exception to the upgrade window (approved by the bureau admin)
    emergency_reason = models.TextField(_("紧急升级理由"), blank=True)
    emergency_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    emergency_requested_at = models.DateTimeField(null=True, blank=True)
    emergency_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("紧急升级批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    emergency_approved_at = models.DateTimeField(_("紧急升级批准时间"), null=True, blank=True)

    signoff = models.ForeignKey(
        "tickets.SignOff",
        verbose_name=_("服务内容确认表"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )

    objects = TicketQuerySet.as_manager()

    # Not fields: set on a page of search results by ``tickets.search.annotate_snippets``.
    hit_title: SafeString
    hit_snippet: SafeString

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("服务请求")
        verbose_name_plural = _("服务请求")
        permissions = [
            ("confirm_ticket", _("可以确认或退回服务请求")),
            ("authorize_data", _("可以授权数据维护")),
            ("assign_ticket", _("可以分派服务请求")),
            ("work_ticket", _("可以处理服务请求")),
            ("signoff_ticket", _("可以签署服务内容确认表")),
            ("approve_emergency", _("可以批准紧急升级")),
            ("close_ticket", _("可以关闭服务请求")),
            ("cancel_ticket", _("可以撤销服务请求")),
            ("reopen_ticket", _("可以重新打开已解决的请求")),
            ("export_ticket", _("可以导出服务请求")),
        ]
        indexes = [
            models.Index(fields=["department", "status"], name="ticket_dept_status_idx"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status_idx"),
            models.Index(fields=["contract", "kind"], name="ticket_contract_kind_idx"),
            # The list's filters and its default order (newest first), issue 14: checked with EXPLAIN
            # in tests/tickets/test_indexes.py.
            models.Index(fields=["contract", "-created_at", "-id"], name="ticket_contract_new_idx"),
            models.Index(
                fields=["contract", "department", "-created_at", "-id"], name="ticket_contract_dept_new_idx"
            ),
            models.Index(
                fields=["contract", "status", "-created_at", "-id"], name="ticket_contract_status_new_idx"
            ),
            # The weekly report's overdue list (a contract's requests due before the week's end, soonest
            # first): without it PostgreSQL walked every contract's deadlines (117 ms at 200k requests).
            models.Index(fields=["contract", "resolve_due_at"], name="ticket_contract_due_idx"),
            # A week's responses: the weekly report reads them by time (10 ms as a scan of the contract's
            # 20,000 requests).
            models.Index(fields=["contract", "first_response_at"], name="ticket_contract_responded_idx"),
            # The home pages' queues (tickets.selectors._panel), soonest deadline first, unfinished only:
            # without it PostgreSQL walked the contract's 20,000 deadlines for the bureau's (10 ms).
            models.Index(
                fields=["contract", "resolve_due_at", "created_at"],
                condition=Q(status__in=sorted(QUEUE_STATUSES)),
                name="ticket_queue_due_idx",
            ),
            # The version of a period's statistics (count and newest change of the requests filed or
            # resolved in it, reports.selectors.statistics): read from the index alone.
            models.Index(fields=["contract", "created_at", "updated_at"], name="ticket_filed_ver_idx"),
            models.Index(fields=["contract", "resolved_at", "updated_at"], name="ticket_resolved_ver_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=[Status.REJECTED, Status.CANCELLED]) | ~Q(end_reason=""),
                name="ticket_end_needs_reason",
                violation_error_message=_("退回或撤销必须填写原因。"),
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=[Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED]
                )
                | Q(assignee__isnull=False),
                name="ticket_worked_has_assignee",
                violation_error_message=_("处理中的请求必须有处理人。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    # Read on every row of the lists (common/choices.py).
    get_kind_display = display_of("kind", Kind)
    get_priority_display = display_of("priority", Priority)
    get_status_display = display_of("status", Status)

    @property
    def number(self) -> str:
        return self.number_of(self.pk, self.created_at)

    @staticmethod
    def number_of(pk: int | None, created_at: dt.datetime | None) -> str:
        """A request's number from its id and filing time (for reads that load no instance)."""
        year = clock.local(created_at).year if created_at else 0
        return f"FW{year}-{pk or 0:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now=None) -> bool:
        if self.resolve_due_at is None:
            return False
        if self.resolved_at is not None and self.status not in OPEN_STATUSES:
            return self.resolved_at > self.resolve_due_at
        return self.status in OPEN_STATUSES and (now or clock.now()) > self.resolve_due_at

    def is_due_soon(self, now=None) -> bool:
        now = now or clock.now()
        return (
            self.status in OPEN_STATUSES
            and self.resolve_warn_at is not None
            and self.resolve_due_at is not None
            and self.resolve_warn_at <= now <= self.resolve_due_at
        )

    def response_late(self, now=None) -> bool:
        if self.respond_due_at is None:
            return False
        if self.first_response_at is not None:
            return self.first_response_at > self.respond_due_at
        return self.status in OPEN_STATUSES and (now or clock.now()) > self.respond_due_at
