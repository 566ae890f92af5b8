"""Score facts kept on write, read by the score (issue 14)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .core import Ticket


class ScoreFact(models.Model):
    """What the score needs of one request, kept on write (``tickets.score_facts.refresh`` runs after
    every change of a request) so the score aggregates these narrow rows in SQL (issue 14).

    The outcome of a part is a step in time: "not counted" until ``*_at``, then ``for`` or ``against``
    for ever; an empty outcome is never decided (a deadline pending an unloaded year)."""

    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("服务请求"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="score_fact",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("合同"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the indexes below start with it
    )
    data_maintenance = models.BooleanField(default=False)
    ended = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolve_due_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(max_length=8, blank=True)
    response_at = models.DateTimeField(null=True, blank=True)
    completion = models.CharField(max_length=8, blank=True)
    completion_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=8, blank=True)  # a data-maintenance request once resolved
    rework_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("绩效事实")
        verbose_name_plural = _("绩效事实")
        indexes = [
            models.Index(fields=["contract", "confirmed_at"], name="scorefact_confirmed_idx"),
            models.Index(fields=["contract", "resolved_at"], name="scorefact_resolved_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}"
