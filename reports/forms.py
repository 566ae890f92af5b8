from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WeeklyReport


class WeeklyReportForm(forms.ModelForm):
    """The PM's part of the report. ``version`` is the version the PM read (see services)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = WeeklyReport
        fields = ["summary", "next_week_plan", "open_problems"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6, "maxlength": 4000}),
            "next_week_plan": forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
            "open_problems": forms.Textarea(attrs={"rows": 4, "maxlength": 4000}),
        }
        help_texts = {
            "summary": _("本周完成的主要工作、重要事件；数据部分由系统生成。"),
            "open_problems": _("需要甲方协调或决定的事项。"),
        }


class DraftForm(forms.Form):
    day = forms.DateField(
        label=_("周报所属周中的任意一天"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),  # what a date input accepts
        error_messages={"invalid": _("请输入有效日期，例如 2023-06-16。")},
    )

    def clean_day(self):
        day = self.cleaned_data["day"]
        if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
            raise forms.ValidationError(_("日期超出范围。"))
        return day


class StatisticsForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    month = forms.TypedChoiceField(
        label=_("月份"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("全年"))] + [(m, _("%(m)s 月") % {"m": m}) for m in range(1, 13)],
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = [(y, str(y)) for y in years]
