"""Service requests (SPEC §4): the request, its work, its gates, and the sign-off form.

What later apps read, stored as fields so they never recompute history:
- ``confirmed_at`` starts both SLA clocks; ``respond_due_at`` / ``resolve_due_at`` are the deadlines
  in working time (None with ``due_pending_year`` set when that year's calendar is not loaded);
- ``first_response_at`` (responsiveness), ``resolved_at`` (completion), ``rework_count`` (reopens);
- ``paused_minutes`` — working minutes during which the clock stood still (waiting on the bureau,
  or resolved until a reopen), already added to ``resolve_due_at``;
- ``signoff`` — the 服务内容确认表 the request is on, with its due date and whether it was late.
"""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import clock
from common.uploads import UploadValidator
from contracts.models import Priority

from .searchindex import SearchTokensField


class Kind(models.TextChoices):
    SOFTWARE = "software", _("软件问题")
    POLICY = "policy", _("政策调整/参数调整")
    DATA = "data", _("数据维护")
    QUERY = "query", _("统计报表/特殊查询")
    BATCH = "batch", _("批量处理")
    INIT = "init", _("月度/年度初始化")
    UPGRADE = "upgrade", _("升级需求")


# Kinds counted in the performance score's data-maintenance part (SPEC §6).
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

    @property
    def number(self) -> str:
        year = clock.local(self.created_at).year if self.created_at else 0
        return f"FW{year}-{self.pk or 0:05d}"

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


