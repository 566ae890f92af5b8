from __future__ import annotations

import csv
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Contract, Priority, ServiceScope, SlaTarget, TierBand
from .notice import NoticeError, parse_notice
from .workdays import WorkingHours

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

CONTRACT_SECTIONS = [
    (
        _("基本信息"),
        [
            "number",
            "name",
            "signed_on",
            "start_on",
            "end_on",
            "location",
            "total_amount",
            "confidentiality_years",
        ],
    ),
    (
        _("甲方"),
        [
            "client_name",
            "client_address",
            "client_legal_rep",
            "client_contact",
            "client_phone",
            "client_fax",
            "client_email",
            "client_bank",
            "client_account",
        ],
    ),
    (
        _("乙方"),
        [
            "vendor_name",
            "vendor_address",
            "vendor_legal_rep",
            "vendor_contact",
            "vendor_phone",
            "vendor_fax",
            "vendor_email",
            "vendor_bank",
            "vendor_account_name",
            "vendor_account",
        ],
    ),
    (
        _("付款条款"),
        [
            "advance_ratio",
            "advance_due_workdays",
            "final_due_workdays",
            "late_fee_per_mille",
            "late_fee_period_days",
            "termination_months",
            "termination_penalty_ratio",
            "payment_reminder_workdays",
        ],
    ),
    (
        _("考核权重（合计 100 分）"),
        [
            "weight_data_maintenance",
            "weight_responsiveness",
            "weight_completion",
            "weight_satisfaction",
            "weight_attendance",
        ],
    ),
    (_("满意度调查"), ["survey_period", "survey_answer_workdays"]),
    (
        _("工作时间与升级窗口"),
        [
            "work_morning_start",
            "work_morning_end",
            "work_afternoon_start",
            "work_afternoon_end",
            "upgrade_central_from",
            "upgrade_hospital_from",
            "upgrade_window_until",
            "upgrade_resolve_workdays",
        ],
    ),
    (
        _("驻场与签署要求"),
        [
            "min_engineers_on_site",
            "pm_min_on_site_months",
            "staff_change_notice_months",
            "duty_list_lead_workdays",
            "signoff_due_workdays",
            "sla_warning_percent",
        ],
    ),
    (
        _("支持、变更、保密与终止"),
        [
            "remote_support_response_hours",
            "onsite_support_response_hours",
            "required_by_remind_workdays",
            "change_answer_days",
            "breach_penalty_ratio",
            "termination_notice_days",
            "early_termination_penalty_ratio",
            "termination_remind_workdays",
        ],
    ),
]


TIME_FIELDS = [
    "work_morning_start",
    "work_morning_end",
    "work_afternoon_start",
    "work_afternoon_end",
    "upgrade_central_from",
    "upgrade_hospital_from",
    "upgrade_window_until",
]


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = [name for _title, names in CONTRACT_SECTIONS for name in names]
        widgets = {
            "signed_on": DATE_INPUT,
            "start_on": DATE_INPUT,
            "end_on": DATE_INPUT,
            **dict.fromkeys(TIME_FIELDS, TIME_INPUT),
        }

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in CONTRACT_SECTIONS]


