"""Holiday duty lists (值班表) and who is on duty each day."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common import clock
from contracts.models import Contract

from ..rules import DutyState
from ._base import USER


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
        return self.due_at is not None and DutyState(self.due_at, self.submitted_at).late


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
