"""Forms of the support sessions and of the bureau's required-by date (issue 18 items 1 and 2)."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import OneReadModelChoiceField

from .forms import DATE_INPUT, DATETIME_INPUT
from .models import SupportMode


class SupportForm(forms.Form):
    person: forms.ModelChoiceField = OneReadModelChoiceField(
        label=_("支持人员"),
        queryset=None,
        required=False,
        empty_label=_("本人"),
        help_text=_("项目经理可以代驻场或支持工程师登记。"),
    )
    mode = forms.ChoiceField(label=_("方式"), choices=SupportMode.choices)
    requested_at = forms.DateTimeField(
        label=_("甲方提出时间"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("甲方要求支持的时间；填写后按合同设置计算响应期限。"),
    )
    started_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME_INPUT)
    minutes = forms.IntegerField(label=_("时长（分钟）"), min_value=1, max_value=24 * 60)
    work_done = forms.CharField(
        label=_("支持内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, people=None, **kwargs):
        """``people``: whom the user may record for (the PM); None drops the field (an engineer)."""
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person"]
        else:
            cast(forms.ModelChoiceField, self.fields["person"]).queryset = people


class SystemSupportForm(SupportForm):
    """A session for a system rather than a request (the support list page)."""

    scope: forms.ModelChoiceField = OneReadModelChoiceField(label=_("系统/服务范围"), queryset=None)

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["scope"]).queryset = scopes
        self.order_fields(["person", "scope"])


class RequiredByForm(forms.Form):
    due_on = forms.DateField(label=_("甲方要求完成日"), widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text=_("重大政策调整或紧急业务需求，写明依据。"),
    )
