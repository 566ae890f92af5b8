from typing import cast

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from accounts.roles import Role

STATUS_CHOICES = [("", _("全部")), ("active", _("启用")), ("inactive", _("停用"))]


def _password_help() -> str:
    return " ".join(str(text) for text in password_validators_help_texts())


password_help = lazy(_password_help, str)


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("角色"),
        required=False,
        choices=[("", _("全部")), ("none", _("未分配角色")), *Role.choices],
    )
    department = forms.ModelChoiceField(
        label=_("科室"), required=False, queryset=Department.objects.all(), empty_label=_("全部")
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=STATUS_CHOICES)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"].strip(),
            "role": data["role"],
            "department": data["department"],
            "status": data["status"],
        }


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "organisation", "department"]
        labels = {"email": _("电子邮箱")}
        help_texts = {"department": _("经办人员和科室负责人必须属于一个科室；乙方人员不属于科室。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        current = self.instance.department_id if self.instance else None
        department = cast(forms.ModelChoiceField, self.fields["department"])
        department.queryset = Department.objects.filter(Q(is_active=True) | Q(pk=current))


class AccountCreateForm(AccountForm):
    password1 = forms.CharField(
        label=_("初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_help(),
    )
    password2 = forms.CharField(
        label=_("再次输入初始密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("用户首次登录时须修改此密码。"),
    )

    class Meta(AccountForm.Meta):
        fields = ["username", *AccountForm.Meta.fields]
        help_texts = {
            **AccountForm.Meta.help_texts,
            "username": _("登录名，创建后不能修改；字母、数字和 @/./+/-/_。"),
        }

    def clean(self):
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif first:
            probe = User(
                username=data.get("username") or "",
                full_name=data.get("full_name") or "",
                email=data.get("email") or "",
            )
            try:
                validate_password(first, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ServiceValidatedPasswordMixin:
    """The password rules are checked once, by the service that sets the password (the history
    check hashes up to five old passwords: doing it twice would double a slow step); the service's
    error comes back on the second field."""

    def validate_password_for_user(self, user, password_field_name="password2"):  # noqa: S107
        return None


class PasswordResetForm(ServiceValidatedPasswordMixin, SetPasswordForm):
    """The system administrator's temporary password for another user."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("临时密码")
        self.fields["new_password2"].label = _("再次输入临时密码")
        self.fields["new_password2"].help_text = _("用户下次登录时须修改此密码；其所有已登录会话将立即失效。")


class OwnPasswordChangeForm(ServiceValidatedPasswordMixin, PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.pop("autofocus", None)


class RoleAssignForm(forms.Form):
    role = forms.ChoiceField(
        label=_("角色"),
        required=False,
        # The bureau's system account is not a role for a person (it is created by the token page).
        choices=[("", _("（无角色）")), *((v, label) for v, label in Role.choices if v != Role.SYSTEM)],
        help_text=_("系统管理员、安全管理员和审计员三员分立：同一账户只能担任其中一个，且不能互相转换。"),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6 位验证码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isascii() and token.isdigit() and len(token) == 6):
            raise ValidationError(_("请输入身份验证器上显示的 6 位数字。"))
        return token
