"""The audit log's search form, shared by the auditor's list and its export; a field for several files."""

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

OUTCOME_CHOICES = [("", _("全部")), ("ok", _("成功")), ("failed", _("失败/被拒"))]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    action = forms.CharField(label=_("动作前缀"), required=False, max_length=64)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=64)
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=OUTCOME_CHOICES)
    start = forms.DateField(label=_("起始日期"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("截止日期"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data

    def filter(self, entries: QuerySet | None = None) -> QuerySet:
        """The entries matching the valid fields (an invalid field filters nothing, it shows its error)."""
        entries = entries if entries is not None else AuditEntry.objects.select_related("actor")
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        q = (data.get("q") or "").strip()
        if q:
            entries = entries.filter(
                Q(actor_name__icontains=q)
                | Q(object_repr__icontains=q)
                | Q(ip__icontains=q)
                | Q(action__icontains=q)
                | Q(object_id=q)
            )
        if data.get("action"):
            entries = entries.filter(action__startswith=data["action"].strip())
        if data.get("object_type"):
            entries = entries.filter(object_type=data["object_type"].strip())
        if data.get("outcome") in {"ok", "failed"}:
            entries = entries.filter(success=data["outcome"] == "ok")
        if data.get("start"):
            entries = entries.filter(created_at__date__gte=data["start"])
        if data.get("end"):
            entries = entries.filter(created_at__date__lte=data["end"])
        return entries

    def described(self) -> dict:
        """The filters in use, for the export's audit entry."""
        data = getattr(self, "cleaned_data", {})
        return {key: str(value) for key, value in data.items() if value not in (None, "")}


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, with ids out of the BIGINT range refused as invalid choices before any query
    (SQLite raised OverflowError for ``tickets=99999999999999999999999``; issue 13 item 7)."""

    def _check_values(self, value):
        from .params import MAX_ID

        for pk in value or ():
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and not (-MAX_ID - 1 <= int(text) <= MAX_ID):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": text[:30]}
                )
        return super()._check_values(value)  # type: ignore[misc]  # private in django-stubs


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (``<input type=file multiple>``): cleans to a list, empty if none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []
