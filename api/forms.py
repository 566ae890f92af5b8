from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=80, help_text=_("如：科室报表工具、市人社局结算系统"))
    for_system = forms.BooleanField(
        label=_("为局系统账户创建"),
        required=False,
        help_text=_("令牌代表局系统账户（只读全部请求、确认表、得分与结算），而不是您本人。"),
    )

    def __init__(self, *args, allow_system: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.API_TOKEN_MAX_DAYS
        self.fields["days"] = forms.IntegerField(
            label=_("有效期（天）"),
            min_value=1,
            max_value=limit,
            initial=limit,
            help_text=_("最长 %(n)d 天，到期后令牌失效。") % {"n": limit},
        )
        if not allow_system:
            del self.fields["for_system"]