class DataAuthorization(models.Model):
    """Written authorization of a data-maintenance request (who, when, scope, scanned approval)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="authorization")
    authorized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("授权人"), on_delete=models.PROTECT, related_name="+"
    )
    authorized_at = models.DateTimeField(_("授权时间"), default=clock.now)
    scope = models.TextField(_("授权范围"))
    approval_file = models.FileField(
        _("审批单扫描件"),
        upload_to="tickets/authorizations/%Y/%m/",
        blank=True,
        validators=[UploadValidator()],
    )

    class Meta:
        verbose_name = _("数据维护授权")
        verbose_name_plural = _("数据维护授权")

    def __str__(self) -> str:
        return f"{self.ticket.number} 授权"


class BatchStepKind(models.TextChoices):
    BACKUP = "backup", _("数据备份")
    TEST = "test", _("测试运行")
    VERIFY = "verify", _("结果验证")
    RECOVERY = "recovery", _("应急恢复预案")


class BatchStep(models.Model):
    """One of the four safeguards of a batch job, each with who, when and evidence (SPEC §4)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="batch_steps")
    step = models.CharField(_("步骤"), max_length=10, choices=BatchStepKind.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=clock.now)
    note = models.TextField(_("说明"), blank=True)
    evidence = models.FileField(
        _("证明材料"), upload_to="tickets/batch/%Y/%m/", blank=True, validators=[UploadValidator()]
    )

    class Meta:
        ordering = ["ticket", "recorded_at"]
        verbose_name = _("批量处理步骤")
        verbose_name_plural = _("批量处理步骤")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "step"], name="batch_step_once"),
            models.CheckConstraint(
                condition=~Q(note="") | ~Q(evidence=""),
                name="batch_step_has_evidence",
                violation_error_message=_("每个步骤都需要说明或证明材料。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_step_display()}"


class UpgradeStage(models.TextChoices):
    REQUIREMENT = "requirement", _("形成需求文档")
    CONFIRMED = "confirmed", _("甲方确认需求")
    SUBMITTED = "submitted", _("提交市信息中心")
    SCHEDULED = "scheduled", _("安排升级")
    DEPLOYED = "deployed", _("完成部署")
    ACCEPTED = "accepted", _("甲方确认升级")


UPGRADE_STAGE_ORDER = list(UpgradeStage.values)


class UpgradeStep(models.Model):
    """One stage of an upgrade requirement, in the order of SPEC §4."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="upgrade_steps")
    stage = models.CharField(_("阶段"), max_length=12, choices=UpgradeStage.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=clock.now)
    note = models.TextField(_("说明"), blank=True)
    document = models.FileField(
        _("文档"), upload_to="tickets/upgrade/%Y/%m/", blank=True, validators=[UploadValidator()]
    )
    # For "scheduled" the planned start, for "deployed" the actual start (Asia/Shanghai).
    window_start = models.DateTimeField(_("升级开始时间"), null=True, blank=True)
    emergency = models.BooleanField(_("紧急例外"), default=False)

    class Meta:
        ordering = ["ticket", "recorded_at", "id"]
        verbose_name = _("升级步骤")
        verbose_name_plural = _("升级步骤")
        constraints = [models.UniqueConstraint(fields=["ticket", "stage"], name="upgrade_stage_once")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_stage_display()}"


class Comment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作者"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=clock.now)
    body = models.TextField(_("内容"))
    internal = models.BooleanField(_("仅乙方可见"), default=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("留言")
        verbose_name_plural = _("留言")

    def __str__(self) -> str:
        return self.body[:30]


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never reuses the uploaded name (which is kept in ``original_name``).
    ext = os.path.splitext(filename)[1].lower()
    stamp = clock.local(clock.now())
    return f"tickets/attachments/{stamp:%Y/%m}/{os.urandom(8).hex()}{ext}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path, validators=[UploadValidator()])
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now)
    internal = models.BooleanField(_("仅乙方可见"), default=False)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class TimeEntry(models.Model):
    """Time an engineer spent on a request (rosters' daily work log links to requests too)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="time_entries")
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("工程师"), on_delete=models.PROTECT, related_name="+"
    )
    work_date = models.DateField(_("日期"))
    minutes = models.PositiveIntegerField(_("工时（分钟）"))
    note = models.CharField(_("工作内容"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("记录时间"), default=clock.now)

    class Meta:
        ordering = ["work_date", "id"]
        verbose_name = _("工时")
        verbose_name_plural = _("工时")
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=24 * 60), name="time_entry_minutes_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.engineer_id} {self.work_date} {self.minutes}"


class SignOffStatus(models.TextChoices):
    PENDING = "pending", _("待签署")
    SIGNED = "signed", _("已签署")
    VOID = "void", _("已作废")


class SignOffMethod(models.TextChoices):
    PORTAL = "portal", _("在线签署")
    SCAN = "scan", _("上传签字扫描件")


class SignOff(models.Model):
    """服务内容确认表: one resolved request, or a batch of one department's resolved requests.

    ``snapshot`` freezes what the form says when it is issued (and who signed, once signed): the
    PDF always renders from it, never from live data.
    """

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="signoffs")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="signoffs")
    status = models.CharField(
        _("状态"), max_length=10, choices=SignOffStatus.choices, default=SignOffStatus.PENDING
    )
    issued_at = models.DateTimeField(_("出具时间"), default=clock.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("出具人"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("签署期限"), null=True, blank=True)
    due_pending_year = models.PositiveSmallIntegerField(null=True, blank=True)
    signed_at = models.DateTimeField(_("签署时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签署人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    method = models.CharField(_("签署方式"), max_length=10, choices=SignOffMethod.choices, blank=True)
    signer_note = models.CharField(_("签署意见"), max_length=200, blank=True)
    scan = models.FileField(
        _("签字扫描件"),
        upload_to="tickets/signoffs/%Y/%m/",
        blank=True,
        validators=[UploadValidator(("jpeg", "jpg", "pdf", "png"))],
    )
    late = models.BooleanField(_("逾期签署"), default=False)
    late_notified_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.JSONField(_("确认表内容"), default=dict)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("服务内容确认表")
        verbose_name_plural = _("服务内容确认表")
        indexes = [
            # The list: one contract, a status, due first (issue 14).
            models.Index(
                fields=["contract", "status", "due_on", "-issued_at", "-id"], name="signoff_list_idx"
            ),
            models.Index(
                fields=["contract", "department", "status", "due_on", "-issued_at", "-id"],
                name="signoff_dept_list_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        year = clock.local(self.issued_at).year if self.issued_at else 0
        return f"QR{year}-{self.pk or 0:05d}"

    def is_late(self, today=None) -> bool:
        if self.status == SignOffStatus.SIGNED:
            return self.late
        if self.status != SignOffStatus.PENDING or self.due_on is None:
            return False
        return (today or clock.today()) > self.due_on


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


class ScoreFact(models.Model):
    """What the score needs of one request, kept on write (``tickets.score_facts.refresh`` runs after
    every change of a request) so the score aggregates these narrow rows in SQL (issue 14).

    The outcome of a part is a step in time: "not counted" until ``*_at``, then ``for`` or ``against``
    for ever; an empty outcome is never decided (a deadline pending an unloaded year)."""

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("服务请求"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="score_fact",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("合同"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the indexes below start with it
    )
    data_maintenance = models.BooleanField(default=False)
    ended = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolve_due_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(max_length=8, blank=True)
    response_at = models.DateTimeField(null=True, blank=True)
    completion = models.CharField(max_length=8, blank=True)
    completion_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=8, blank=True)  # a data-maintenance request once resolved
    rework_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("绩效事实")
        verbose_name_plural = _("绩效事实")
        indexes = [
            models.Index(fields=["contract", "confirmed_at"], name="scorefact_confirmed_idx"),
            models.Index(fields=["contract", "resolved_at"], name="scorefact_resolved_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}"
