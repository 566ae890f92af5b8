"""Leave: whole days away, approved by the PM (or by the bureau admin for the PM)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common import clock
from contracts.models import Contract

from ._base import USER, RequestStatus


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
