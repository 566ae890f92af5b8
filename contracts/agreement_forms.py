"""Forms of the rest of the contract (issue 18 items 3–6)."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import MultipleFileField

from .agreement import IncidentKind, Party, TerminationBasis
from .agreement_services import setting_choices, vendor_people
from .forms import DATE_INPUT

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class ChangeForm(forms.Form):
    title = forms.CharField(label=_("变更事项"), max_length=120)
    text = forms.CharField(label=_("变更内容"), widget=TEXTAREA, max_length=5000)
    delivered_on = forms.DateField(label=_("书面请求送达日"), widget=DATE_INPUT)
    document = forms.FileField(label=_("书面请求（扫描件）"), required=False)
    attachments = MultipleFileField(
        label=_("其他附件"),
        required=False,
        help_text=_("可多选：报价、方案、修订的附件页等（PDF、图片或 Word，最多 10 个）。"),
    )
    setting = forms.ChoiceField(label=_("涉及的合同设置"), required=False)
    new_value = forms.CharField(
        label=_("新值"),
        max_length=60,
        required=False,
        help_text=_(
            "整数；服务时限写作“数量 单位”，如 30 分钟、4 小时、1 工作日。对方同意或视为同意后自动生效。"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["setting"]).choices = setting_choices()


class AnswerForm(forms.Form):
    agree = forms.TypedChoiceField(
        label=_("答复"),
        choices=[("1", _("同意变更")), ("0", _("不同意"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(label=_("意见/理由"), widget=TEXTAREA, max_length=2000, required=False)


class UndertakingForm(forms.Form):
    person: forms.ModelChoiceField = forms.ModelChoiceField(label=_("签署人"), queryset=None)
    signed_on = forms.DateField(label=_("签署日期"), widget=DATE_INPUT)
    document = forms.FileField(label=_("签字的保密承诺书"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = vendor_people()


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=IncidentKind.choices)
    party_at_fault = forms.ChoiceField(
        label=_("涉及方"), choices=Party.choices, help_text=_("未提供工作条件的事件总是甲方。")
    )
    occurred_on = forms.DateField(label=_("发生日期"), widget=DATE_INPUT)
    what = forms.CharField(label=_("经过"), widget=TEXTAREA, max_length=5000)
    informed = forms.CharField(label=_("已告知谁（何时、如何）"), widget=TEXTAREA, max_length=2000)


class TerminationForm(forms.Form):
    basis = forms.ChoiceField(label=_("依据"), choices=TerminationBasis.choices)
    given_on = forms.DateField(label=_("书面通知送达日"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("理由"), widget=TEXTAREA, max_length=5000)
    document = forms.FileField(label=_("书面通知（扫描件）"), required=False)


class ContactForm(forms.Form):
    name = forms.CharField(label=_("项目联系人"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=50, required=False)
    email = forms.EmailField(label=_("电子信箱"), required=False)
    user: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("门户账号（接收通知）"), queryset=None, required=False
    )
    notice_on = forms.DateField(label=_("书面通知日"), widget=DATE_INPUT)
    effective_on = forms.DateField(label=_("生效日"), widget=DATE_INPUT)
    document = forms.FileField(label=_("书面通知（扫描件）"), required=False)

    def __init__(self, *args, roles=(), **kwargs):
        from accounts.models import User

        super().__init__(*args, **kwargs)
        user = cast(forms.ModelChoiceField, self.fields["user"])
        user.queryset = User.objects.filter(role__in=roles, is_active=True).order_by("username")
