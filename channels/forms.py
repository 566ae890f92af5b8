from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from accounts.roles import LOGIN_ROLES, THREE_ADMINS, Role

from . import services, webhook
from .models import Robot

# Roles whose notifications make sense in a group: the three administrators' matters stay private.
ROBOT_ROLES = [(r.value, r.label) for r in Role if r in LOGIN_ROLES and r not in THREE_ADMINS]


class RobotForm(forms.ModelForm):
    webhook_url = forms.CharField(
        label=_("Webhook 地址"),
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "在群聊的“群机器人”中添加机器人后复制的地址，形如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        ),
    )
    role = forms.ChoiceField(label=_("角色"), choices=[("", _("（任何角色）")), *ROBOT_ROLES], required=False)
    categories = forms.MultipleChoiceField(
        label=_("消息类别"),
        choices=[(code, label) for code, (label, _prefixes) in services.CATEGORIES.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则发送全部类别。账户与安全类消息从不发到群里。"),
    )

    class Meta:
        model = Robot
        fields = [
            "name",
            "kind",
            "webhook_url",
            "department",
            "role",
            "categories",
            "message_format",
            "is_active",
        ]
        help_texts = {
            "department": _("该科室人员收到的通知发到这个群；与角色同时选择时，只发该科室该角色的通知。"),
            "message_format": _(
                "文本格式可以 @ 选择了“在群消息中 @ 我”的收件人（按手机号）；Markdown 不能 @ 人。"
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        department = cast(forms.ModelChoiceField, self.fields["department"])
        department.queryset = Department.objects.filter(is_active=True)
        department.empty_label = _("（任何科室）")
        self.initial["webhook_url"] = ""  # saved addresses are never sent back to the browser
        if self.instance.pk:
            self.fields["webhook_url"].help_text = _(
                "已保存：%(masked)s。留空则保持不变；粘贴新地址即更换。"
            ) % {"masked": self.instance.masked_url}
        else:
            self.fields["webhook_url"].required = True

    def clean_webhook_url(self):
        value = self.cleaned_data.get("webhook_url", "").strip()
        if value:
            value = webhook.validate_webhook_url(value)
        return value

    def clean(self):
        data = super().clean() or {}
        if not data.get("department") and not data.get("role"):
            raise ValidationError(_("请至少选择一个科室或一个角色。"))
        return data

    def _post_clean(self):
        # The model is validated by the service (which keeps the saved address when the field is empty).
        pass


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=_("邮件"), required=False, help_text=_("通知同时发送到我的邮箱。"))
    robot = forms.BooleanField(
        label=_("群机器人"),
        required=False,
        help_text=_("发给我的通知可以出现在我所在科室或角色的工作群中（由局信息化管理员配置）。"),
    )
    mention = forms.BooleanField(
        label=_("在群消息中 @ 我"),
        required=False,
        help_text=_("文本格式的群消息按我的手机号 @ 我（需要在账户中登记手机号）。"),
    )
