import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PaymentKind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PaymentForm(forms.Form):
    """One payment. ``token`` is issued with the form: sending the same form twice records one payment."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("款项"), choices=PaymentKind.choices)
    paid_on = forms.DateField(label=_("付款日期"), widget=DATE_INPUT)
    amount = forms.DecimalField(
        label=_("金额（元）"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    reference = forms.CharField(label=_("付款凭证号"), max_length=64, help_text=_("电汇凭证号或银行流水号"))
    invoice_received = forms.BooleanField(label=_("已收到乙方发票"), required=False)
    invoice_number = forms.CharField(label=_("发票号码"), max_length=64, required=False)
    invoice_received_on = forms.DateField(label=_("收票日期"), required=False, widget=DATE_INPUT)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    @staticmethod
    def new_token() -> uuid.UUID:
        return uuid.uuid4()

    def clean(self):
        data = super().clean() or {}
        if data.get("invoice_received"):
            if not data.get("invoice_number"):
                self.add_error("invoice_number", _("已收到发票时请填写发票号码。"))
            if not data.get("invoice_received_on"):
                self.add_error("invoice_received_on", _("已收到发票时请填写收票日期。"))
        return data


class InvoiceForm(forms.Form):
    invoice_number = forms.CharField(label=_("发票号码"), max_length=64)
    received_on = forms.DateField(label=_("收票日期"), widget=DATE_INPUT)


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("作废理由"), min_length=4, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("款项"), choices=PaymentKind.choices)
