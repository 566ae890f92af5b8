"""Key days marked by hand or fed from an upgrade."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from common import clock
from contracts.models import Contract

from ._base import USER


class KeyDaySource(models.TextChoices):
    MANUAL = "manual", _("手工标记")
    UPGRADE = "upgrade", _("软件升级后第一个工作日")


class KeyDay(models.Model):
    """A key day marked by hand or fed from an upgrade; first working days after a holiday come from
    the calendar and are not stored (see ``selectors.key_days``)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="key_days")
    date = models.DateField(_("日期"))
    source = models.CharField(_("来源"), max_length=10, choices=KeyDaySource.choices)
    reason = models.CharField(_("说明"), max_length=200)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("标记时间"), default=clock.now, editable=False)

    class Meta:
        ordering = ["contract", "date"]
        verbose_name = _("关键日")
        verbose_name_plural = _("关键日")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "date", "source"],
                name="keyday_unique",
                violation_error_message=_("这一天已标记为关键日。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.reason}"
