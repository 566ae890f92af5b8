"""The contract's calendar on Celery: job runs, reminders sent exactly once, initialization records."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import clock


class JobRun(models.Model):
    """One execution of a scheduled job, for the jobs page (what it last did, what failed)."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("运行中")
        OK = "ok", _("成功")
        FAILED = "failed", _("失败")

    job = models.CharField(_("任务"), max_length=80, db_index=True)
    task_id = models.CharField(_("Celery 任务号"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("开始时间"), default=clock.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("任务运行记录")
        verbose_name_plural = _("任务运行记录")
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_job_idx")]
        permissions = [("run_job", _("可以立即运行定时任务"))]

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class Reminder(models.Model):
    """A reminder that has been sent. Its unique key (job, subject, due date) makes sending idempotent:
    retries, restarts and a second beat cannot send it twice."""

    key = models.CharField(_("唯一键"), max_length=200, unique=True)
    job = models.CharField(_("任务"), max_length=80, db_index=True)
    subject = models.CharField(_("事项"), max_length=120)
    due_on = models.DateField(_("到期日"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), default=clock.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("已发送提醒")
        verbose_name_plural = _("已发送提醒")

    def __str__(self) -> str:
        return self.key


class InitializationRecord(models.Model):
    """月度/年度初始化 (contract 第一条 3(3)): due on the first working day of the month, or at year end;
    confirmed by the PM or the bureau admin with who, when and a note."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月度初始化")
        ANNUAL = "annual", _("年度初始化")

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="initializations"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    period = models.DateField(_("期间"), help_text=_("月度：该月 1 日；年度：新年度 1 月 1 日"))
    due_on = models.DateField(_("应完成日期"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("确认人"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)

    class Meta:
        ordering = ["-period", "kind"]
        verbose_name = _("初始化记录")
        verbose_name_plural = _("初始化记录")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "period"], name="initialization_once_per_period"
            ),
        ]
        permissions = [("confirm_initialization", _("可以确认月度/年度初始化已完成"))]

    def __str__(self) -> str:
        label = self.period.strftime("%Y-%m") if self.kind == self.Kind.MONTHLY else str(self.period.year)
        return f"{self.get_kind_display()} {label}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None
