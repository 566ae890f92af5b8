from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from common import clock
from common.errors import apply_service_error  # noqa: F401 (kept here for callers)
from common.forms import IdMultipleChoiceField, MultipleFileField, OneReadModelChoiceField
from contracts.models import ServiceScope
from contracts.selectors import active_scopes

from .attachments import allowed_label, max_bytes
from .models import FILER_FIELDS, BatchStepKind, Kind, SignOffMethod, Ticket, UpgradeStage

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

# Fields that only some kinds have: the template shows them for their kind (static/js/tickets.js).
KIND_FIELDS = {
    "policy_document": [Kind.POLICY],
    "data_scope": [Kind.DATA],
    "batch_type": [Kind.BATCH],
    "affected_population": [Kind.BATCH],
    "init_type": [Kind.INIT],
    "upgrade_target": [Kind.UPGRADE],
}


def upload_help() -> str:
    return _("允许的类型：%(types)s；单个文件不超过 %(mb)s MB。") % {
        "types": allowed_label(),
        "mb": max_bytes() // 1048576,
    }


class TicketForm(forms.ModelForm):
    # The metaclass moves the field into base_fields, so ``self.files`` stays the uploaded files.
    files = MultipleFileField(label=_("附件"), required=False)  # type: ignore[assignment]

    class Meta:
        model = Ticket
        fields = FILER_FIELDS
        field_classes = {"scope": OneReadModelChoiceField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "data_scope": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": _("一句话说明要做什么，如“2023年退休人员养老金调整”"),
            "policy_document": _("如：常人社发〔2023〕12号"),
            "data_scope": _("涉及的人员、险种、期间、数据项"),
            "affected_population": _("如：全区企业退休人员约 3.2 万人"),
        }

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope = cast(forms.ModelChoiceField, self.fields["scope"])
        scope.queryset = active_scopes(contract) if contract else ServiceScope.objects.none()
        scope.empty_label = _("请选择系统")
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("请选择类型")), *list(Kind.choices)]
        self.fields["files"].help_text = upload_help()
        for name, kinds in KIND_FIELDS.items():
            self.fields[name].widget.attrs["data-kinds"] = " ".join(kinds)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )


class EngineerChoiceField(OneReadModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name}（{obj.role_label}）"


class AssignForm(forms.Form):
    assignee = EngineerChoiceField(label=_("处理人"), queryset=None, empty_label=_("请选择工程师"))

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(EngineerChoiceField, self.fields["assignee"]).queryset = users


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("处理结果"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("做了什么、结果如何；将写入服务内容确认表。"),
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("留言"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    internal = forms.BooleanField(label=_("内部留言（仅乙方可见）"), required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("文件"))
    internal = forms.BooleanField(label=_("仅乙方可见"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = upload_help()


class TimeForm(forms.Form):
    work_date = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    hours = forms.DecimalField(
        label=_("工时（小时）"),
        min_value=Decimal("0.1"),
        max_value=Decimal("24"),
        decimal_places=1,
        max_digits=3,
    )
    note = forms.CharField(label=_("工作内容"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_date"].initial = clock.today()

    @staticmethod
    def minutes_of(data: dict) -> int:
        return int((data["hours"] * 60).to_integral_value())

    @property
    def minutes(self) -> int:
        return self.minutes_of(self.cleaned_data)


class AuthorizationForm(forms.Form):
    scope = forms.CharField(
        label=_("授权范围"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("授权修改的数据：人员、险种、期间、字段"),
    )
    approval_file = forms.FileField(label=_("审批单扫描件（可选）"), required=False)


class BatchStepForm(forms.Form):
    step = forms.ChoiceField(label=_("步骤"), choices=BatchStepKind.choices)
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    evidence = forms.FileField(label=_("证明材料"), required=False)


class UpgradeStepForm(forms.Form):
    stage = forms.ChoiceField(choices=UpgradeStage.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    document = forms.FileField(label=_("文档"), required=False)
    window_start = forms.DateTimeField(label=_("升级开始时间"), required=False, widget=DATETIME_INPUT)


class SignForm(forms.Form):
    method = forms.ChoiceField(
        label=_("签署方式"),
        choices=SignOffMethod.choices,
        initial=SignOffMethod.PORTAL,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("签署意见"), max_length=200, required=False)
    scan = forms.FileField(label=_("签字扫描件（PDF/JPG/PNG）"), required=False)


class BatchSignoffForm(forms.Form):
    tickets = IdMultipleChoiceField(queryset=None, label=_("请求"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(IdMultipleChoiceField, self.fields["tickets"]).queryset = queryset
