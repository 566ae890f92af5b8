"""The work on a request: the gates (data authorization, batch steps, upgrade steps), comments,
attachments and time entries."""

from __future__ import annotations

import os

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common import clock
from common.uploads import UploadValidator

from .core import Ticket


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
    """One of the four safeguards of a batch job, each with who, when and evidence (RULES §4)."""

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
    """One stage of an upgrade requirement, in the order of RULES §4."""

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
        # The weekly report's upgrade steps of a week (a scan of every step before, issue 14).
        indexes = [models.Index(fields=["recorded_at"], name="upgradestep_recorded_idx")]

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
        # The version of a period's statistics (count and last id of the entries dated in it).
        indexes = [models.Index(fields=["work_date", "id"], name="timeentry_day_idx")]

    def __str__(self) -> str:
        return f"{self.engineer_id} {self.work_date} {self.minutes}"
