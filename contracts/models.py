"""The contract and its terms (RULES §2), and the working-day calendar's overrides (RULES §3)."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common import clock

from . import rules
from .workdays import WorkingHours, add_months_clamped

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Priority(models.TextChoices):
    URGENT = "urgent", _("紧急")
    HIGH = "high", _("高")
    NORMAL = "normal", _("普通")
    LOW = "low", _("低")


PRIORITY_ORDER = [Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW]

SCORE_PARTS = rules.SCORE_PARTS  # the five parts of the score, declared in contracts.rules


class SurveyPeriod(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每个服务期一次")


class ContractQuerySet(models.QuerySet):
    def covering(self, day: dt.date):
        return self.filter(start_on__lte=day, end_on__gte=day)


class Contract(models.Model):
    number = models.CharField(_("合同编号"), max_length=50, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    signed_on = models.DateField(_("签订日期"))
    start_on = models.DateField(_("服务开始日期"))
    end_on = models.DateField(_("服务结束日期"))
    location = models.CharField(_("服务地点"), max_length=100, default="常州市金坛区")
    total_amount = models.DecimalField(
        _("合同总额（元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    confidentiality_years = models.PositiveSmallIntegerField(_("保密期（合同终止后年数）"), default=2)

    # 甲方 the client
    client_name = models.CharField(_("甲方名称"), max_length=100)
    client_address = models.CharField(_("甲方地址"), max_length=200, blank=True)
    client_legal_rep = models.CharField(_("甲方法定代表人"), max_length=50, blank=True)
    client_contact = models.CharField(_("甲方项目联系人"), max_length=50, blank=True)
    client_phone = models.CharField(_("甲方电话"), max_length=50, blank=True)
    client_fax = models.CharField(_("甲方传真"), max_length=50, blank=True)
    client_email = models.EmailField(_("甲方电子信箱"), blank=True)
    client_bank = models.CharField(_("甲方开户银行"), max_length=100, blank=True)
    client_account = models.CharField(_("甲方账号"), max_length=50, blank=True)
    # 乙方 the vendor
    vendor_name = models.CharField(_("乙方名称"), max_length=100)
    vendor_address = models.CharField(_("乙方地址"), max_length=200, blank=True)
    vendor_legal_rep = models.CharField(_("乙方法定代表人"), max_length=50, blank=True)
    vendor_contact = models.CharField(_("乙方项目联系人"), max_length=50, blank=True)
    vendor_phone = models.CharField(_("乙方电话"), max_length=50, blank=True)
    vendor_fax = models.CharField(_("乙方传真"), max_length=50, blank=True)
    vendor_email = models.EmailField(_("乙方电子信箱"), blank=True)
    vendor_bank = models.CharField(_("乙方开户银行"), max_length=100, blank=True)
    vendor_account_name = models.CharField(_("乙方账户名"), max_length=100, blank=True)
    vendor_account = models.CharField(_("乙方账号"), max_length=50, blank=True)

    # §7 payment terms
    advance_ratio = models.DecimalField(
        _("预付款比例（%）"), max_digits=5, decimal_places=2, default=Decimal("40"), validators=PERCENT
    )
    advance_due_workdays = models.PositiveSmallIntegerField(_("预付款期限（签订后工作日）"), default=15)
    final_due_workdays = models.PositiveSmallIntegerField(_("尾款期限（期满后工作日）"), default=10)
    late_fee_per_mille = models.DecimalField(
        _("逾期违约金（‰/期）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    late_fee_period_days = models.PositiveSmallIntegerField(
        _("违约金计算周期（天）"), default=10, validators=[MinValueValidator(1)]
    )
    termination_months = models.PositiveSmallIntegerField(
        _("逾期解约（月）"), default=2, validators=[MinValueValidator(1)]
    )
    termination_penalty_ratio = models.DecimalField(
        _("解约违约金比例（%）"), max_digits=5, decimal_places=2, default=Decimal("10"), validators=PERCENT
    )
    payment_reminder_workdays = models.PositiveSmallIntegerField(
        _("付款到期提前提醒（工作日）"),
        default=5,
        validators=[MaxValueValidator(60)],
        help_text=_("应付日前第 N 个工作日起提醒财务；0 表示应付日当天提醒。"),
    )

    # §6 score weights (sum to 100)
    weight_data_maintenance = models.PositiveSmallIntegerField(_("日常数据维护（分）"), default=20)
    weight_responsiveness = models.PositiveSmallIntegerField(_("响应度（分）"), default=10)
    weight_completion = models.PositiveSmallIntegerField(_("完成率（分）"), default=20)
    weight_satisfaction = models.PositiveSmallIntegerField(_("满意率（分）"), default=20)
    weight_attendance = models.PositiveSmallIntegerField(_("出勤率（分）"), default=30)

    # §6 satisfaction survey of the department heads (满意率)
    survey_period = models.CharField(
        _("满意度调查周期"), max_length=10, choices=SurveyPeriod.choices, default=SurveyPeriod.QUARTER
    )
    survey_answer_workdays = models.PositiveSmallIntegerField(
        _("问卷答复期限（期末后工作日）"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("每期问卷在期末最后一个工作日发出，科室负责人须在期末后 N 个工作日内答复。"),
    )

    # §3/§4 working hours for SLA clocks
    work_morning_start = models.TimeField(_("上午上班"), default=dt.time(8, 30))
    work_morning_end = models.TimeField(_("上午下班"), default=dt.time(12, 0))
    work_afternoon_start = models.TimeField(_("下午上班"), default=dt.time(13, 30))
    work_afternoon_end = models.TimeField(_("下午下班"), default=dt.time(17, 30))

    # §4 upgrade windows (Asia/Shanghai), from the start time until the end time next morning
    upgrade_central_from = models.TimeField(_("中心端升级最早开始"), default=dt.time(18, 0))
    upgrade_hospital_from = models.TimeField(_("医院端升级最早开始"), default=dt.time(22, 0))
    upgrade_window_until = models.TimeField(_("升级窗口结束（次日）"), default=dt.time(6, 0))

    # §4 resolution target of an upgrade requirement (the city centre's steps take longer than the
    # priority's target); empty: the priority's target, as for every other kind.
    upgrade_resolve_workdays = models.PositiveSmallIntegerField(
        _("升级需求解决时限（工作日）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(250)],
        help_text=_("留空则与其他类型一样按优先级的解决时限计算。"),
    )

    # §4 sign-off, §5 staffing
    signoff_due_workdays = models.PositiveSmallIntegerField(_("签署服务内容确认表期限（工作日）"), default=1)
    sla_warning_percent = models.PositiveSmallIntegerField(
        _("即将超期提示（剩余解决时限 %）"),
        default=25,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
        help_text=_("剩余的解决时限少于该比例时，列表标为“即将超期”。"),
    )
    min_engineers_on_site = models.PositiveSmallIntegerField(
        _("每工作日最少驻场工程师"), default=2, validators=[MinValueValidator(1)]
    )
    pm_min_on_site_months = models.PositiveSmallIntegerField(_("项目经理最少驻场月数"), default=3)
    staff_change_notice_months = models.PositiveSmallIntegerField(_("人员变动提前申请（月）"), default=1)
    duty_list_lead_workdays = models.PositiveSmallIntegerField(
        _("节假日值班表提前提交（工作日）"),
        default=0,
        validators=[MaxValueValidator(20)],
        help_text=_("0 表示节假日开始前提交即可；N 表示须在节假日前第 N 个工作日结束前提交。"),
    )

    # 一.5(1) remote and ad-hoc on-site support, 一.5(5) deadlines the bureau sets (issue 18)
    remote_support_response_hours = models.PositiveSmallIntegerField(
        _("远程支持响应时限（工作小时）"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(80)],
        help_text=_("甲方提出远程支持后，乙方须在该工作时间内开始支持。"),
    )
    onsite_support_response_hours = models.PositiveSmallIntegerField(
        _("现场支持响应时限（工作小时）"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(80)],
        help_text=_("甲方要求不定期现场支持后，乙方人员须在该工作时间内到场。"),
    )
    required_by_remind_workdays = models.PositiveSmallIntegerField(
        _("甲方要求完成日提前提醒（工作日）"),
        default=1,
        validators=[MaxValueValidator(20)],
        help_text=_("甲方要求完成日前第 N 个工作日提醒处理人和项目经理；0 表示当天提醒。"),
    )
    # 第六条 written changes, 第五条/第八条 penalties and notice (issue 18)
    change_answer_days = models.PositiveSmallIntegerField(
        _("变更请求答复期限（日）"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("自然日，自书面请求送达次日起算；最后一日为法定休假日的顺延至休假日后第一个工作日。"),
    )
    breach_penalty_ratio = models.DecimalField(
        _("泄密/未提供工作条件违约金比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=PERCENT,
    )
    termination_notice_days = models.PositiveSmallIntegerField(
        _("提前终止书面通知期（日）"), default=30, validators=[MaxValueValidator(365)]
    )
    early_termination_penalty_ratio = models.DecimalField(
        _("单方提前终止违约金比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=PERCENT,
    )
    termination_remind_workdays = models.PositiveSmallIntegerField(
        _("解除/终止生效前提醒（工作日）"),
        default=5,
        validators=[MaxValueValidator(60)],
        help_text=_(
            "解除/终止生效日前第 N 个工作日提醒双方（提前终止尚未确认的，同时催对方确认）；0 表示生效日当天。"
        ),
    )

    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on", "number"]
        verbose_name = _("合同")
        verbose_name_plural = _("合同")
        permissions = [("view_contract_history", _("可以查看合同修改历史"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_on__lt=models.F("end_on")),
                name="contract_period_ordered",
                violation_error_message=_("服务开始日期必须早于结束日期。"),
            ),
            models.CheckConstraint(condition=models.Q(total_amount__gt=0), name="contract_total_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    # --- derived terms ---------------------------------------------------------------------
    @property
    def weights(self) -> dict[str, int]:
        return {key: getattr(self, f"weight_{key}") for key, _label in SCORE_PARTS}

    @property
    def working_hours(self) -> WorkingHours:
        return WorkingHours(
            periods=(
                (self.work_morning_start, self.work_morning_end),
                (self.work_afternoon_start, self.work_afternoon_end),
            )
        )

    @property
    def advance_amount(self) -> Decimal:
        return (self.total_amount * self.advance_ratio / 100).quantize(Decimal("0.01"))

    def is_current(self, day: dt.date | None = None) -> bool:
        day = day or clock.today()
        return self.start_on <= day <= self.end_on

    @property
    def confidentiality_until(self) -> dt.date:
        return add_months_clamped(self.end_on, 12 * self.confidentiality_years)

    def clean(self) -> None:
        errors: dict[str, list[str | Promise]] = {}
        if self.start_on and self.end_on and self.start_on >= self.end_on:
            errors.setdefault("end_on", []).append(_("服务结束日期必须晚于开始日期。"))
        if self.signed_on and self.end_on and self.signed_on > self.end_on:
            errors.setdefault("signed_on", []).append(_("签订日期不能晚于服务结束日期。"))
        if None not in self.weights.values():
            for message in rules.weight_errors(self.weights):
                errors.setdefault("weight_attendance", []).append(message)
        times = [
            self.work_morning_start,
            self.work_morning_end,
            self.work_afternoon_start,
            self.work_afternoon_end,
        ]
        if None not in times and not (times[0] < times[1] <= times[2] < times[3]):
            errors.setdefault("work_afternoon_end", []).append(
                _("工作时间必须依次为：上午上班 < 上午下班 ≤ 下午上班 < 下午下班。")
            )
        until = self.upgrade_window_until
        for field in ("upgrade_central_from", "upgrade_hospital_from"):
            start = getattr(self, field)
            if start is not None and until is not None and not (until < start):
                errors.setdefault(field, []).append(
                    _("升级窗口跨夜：开始时间必须晚于次日结束时间 %(until)s。")
                    % {"until": until.strftime("%H:%M")}
                )
        if errors:
            raise ValidationError(errors)


class TierBand(models.Model):
    """One row of the payment tier table: a score of ``min_score`` or more pays ``pay_ratio`` %."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="tiers")
    min_score = models.DecimalField(_("最低分（含）"), max_digits=5, decimal_places=2, validators=PERCENT)
    pay_ratio = models.DecimalField(_("付款比例（%）"), max_digits=5, decimal_places=2, validators=PERCENT)

    class Meta:
        ordering = ["contract", "-min_score"]
        verbose_name = _("付款档位")
        verbose_name_plural = _("付款档位")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "min_score"],
                name="tier_unique_min_score",
                violation_error_message=_("同一合同的档位最低分不能重复。"),
            ),
        ]

    def __str__(self) -> str:
        return f"≥{self.min_score} → {self.pay_ratio}%"

    def as_rule(self) -> rules.Tier:
        return rules.Tier(self.min_score, self.pay_ratio)


