from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Department


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["code", "name", "order", "is_active"]
        help_texts = {"code": _("英文字母、数字、连字符，唯一。")}
