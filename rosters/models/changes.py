"""Staff changes: replacing one person on the roster, with the handover checklist."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common import clock
from contracts.models import Contract

from ._base import USER
from .roster import RosterEntry


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