class SlaUnit(models.TextChoices):
    MINUTE = "minute", _("分钟")
    HOUR = "hour", _("小时")
    WORKDAY = "workday", _("工作日")


class SlaTarget(models.Model):
    """Response and resolution targets for one priority, in working time."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="sla_targets")
    priority = models.CharField(_("优先级"), max_length=10, choices=Priority.choices)
    respond_amount = models.PositiveIntegerField(_("响应时限"), validators=[MinValueValidator(1)])
    respond_unit = models.CharField(_("单位"), max_length=10, choices=SlaUnit.choices)
    resolve_amount = models.PositiveIntegerField(_("解决时限"), validators=[MinValueValidator(1)])
    resolve_unit = models.CharField(_("单位"), max_length=10, choices=SlaUnit.choices)

    class Meta:
        verbose_name = _("服务时限")
        verbose_name_plural = _("服务时限")
        constraints = [models.UniqueConstraint(fields=["contract", "priority"], name="sla_unique_priority")]

    def __str__(self) -> str:
        return f"{self.get_priority_display()}: {self.respond_display} / {self.resolve_display}"

    def respond_minutes(self, minutes_per_workday: int) -> int:
        return rules.sla_minutes(self.respond_amount, self.respond_unit, minutes_per_workday)

    def resolve_minutes(self, minutes_per_workday: int) -> int:
        return rules.sla_minutes(self.resolve_amount, self.resolve_unit, minutes_per_workday)

    @property
    def respond_display(self) -> str:
        return f"{self.respond_amount} {self.get_respond_unit_display()}"

    @property
    def resolve_display(self) -> str:
        return f"{self.resolve_amount} {self.get_resolve_unit_display()}"


class ServiceScope(models.Model):
    """One of the systems the contract covers (the 2023 contract lists nine)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="scopes")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("名称"), max_length=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["contract", "order", "id"]
        verbose_name = _("服务范围")
        verbose_name_plural = _("服务范围")
        constraints = [models.UniqueConstraint(fields=["contract", "name"], name="scope_unique_name")]

    def __str__(self) -> str:
        return self.name


