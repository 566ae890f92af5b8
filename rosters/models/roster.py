"""Who is on site: one on-site period of one person on one contract."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common import clock
from contracts.models import Contract

from ._base import USER


class Position(models.TextChoices):
    ENGINEER = "engineer", _("驻场工程师")
    PM = "pm", _("项目经理")


class RosterEntry(models.Model):
    """One on-site period of one person on one contract (a person may have several periods)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="roster_entries")
    person = models.ForeignKey(
        USER, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="roster_entries"
    )
    position = models.CharField(_("岗位"), max_length=10, choices=Position.choices)
    phone = models.CharField(_("驻场联系电话"), max_length=30)
    start_on = models.DateField(_("驻场开始"))
    end_on = models.DateField(_("驻场结束"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=clock.now, editable=False)

    class Meta:
        ordering = ["contract", "position", "start_on", "id"]
        verbose_name = _("驻场安排")
        verbose_name_plural = _("驻场安排")
        indexes = [models.Index(fields=["contract", "start_on", "end_on"], name="roster_period_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__gte=F("start_on")),
                name="roster_period_ordered",
                violation_error_message=_("驻场结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.person} · {self.get_position_display()} · {self.start_on:%Y-%m-%d}–{self.end_on:%Y-%m-%d}"
        )

    def covers(self, day) -> bool:
        return self.start_on <= day <= self.end_on