class TierFormSetBase(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        tiers = []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            score, ratio = form.cleaned_data.get("min_score"), form.cleaned_data.get("pay_ratio")
            if score is None or ratio is None:
                continue
            tiers.append(rules.Tier(Decimal(score), Decimal(ratio)))
        errors = rules.tier_table_errors(tiers)
        if errors:
            raise ValidationError(errors)


TierFormSet: type[BaseInlineFormSet[TierBand, Contract, forms.ModelForm[TierBand]]] = inlineformset_factory(
    Contract, TierBand, formset=TierFormSetBase, fields=["min_score", "pay_ratio"], extra=1, can_delete=True
)


class SlaFormSetBase(BaseInlineFormSet):
    def __init__(self, *args, working_hours: WorkingHours | None = None, **kwargs):
        self.working_hours = working_hours or WorkingHours()
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        minutes_per_day = self.working_hours.minutes_per_day
        seen = set()
        for form in self.forms:
            data = form.cleaned_data
            if not data:
                continue
            seen.add(data["priority"])
            respond = rules.sla_minutes(data["respond_amount"], data["respond_unit"], minutes_per_day)
            resolve = rules.sla_minutes(data["resolve_amount"], data["resolve_unit"], minutes_per_day)
            if respond > resolve:
                form.add_error("respond_amount", _("响应时限不能长于解决时限。"))
        missing = set(Priority.values) - seen
        if missing:
            raise ValidationError(_("每个优先级都需要服务时限。"))


SlaFormSet: type[BaseInlineFormSet[SlaTarget, Contract, forms.ModelForm[SlaTarget]]] = inlineformset_factory(
    Contract,
    SlaTarget,
    formset=SlaFormSetBase,
    fields=["priority", "respond_amount", "respond_unit", "resolve_amount", "resolve_unit"],
    extra=0,
    can_delete=False,
    min_num=4,
    max_num=4,
    validate_min=True,
    validate_max=True,
)

ScopeFormSet: type[BaseInlineFormSet[ServiceScope, Contract, forms.ModelForm[ServiceScope]]] = (
    inlineformset_factory(
        Contract, ServiceScope, fields=["order", "name", "is_active"], extra=1, can_delete=False
    )
)


class ContractCopyForm(forms.Form):
    number = forms.CharField(label=_("新合同编号"), max_length=50)
    name = forms.CharField(label=_("项目名称"), max_length=200)
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE_INPUT)
    start_on = forms.DateField(label=_("服务开始日期"), widget=DATE_INPUT)
    end_on = forms.DateField(label=_("服务结束日期"), widget=DATE_INPUT)

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if Contract.objects.filter(number=number).exists():
            raise ValidationError(_("合同编号 %(number)s 已存在。"), params={"number": number})
        return number

    def clean(self):
        data = super().clean() or {}
        start, end, signed = data.get("start_on"), data.get("end_on"), data.get("signed_on")
        if start and end and start >= end:
            self.add_error("end_on", _("服务结束日期必须晚于开始日期。"))
        if signed and end and signed > end:
            self.add_error("signed_on", _("签订日期不能晚于服务结束日期。"))
        return data


class CalendarLoadForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    source = forms.CharField(
        label=_("依据"), max_length=200, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知")
    )
    notice = forms.CharField(
        label=_("放假与调休安排"),
        required=False,
        # A year's notice is a few dozen lines; 200,000 characters broke the CSV reader (issue 13 item 7).
        max_length=20000,
        error_messages={
            "max_length": _("放假安排太长（最多 %(limit_value)d 个字符，现有 %(show_value)d 个）。")
        },
        widget=forms.Textarea(
            attrs={
                "rows": 12,
                "class": "font-monospace",
                "placeholder": "2027-01-01~2027-01-03,休,元旦\n2027-02-06,班,春节",
            }
        ),
        help_text=_("每行一个日期或日期范围：日期,类型(休/班),名称。也可以上传同样格式的 CSV 文件。"),
    )
    csv_file = forms.FileField(label=_("或上传 CSV 文件"), required=False)

    def clean_csv_file(self):
        upload = self.cleaned_data.get("csv_file")
        if not upload:
            return None
        if upload.size > 64 * 1024:
            raise ValidationError(_("文件过大：放假安排的 CSV 不应超过 64 KB。"))
        raw = upload.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError(_("无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV。"))

    def clean(self):
        data = super().clean() or {}
        text = data.get("csv_file") or data.get("notice") or ""
        year = data.get("year")
        if not text.strip():
            raise ValidationError(_("请填写放假安排或上传 CSV 文件。"))
        if year:
            try:
                data["days"] = parse_notice(text, year)
            except NoticeError as exc:
                raise ValidationError(exc.errors) from exc
            except csv.Error as exc:  # a line the CSV reader cannot take (too long a field, NUL …)
                raise ValidationError(_("放假安排的格式无法识别：%(e)s") % {"e": exc}) from exc
        return data
