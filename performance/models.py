"""The five-part score's adjustments and locks, and the department heads' satisfaction survey (RULES §6).

The score itself is not stored while it is provisional: it is computed from live data
(``performance.selectors``). Locking stores a snapshot (``ScoreLock.snapshot``) that later data changes
do not alter; unlocking keeps the row (with who, when and why) and a new lock makes a new row.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import clock
from contracts.models import SCORE_PARTS

from .rules import SATISFIED_LEVELS


class ScoreAdjustment(models.Model):
    """The bureau admin sets a part of the contract period's score by hand, with a written reason.

    The latest row of a part is in force; a row with ``score`` None gives the part back to the formula.
    """

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="score_adjustments"
    )
    part = models.CharField(_("考核项"), max_length=20, choices=SCORE_PARTS)
    score = models.DecimalField(
        _("调整后分数"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("留空表示取消调整，恢复按公式计算。"),
    )
    computed = models.DecimalField(_("调整时公式得分"), max_digits=7, decimal_places=4, null=True, blank=True)
    reason = models.TextField(_("调整理由"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调整人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("调整时间"), default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("得分调整")
        verbose_name_plural = _("得分调整")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="score_adjustment_needs_reason"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0), name="score_adjustment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.get_part_display()} → {self.score}"


class ScoreLock(models.Model):
    """The final score of a contract period, frozen. At most one lock in force per contract."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="score_locks")
    total = models.DecimalField(_("最终得分"), max_digits=5, decimal_places=2)
    pay_ratio = models.DecimalField(_("付款比例（%）"), max_digits=5, decimal_places=2)
    snapshot = models.JSONField(_("得分快照"))
    note = models.TextField(_("锁定说明"), blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("锁定人"), on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField(_("锁定时间"), default=clock.now)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解锁人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unlocked_at = models.DateTimeField(_("解锁时间"), null=True, blank=True)
    unlock_reason = models.TextField(_("解锁理由"), blank=True)

    class Meta:
        ordering = ["-locked_at", "-id"]
        verbose_name = _("最终得分锁定")
        verbose_name_plural = _("最终得分锁定")
        permissions = [
            ("view_score", _("可以查看绩效得分")),
            ("adjust_score", _("可以调整绩效得分")),
            ("lock_score", _("可以锁定或解锁最终得分")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(unlocked_at__isnull=True),
                name="one_score_lock_in_force",
                violation_error_message=_("该合同的最终得分已锁定。"),
            ),
            models.CheckConstraint(
                condition=Q(unlocked_at__isnull=True) | ~Q(unlock_reason=""),
                name="score_unlock_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.total}"

    @property
    def in_force(self) -> bool:
        return self.unlocked_at is None


class SatisfactionLevel(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("非常满意")
    SATISFIED = "satisfied", _("满意")
    NEUTRAL = "neutral", _("一般")
    DISSATISFIED = "dissatisfied", _("不满意")
    VERY_DISSATISFIED = "very_dissatisfied", _("非常不满意")


LEVELS_NEEDING_COMMENT = frozenset({SatisfactionLevel.DISSATISFIED, SatisfactionLevel.VERY_DISSATISFIED})


class Survey(models.Model):
    """One satisfaction survey of a contract for one period, sent to every department head."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="surveys")
    period_start = models.DateField(_("调查期间自"))
    period_end = models.DateField(_("调查期间至"))
    title = models.CharField(_("标题"), max_length=120)
    sent_at = models.DateTimeField(_("发出时间"), default=clock.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发出人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("空表示由定时任务在期末发出。"),
    )
    due_on = models.DateField(_("答复期限"), null=True, blank=True)
    due_pending_year = models.PositiveSmallIntegerField(_("日历未加载年份"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关闭人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("满意度调查")
        verbose_name_plural = _("满意度调查")
        permissions = [
            ("answer_survey", _("可以答复满意度调查")),
            ("manage_survey", _("可以发出、催办和关闭满意度调查")),
            ("view_survey_results", _("可以查看满意度调查结果")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start", "period_end"],
                name="one_survey_per_period",
                violation_error_message=_("该期间的满意度调查已经发出。"),
            ),
            models.CheckConstraint(
                condition=Q(period_start__lte=models.F("period_end")), name="survey_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class SurveyAnswer(models.Model):
    """A department head's answer: one per head per survey (a database constraint)."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="answers")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("科室"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("满意程度"), max_length=20, choices=SatisfactionLevel.choices)
    comment = models.TextField(_("意见与建议"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), default=clock.now)
    # Answered after the survey's deadline: accepted and counted (RULES §6), marked for the record. Set
    # on answering, or when the deadline becomes known (its year's calendar loaded) — issue 11.
    late = models.BooleanField(_("逾期答复"), default=False)

    class Meta:
        ordering = ["survey", "department__order", "id"]
        verbose_name = _("满意度答复")
        verbose_name_plural = _("满意度答复")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                name="one_answer_per_head",
                violation_error_message=_("您已答复过本期满意度调查。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.department_id} {self.level}"

    @property
    def satisfied(self) -> bool:
        return self.level in SATISFIED_LEVELS
