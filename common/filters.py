"""The audit log's search, shared by the auditor's list and its export (the same GET parameters drive both).

A field with an invalid value filters nothing and shows its error; the valid fields still apply.
"""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField as FilterModelChoiceField
from django_filters.fields import ModelChoiceIterator as FilterModelChoiceIterator

from .forms import OneReadChoiceIterator
from .models import AuditEntry


class _OneReadFilterIterator(FilterModelChoiceIterator, OneReadChoiceIterator):
    """django-filter's iterator (its "null" choice) over ``OneReadChoiceIterator``'s one query."""


class _OneReadFilterField(FilterModelChoiceField):
    iterator = _OneReadFilterIterator


class OneReadModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A model select among the filters whose choices are read in one query (``common.forms``)."""

    field_class = _OneReadFilterField


OUTCOMES = [("ok", _("成功")), ("failed", _("失败/被拒"))]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    """The form django-filter builds the fields onto: the period must not end before it starts."""

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data


class AuditFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"), max_length=100)
    action = django_filters.CharFilter(lookup_expr="startswith", label=_("动作前缀"), max_length=64)
    object_type = django_filters.CharFilter(label=_("对象类型"), max_length=64)
    outcome = django_filters.ChoiceFilter(
        choices=OUTCOMES, method="filter_outcome", label=_("结果"), empty_label=_("全部")
    )
    start = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("起始日期"), widget=DATE_INPUT
    )
    end = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("截止日期"), widget=DATE_INPUT
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []
        form = AuditFilterForm

    def __init__(self, data=None, queryset: QuerySet | None = None, **kwargs):
        if queryset is None:
            queryset = AuditEntry.objects.select_related("actor")
        super().__init__(data, queryset, **kwargs)

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(actor_name__icontains=value)
            | Q(object_repr__icontains=value)
            | Q(ip__icontains=value)
            | Q(action__icontains=value)
            | Q(object_id=value)
        )

    def filter_outcome(self, queryset, name, value):
        return queryset.filter(success=value == "ok")

    def described(self) -> dict:
        """The filters in use, for the export's audit entry."""
        data = getattr(self.form, "cleaned_data", {})
        return {key: str(value) for key, value in data.items() if value not in (None, "")}
