"""The weekly quality meetings and their action items."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import clock
from contracts.models import Contract

from ._base import USER


class WeeklyMeeting(models.Model):
    """The weekly 软件服务质量评估例会; one per ISO week (``week_start`` is that week's Monday)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="weekly_meetings")
    week_start = models.DateField(_("所属周（周一）"), editable=False)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("参会人员"), related_name="+", blank=True
    )
    other_attendees = models.CharField(_("其他参会人员"), max_length=300, blank=True)
    summary = models.TextField(_("会议内容"), max_length=4000)
    decisions = models.TextField(_("议定事项"), max_length=4000, blank=True)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), default=clock.now, editable=False)

    class Meta:
        ordering = ["contract", "-week_start"]
        verbose_name = _("软件服务质量评估例会")
        verbose_name_plural = _("软件服务质量评估例会")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "week_start"],
                name="meeting_once_a_week",
                violation_error_message=_("这一周已有例会记录。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} 例会"


class ActionItem(models.Model):
    meeting = models.ForeignKey(WeeklyMeeting, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(_("待办事项"), max_length=300)
    owner = models.ForeignKey(
        USER, verbose_name=_("责任人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    done = models.BooleanField(_("已完成"), default=False)

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("例会待办事项")
        verbose_name_plural = _("例会待办事项")

    def __str__(self) -> str:
        return self.description
