"""Attendance: one person's day on site."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract

from ._base import USER


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
