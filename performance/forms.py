from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import SCORE_PARTS

from .models import SatisfactionLevel


class AdjustForm(forms.Form):
    part = forms.ChoiceField(label=_("考核项"), choices=SCORE_PARTS)
    score = forms.DecimalField(
        label=_("调整后分数"),
        required=False,
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=2,
        help_text=_("在 0 到该项满分之间；留空表示取消调整、恢复按公式计算。"),
    )
    reason = forms.CharField(
        label=_("调整理由"),
        min_length=4,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明依据（如：会议纪要、书面说明），将记入审计日志。"),
    )

    def __init__(self, *args, weights: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.weights = weights or {}

    def clean(self):
        data = super().clean() or {}
        part, score = data.get("part"), data.get("score")
        weight = self.weights.get(part) if part else None
        if part and score is not None and weight is not None and score > weight:
            self.add_error("score", _("该项满分为 %(w)s 分，调整后的分数不能超过满分。") % {"w": weight})
        return data


class LockForm(forms.Form):
    note = forms.CharField(
        label=_("锁定说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label=_("解锁理由"), min_length=4, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    level = forms.ChoiceField(
        label=_("您对本期乙方服务的总体评价"), choices=SatisfactionLevel.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("意见与建议"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("选择“不满意”或“非常不满意”时必填。答复提交后不能更改。"),
    )


class SendSurveyForm(forms.Form):
    period = forms.ChoiceField(label=_("调查期间"))

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = {p.key: p for p in periods}
        cast(forms.ChoiceField, self.fields["period"]).choices = [(p.key, p.label) for p in periods]

    def clean_period(self):
        return self.periods[self.cleaned_data["period"]]
