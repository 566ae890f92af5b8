"""On-site staff of a contract (SPEC §5): the roster, attendance, leave, corrections, daily work logs,
staff changes with their handover, holiday duty lists, weekly quality meetings and key days.

Writes go through ``rosters.services``; reads through ``rosters.selectors``; the rules themselves
(attendance rate, staffing rule, notice period) are pure functions in ``rosters.rules``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common import clock
from contracts.models import Contract

USER = settings.AUTH_USER_MODEL


class Position(models.TextChoices):
    ENGINEER = "engineer", _("驻场工程师")
    PM = "pm", _("项目经理")


class RosterEntry(models.Model):
    """One on-site period of one person on one contract (a person may have several periods)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="roster_entries")
    person = models.ForeignKey(
        USER, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="roster_entries"
    )
    position = models.CharField(_("岗位"), max_length=10, choices=Position.choices)
    phone = models.CharField(_("驻场联系电话"), max_length=30)
    start_on = models.DateField(_("驻场开始"))
    end_on = models.DateField(_("驻场结束"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=clock.now, editable=False)

    class Meta:
        ordering = ["contract", "position", "start_on", "id"]
        verbose_name = _("驻场安排")
        verbose_name_plural = _("驻场安排")
        indexes = [models.Index(fields=["contract", "start_on", "end_on"], name="roster_period_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")),
                name="roster_period_ordered",
                violation_error_message=_("驻场结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.person} · {self.get_position_display()} · {self.start_on:%Y-%m-%d}–{self.end_on:%Y-%m-%d}"
        )

    def covers(self, day) -> bool:
        return self.start_on <= day <= self.end_on


class AttendanceSource(models.TextChoices):
    SELF = "self", _("本人签到")
    CORRECTION = "correction", _("补签更正")


class Attendance(models.Model):
    """One person's day on site: check-in and check-out at server time, once a day."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="attendance")
    person = models.ForeignKey(
        USER, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="attendance"
    )
    date = models.DateField(_("日期"))
    check_in_at = models.DateTimeField(_("签到时间"))
    check_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    source = models.CharField(
        _("来源"), max_length=12, choices=AttendanceSource.choices, default=AttendanceSource.SELF
    )

    class Meta:
        ordering = ["-date", "person"]
        verbose_name = _("考勤记录")
        verbose_name_plural = _("考勤记录")
        permissions = [
            ("check_in", _("可以签到签退")),
            ("view_team_attendance", _("可以查看驻场考勤与人员配备")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "date"],
                name="attendance_once_a_day",
                violation_error_message=_("该人员当天已有考勤记录。"),
            ),
            models.CheckConstraint(
                condition=Q(check_out_at__isnull=True) | Q(check_out_at__gte=F("check_in_at")),
                name="attendance_out_after_in",
                violation_error_message=_("签退时间不能早于签到时间。"),
            ),
        ]
        indexes = [models.Index(fields=["contract", "date"], name="attendance_contract_day_idx")]

    def __str__(self) -> str:
        return f"{self.person} {self.date:%Y-%m-%d}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    CANCELLED = "cancelled", _("已撤回")


class LeaveKind(models.TextChoices):
    PERSONAL = "personal", _("事假")
    SICK = "sick", _("病假")
    ANNUAL = "annual", _("年休假")
    COMPENSATORY = "compensatory", _("调休")
    OTHER = "other", _("其他")


class LeaveRequest(models.Model):
    """Whole days of leave. An engineer's leave is approved by the PM; the PM's by the bureau admin."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="leave_requests")
    person = models.ForeignKey(
        USER, verbose_name=_("请假人"), on_delete=models.PROTECT, related_name="leave_requests"
    )
    kind = models.CharField(_("类别"), max_length=14, choices=LeaveKind.choices, default=LeaveKind.PERSONAL)
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"))
    reason = models.TextField(_("事由"), max_length=500)
    substitute = models.ForeignKey(
        USER,
        verbose_name=_("替岗人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="substitutions",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = _("请假")
        verbose_name_plural = _("请假")
        permissions = [("approve_leave", _("可以审批请假"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")),
                name="leave_period_ordered",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                condition=~Q(substitute=F("person")),
                name="leave_substitute_not_self",
                violation_error_message=_("替岗人员不能是请假人本人。"),
            ),
        ]
        indexes = [models.Index(fields=["contract", "status"], name="leave_contract_status_idx")]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.start_on:%Y-%m-%d}–{self.end_on:%Y-%m-%d}"


class AttendanceCorrection(models.Model):
    """A request to set one day's check-in/out (forgotten or wrong), applied only once approved."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="attendance_corrections")
    person = models.ForeignKey(
        USER, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="attendance_corrections"
    )
    date = models.DateField(_("考勤日期"))
    check_in_at = models.DateTimeField(_("更正后签到时间"))
    check_out_at = models.DateTimeField(_("更正后签退时间"), null=True, blank=True)
    reason = models.TextField(_("更正理由"), max_length=500)
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    previous = models.JSONField(_("更正前"), default=dict, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("考勤更正")
        verbose_name_plural = _("考勤更正")
        permissions = [("approve_correction", _("可以审批考勤更正"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(check_out_at__isnull=True) | Q(check_out_at__gte=F("check_in_at")),
                name="correction_out_after_in",
                violation_error_message=_("签退时间不能早于签到时间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date:%Y-%m-%d} {self.get_status_display()}"


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
        indexes = [models.Index(fields=["contract", "date"], name="worklog_contract_day_idx")]

    def __str__(self) -> str:
        return f"{self.person} {self.date:%Y-%m-%d}"


class ChangeKind(models.TextChoices):
    APPLICATION = "application", _("乙方申请变动")
    DEMAND = "demand", _("甲方要求更换")


class ChangeStatus(models.TextChoices):
    DEMANDED = "demanded", _("甲方已要求更换，待乙方提出人选")
    SUBMITTED = "submitted", _("待甲方审批")
    APPROVED = "approved", _("已批准，交接中")
    COMPLETED = "completed", _("交接已确认")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_CHANGE_STATUSES = (ChangeStatus.DEMANDED, ChangeStatus.SUBMITTED, ChangeStatus.APPROVED)


class StaffChange(models.Model):
    """Replacing one person on the roster: applied for by the vendor (with notice) or demanded by the
    bureau; approved by the bureau; handover checklist; the bureau confirms before the person leaves."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="staff_changes")
    kind = models.CharField(_("类型"), max_length=12, choices=ChangeKind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=ChangeStatus.choices)
    leaving_entry = models.ForeignKey(
        RosterEntry, verbose_name=_("离场人员"), on_delete=models.PROTECT, related_name="changes_leaving"
    )
    incoming_person = models.ForeignKey(
        USER,
        verbose_name=_("接替人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes_incoming",
    )
    incoming_phone = models.CharField(_("接替人员联系电话"), max_length=30, blank=True)
    incoming_start_on = models.DateField(_("接替人员到岗日期"), null=True, blank=True)
    effective_on = models.DateField(_("变动生效日期"), null=True, blank=True)
    applied_on = models.DateField(_("申请日期"), null=True, blank=True)
    reason = models.TextField(_("变动理由"), max_length=1000, blank=True)
    demand_reason = models.TextField(_("甲方更换理由"), max_length=1000, blank=True)
    demanded_by = models.ForeignKey(
        USER, verbose_name=_("要求人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    demanded_at = models.DateTimeField(_("要求时间"), null=True, blank=True)
    applied_by = models.ForeignKey(
        USER, verbose_name=_("申请人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)
    incoming_entry = models.ForeignKey(
        RosterEntry,
        verbose_name=_("接替人员驻场安排"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes_incoming",
    )
    confirmed_by = models.ForeignKey(
        USER, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("交接确认时间"), null=True, blank=True)
    confirmation_note = models.CharField(_("检查意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("人员变动")
        verbose_name_plural = _("人员变动")
        permissions = [
            ("decide_staffchange", _("可以审批人员变动并确认交接")),
            ("demand_replacement", _("可以要求更换驻场工程师")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.leaving_entry.person}"


class HandoverItem(models.Model):
    change = models.ForeignKey(StaffChange, on_delete=models.CASCADE, related_name="handover_items")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    title = models.CharField(_("交接事项"), max_length=200)
    done = models.BooleanField(_("已完成"), default=False)
    done_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["change", "order", "id"]
        verbose_name = _("交接事项")
        verbose_name_plural = _("交接事项")

    def __str__(self) -> str:
        return self.title


class DutyStatus(models.TextChoices):
    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("已提交")


class DutyList(models.Model):
    """The duty list (值班表) of one statutory holiday; the holiday belongs to the contract in force
    on its first day."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="duty_lists")
    holiday_name = models.CharField(_("节日"), max_length=50)
    start_on = models.DateField(_("放假开始"))
    end_on = models.DateField(_("放假结束"))
    status = models.CharField(_("状态"), max_length=10, choices=DutyStatus.choices, default=DutyStatus.DRAFT)
    due_at = models.DateTimeField(_("提交期限"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        USER, verbose_name=_("提交人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)

    class Meta:
        ordering = ["contract", "start_on"]
        verbose_name = _("节假日值班表")
        verbose_name_plural = _("节假日值班表")
        permissions = [("manage_dutylist", _("可以编制和提交值班表"))]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "start_on"],
                name="duty_one_list_per_holiday",
                violation_error_message=_("该节假日已有值班表。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.holiday_name} {self.start_on:%Y-%m-%d}–{self.end_on:%Y-%m-%d}"

    @property
    def is_late(self) -> bool:
        """Submitted after its deadline (``rules.DutyState``)."""
        from .rules import DutyState

        return bool(self.due_at) and DutyState(self.due_at, self.submitted_at).late


class DutyAssignment(models.Model):
    duty_list = models.ForeignKey(DutyList, on_delete=models.CASCADE, related_name="assignments")
    day = models.DateField(_("值班日期"))
    person = models.ForeignKey(USER, verbose_name=_("值班人员"), on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("联系电话"), max_length=30)
    note = models.CharField(_("备注"), max_length=100, blank=True)

    class Meta:
        ordering = ["duty_list", "day", "id"]
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        constraints = [
            models.UniqueConstraint(
                fields=["duty_list", "day", "person"],
                name="duty_person_once_a_day",
                violation_error_message=_("同一人同一天只需安排一次。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.person}"


class WeeklyMeeting(models.Model):
    """The weekly 软件服务质量评估例会; one per ISO week (``week_start`` is that week's Monday)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="weekly_meetings")
    week_start = models.DateField(_("所属周（周一）"), editable=False)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    attendees = models.ManyToManyField(USER, verbose_name=_("参会人员"), related_name="+", blank=True)
    other_attendees = models.CharField(_("其他参会人员"), max_length=300, blank=True)
    summary = models.TextField(_("会议内容"), max_length=4000)
    decisions = models.TextField(_("议定事项"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), default=clock.now, editable=False)

    class Meta:
        ordering = ["contract", "-week_start"]
        verbose_name = _("软件服务质量评估例会")
        verbose_name_plural = _("软件服务质量评估例会")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "week_start"],
                name="meeting_once_a_week",
                violation_error_message=_("这一周已有例会记录。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} 例会"


class ActionItem(models.Model):
    meeting = models.ForeignKey(WeeklyMeeting, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(_("待办事项"), max_length=300)
    owner = models.ForeignKey(
        USER, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    done = models.BooleanField(_("已完成"), default=False)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("例会待办事项")
        verbose_name_plural = _("例会待办事项")

    def __str__(self) -> str:
        return self.description


class KeyDaySource(models.TextChoices):
    MANUAL = "manual", _("手工标记")
    UPGRADE = "upgrade", _("软件升级后第一个工作日")


class KeyDay(models.Model):
    """A key day marked by hand or fed from an upgrade; first working days after a holiday come from
    the calendar and are not stored (see ``selectors.key_days``)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="key_days")
    date = models.DateField(_("日期"))
    source = models.CharField(_("来源"), max_length=10, choices=KeyDaySource.choices)
    reason = models.CharField(_("说明"), max_length=200)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("标记时间"), default=clock.now, editable=False)

    class Meta:
        ordering = ["contract", "date"]
        verbose_name = _("关键日")
        verbose_name_plural = _("关键日")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "date", "source"],
                name="keyday_unique",
                violation_error_message=_("这一天已标记为关键日。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"