class CalendarYear(models.Model):
    """A year whose State Council notice the bureau admin has loaded (years the package lacks)."""

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("加载人"),
    )
    loaded_at = models.DateTimeField(_("加载时间"), default=clock.now)

    class Meta:
        ordering = ["year"]
        verbose_name = _("已加载年度日历")
        verbose_name_plural = _("已加载年度日历")
        permissions = [
            ("view_calendar", _("可以查看工作日历")),
            ("load_calendar", _("可以加载年度放假安排")),
        ]

    def __str__(self) -> str:
        return str(self.year)


class CalendarOverride(models.Model):
    """One day whose status differs from (or is missing in) the package: it always wins."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"))
    name = models.CharField(_("节日名称"), max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("设置人"),
    )
    created_at = models.DateTimeField(_("设置时间"), default=clock.now)

    class Meta:
        ordering = ["date"]
        verbose_name = _("日历调整")
        verbose_name_plural = _("日历调整")

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.is_workday else '休'} {self.name}"


# The records of the rest of the contract (issue 18) live in contracts/agreement.py.
from .agreement import (  # noqa: E402
    ConfidentialityUndertaking,
    ContactChange,
    ContractChange,
    ContractChangeAttachment,
    ContractIncident,
    Party,
    TerminationNotice,
)

__all__ = [
    "CalendarOverride",
    "CalendarYear",
    "ConfidentialityUndertaking",
    "ContactChange",
    "Contract",
    "ContractChange",
    "ContractChangeAttachment",
    "ContractIncident",
    "Party",
    "Priority",
    "ServiceScope",
    "SlaTarget",
    "TerminationNotice",
    "TierBand",
]
