"""Payments of RULES §7: the advance and the final payment as recorded by finance, and the printable
payment notice (a frozen snapshot). (API tokens live in the ``api`` app.)

What is due, when, and what has accrued is computed (``payments.selectors.settlement``) from the
contract's terms, the working-day calendar, the score and these records; it is never stored.
"""

from __future__ import annotations

import unicodedata
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from common import clock


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", _("预付款")
    FINAL = "final", _("尾款")


class Payment(models.Model):
    """One transfer the bureau made (电汇): date, amount, reference; the vendor's invoice follows it."""

    contract = models.ForeignKey("contracts.Contract", on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("款项"), max_length=10, choices=PaymentKind.choices)
    paid_on = models.DateField(_("付款日期"))
    amount = models.DecimalField(
        _("金额（元）"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    reference = models.CharField(_("付款凭证号"), max_length=64, help_text=_("电汇凭证号或银行流水号"))
    invoice_received = models.BooleanField(_("已收到发票"), default=False)
    invoice_number = models.CharField(_("发票号码"), max_length=64, blank=True)
    invoice_received_on = models.DateField(_("收票日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    token = models.UUIDField(_("提交令牌"), unique=True, default=uuid.uuid4, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=clock.now)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.TextField(_("作废理由"), blank=True)

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("付款记录")
        verbose_name_plural = _("付款记录")
        permissions = [("view_settlement_api", _("可以通过接口读取结算数据"))]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""), name="payment_void_needs_reason"
            ),
            models.CheckConstraint(
                condition=Q(invoice_received=False) | Q(invoice_received_on__isnull=False),
                name="payment_invoice_has_date",
            ),
            # One bank transfer is recorded once: its reference (凭证号) is unique per contract among valid
            # payments, whatever the letter case; voiding a record frees its reference (issue 11).
            models.UniqueConstraint(
                "contract",
                Upper("reference"),
                condition=Q(voided_at__isnull=True),
                name="payment_reference_unique_valid",
                violation_error_message=_("同一合同中，有效付款记录的凭证号不能重复。"),
            ),
        ]
        indexes = [models.Index(fields=["contract", "kind"], name="payment_contract_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.paid_on}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


def normalize_reference(reference: str) -> str:
    """A transfer reference as stored and compared: in compatibility form (NFKC: "ＨＸ－２０２３" typed with a
    Chinese input method is "HX-2023") and without any blanks (copied from a bank statement, "HX 2023 0001"
    and "HX20230001" are the same transfer)."""
    return "".join(unicodedata.normalize("NFKC", reference or "").split())


class PaymentNotice(models.Model):
    """A printable payment notice (付款通知书), frozen when issued: the PDF renders from ``snapshot``."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.PROTECT, related_name="payment_notices"
    )
    kind = models.CharField(_("款项"), max_length=10, choices=PaymentKind.choices)
    number = models.CharField(_("编号"), max_length=40, unique=True)
    snapshot = models.JSONField(_("内容快照"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("出具人"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("出具时间"), default=clock.now)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("付款通知书")
        verbose_name_plural = _("付款通知书")

    def __str__(self) -> str:
        return self.number
