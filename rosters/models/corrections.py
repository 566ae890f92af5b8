"""Attendance corrections: a forgotten or wrong check-in/out, set once approved."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common import clock
from contracts.models import Contract

from ._base import USER, RequestStatus


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
