"""The version of a contract's attendance inputs (issue 14: the attendance report kept across requests)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract


class AttendanceInputs(models.Model):
    """A random token replaced, in the writing transaction, by every change to what the contract's
    attendance report reads (``rosters.versions``). A cached report is used only under the token it
    was computed with; a random token (not a counter) cannot come back after a rollback or a restore
    with other data behind it."""

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, primary_key=True, related_name="attendance_inputs"
    )
    token = models.CharField(_("版本"), max_length=32)

    class Meta:
        verbose_name = _("出勤数据版本")
        verbose_name_plural = _("出勤数据版本")

    def __str__(self) -> str:
        return f"{self.contract_id} {self.token}"
