"""Forms parse and validate input; the rules themselves live in services (errors come back here)."""

import datetime as dt
from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import active_users
from common.errors import apply_service_error as apply_service_errors  # noqa: F401 (rosters views use it)
from common.forms import IdMultipleChoiceField
from tickets.models import Ticket
from tickets.selectors import worklog_ticket_choices

from .models import LeaveKind, Position, RosterEntry

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.role_label}）"


def vendor_users():
    return active_users(Role.ENGINEER, Role.PM).order_by("role", "username")


class RosterEntryForm(forms.Form):
    person = PersonChoiceField(label=_("人员"), queryset=vendor_users())
    position = forms.ChoiceField(label=_("岗位"), choices=Position.choices)
    phone = forms.CharField(
        label=_("驻场联系电话"), max_length=30, required=False, help_text=_("留空则使用账号中的电话。")
    )
    start_on = forms.DateField(label=_("驻场开始"), widget=DATE_INPUT)
    end_on = forms.DateField(label=_("驻场结束"), widget=DATE_INPUT)
    note = forms.CharField(
        label=_("备注"),
        max_length=200,
        required=False,
        help_text=_("驻场期包含已过去的日期时必须说明原因（会影响出勤统计）。"),
    )

    def __init__(self, *args, editing: RosterEntry | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing is not None:
            del self.fields["person"]
            del self.fields["position"]

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", _("驻场结束日期不能早于开始日期。"))
        return data


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=LeaveKind.choices)
    start_on = forms.DateField(label=_("开始日期"), widget=DATE_INPUT)
    end_on = forms.DateField(label=_("结束日期"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("事由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    substitute = PersonChoiceField(
        label=_("替岗人员"),
        queryset=vendor_users(),
        required=False,
        help_text=_("额外到场顶岗的乙方人员（不能是当期已在驻场名单上的人）。有替岗的请假计为出勤。"),
    )

    def __init__(self, *args, person: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if person is not None:
            cast(PersonChoiceField, self.fields["substitute"]).queryset = vendor_users().exclude(pk=person.pk)

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", _("结束日期不能早于开始日期。"))
        if start and end and (end - start).days > 366:
            self.add_error("end_on", _("一次请假不能超过一年。"))
        return data


class LeaveDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("批准")), ("reject", _("驳回"))])
    substitute = PersonChoiceField(label=_("替岗人员"), queryset=vendor_users(), required=False)
    note = forms.CharField(label=_("审批意见"), max_length=300, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("批准")), ("reject", _("驳回"))])
    note = forms.CharField(label=_("意见"), max_length=300, required=False)


class CorrectionForm(forms.Form):
    date = forms.DateField(label=_("考勤日期"), widget=DATE_INPUT)
    check_in = forms.TimeField(label=_("签到时间"), widget=TIME_INPUT)
    check_out = forms.TimeField(label=_("签退时间"), widget=TIME_INPUT, required=False)
    reason = forms.CharField(
        label=_("更正理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：忘记签到、外出处理问题未能签退。更正须经审批，并记入审计日志。"),
    )

    def clean(self):
        data = super().clean() or {}
        check_in, check_out = data.get("check_in"), data.get("check_out")
        if check_in and check_out and check_out < check_in:
            self.add_error("check_out", _("签退时间不能早于签到时间。"))
        return data


class WorkLogForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    hours = forms.DecimalField(
        label=_("工时（小时）"),
        min_value=Decimal("0.5"),
        max_value=Decimal("24"),
        decimal_places=1,
        max_digits=4,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    content = forms.CharField(
        label=_("工作内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": _("今天处理了哪些问题、做了哪些维护工作")}),
    )
    # Typed into, it hides the requests below that do not match (static/js/rosters.js); not saved.
    ticket_search = forms.CharField(
        label=_("查找请求"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "data-filter-target": "id_tickets", "autocomplete": "off"}
        ),
        help_text=_("输入编号或标题中的字，筛选下面的请求。"),
    )
    tickets = IdMultipleChoiceField(
        label=_("相关请求"),
        queryset=Ticket.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(),
        help_text=_("当日处理的服务请求：您在办的请求和 30 天内办结的请求。"),
    )
    references = forms.CharField(
        label=_("其他请求编号"),
        max_length=300,
        required=False,
        help_text=_("门户外的请求编号，多个用逗号分隔。"),
    )

    def __init__(self, *args, editing: bool = False, person=None, linked=(), **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["date"].disabled = True
        if person is not None:
            tickets = cast(IdMultipleChoiceField, self.fields["tickets"])
            tickets.queryset = worklog_ticket_choices(person, linked=linked)

    def clean(self):
        cleaned = super().clean() or {}
        cleaned.pop("ticket_search", None)  # only a filter on the page
        return cleaned


class EntryChoiceField(forms.ModelChoiceField):
    """A roster entry: the person, the position and the period."""

    def label_from_instance(self, obj) -> str:
        period = f"{obj.start_on:%Y-%m-%d} 至 {obj.end_on:%Y-%m-%d}"
        return f"{obj.person.display_name}（{obj.get_position_display()}，{period}）"


class EntryPersonChoiceField(forms.ModelChoiceField):
    """A roster entry: the person and the position."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.person.display_name}（{obj.get_position_display()}）"


class StaffChangeForm(forms.Form):
    leaving_entry = EntryChoiceField(label=_("离场人员"), queryset=RosterEntry.objects.none())
    incoming_person = PersonChoiceField(label=_("接替人员"), queryset=vendor_users())
    incoming_phone = forms.CharField(label=_("接替人员联系电话"), max_length=30, required=False)
    incoming_start_on = forms.DateField(
        label=_("接替人员到岗日期"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("可早于生效日期，便于交接；留空则与生效日期相同。"),
    )
    effective_on = forms.DateField(
        label=_("变动生效日期"),
        widget=DATE_INPUT,
        help_text=_("离场人员最后驻场日为生效日期前一天；须经甲方确认交接后方可离场。"),
    )
    reason = forms.CharField(label=_("变动理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, entries=None, proposal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if entries is not None:
            cast(EntryChoiceField, self.fields["leaving_entry"]).queryset = entries
        if proposal:
            del self.fields["leaving_entry"]
            self.fields["reason"].required = False
            self.fields["reason"].label = _("说明")


class DemandForm(forms.Form):
    leaving_entry = EntryPersonChoiceField(label=_("要求更换的人员"), queryset=RosterEntry.objects.none())
    reason = forms.CharField(label=_("更换理由"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, entries=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entries is not None:
            cast(EntryPersonChoiceField, self.fields["leaving_entry"]).queryset = entries


class HandoverItemForm(forms.Form):
    title = forms.CharField(label=_("交接事项"), max_length=200)


class ConfirmForm(forms.Form):
    note = forms.CharField(label=_("检查意见"), max_length=300, required=False)


class DutyRowForm(forms.Form):
    day = forms.TypedChoiceField(label=_("日期"), coerce=dt.date.fromisoformat, choices=())
    person = PersonChoiceField(label=_("值班人员"), queryset=vendor_users())
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    note = forms.CharField(label=_("备注"), max_length=100, required=False)

    def __init__(self, *args, days=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["day"]).choices = [
            ("", "—"),
            *((d.isoformat(), f"{d:%m月%d日}") for d in days),
        ]
        for name in ("day", "person"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        for name in ("phone", "note"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"


# Pass the holidays days with ``form_kwargs={"days": [...]}``.
DutyFormSet = forms.formset_factory(DutyRowForm, extra=2, can_delete=True)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("会议日期"), widget=DATE_INPUT)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    attendees = IdMultipleChoiceField(
        label=_("参会人员"),
        queryset=User.objects.filter(
            is_active=True, role__in=(Role.ENGINEER, Role.PM, Role.BUREAU_ADMIN, Role.DEPT_HEAD)
        ).order_by("role", "username"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(label=_("其他参会人员"), max_length=300, required=False)
    summary = forms.CharField(
        label=_("会议内容"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "本周工作总结、下周工作安排、存在的问题"}),
    )
    decisions = forms.CharField(
        label=_("议定事项"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActionItemForm(forms.Form):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(label=_("待办事项"), max_length=300, required=False)
    owner = PersonChoiceField(
        label=_("责任人"),
        queryset=User.objects.filter(
            is_active=True, role__in=(Role.ENGINEER, Role.PM, Role.BUREAU_ADMIN, Role.DEPT_HEAD, Role.STAFF)
        ).order_by("role", "username"),
        required=False,
    )
    due_on = forms.DateField(label=_("完成期限"), widget=DATE_INPUT, required=False)
    done = forms.BooleanField(label=_("已完成"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["owner"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["due_on"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["done"].widget.attrs["class"] = "form-check-input"


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=2, can_delete=True)


class KeyDayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("说明"), max_length=200, help_text=_("如：社保年度结算后第一个工作日"))
