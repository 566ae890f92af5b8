"""The sign-off form (服务内容确认表) a department signs for its resolved requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import clock
from common.uploads import UploadValidator


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
