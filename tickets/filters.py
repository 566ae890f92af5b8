"""The filters of the request list (and its Excel export): the same GET parameters drive both."""

import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from common import clock
from common.filters import OneReadModelChoiceFilter
from contracts.models import Priority, ServiceScope

from .models import ACTIVE_STATUSES, DONE_STATUSES, OPEN_STATUSES, Kind, SignOff, SignOffStatus, Status

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = re.compile(r"^\s*FW\d{4}-0*(\d+)\s*$", re.I)

STATE_GROUPS = [
    ("active", _("未完成")),
    ("done", _("已解决/已签署/已关闭")),
]


class TicketFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("状态"), empty_label=_("全部状态"))
    state = django_filters.ChoiceFilter(
        choices=STATE_GROUPS, method="state_group", label=_("进度"), empty_label=_("全部")
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("类型"), empty_label=_("全部类型"))
    scope = OneReadModelChoiceFilter(
        queryset=ServiceScope.objects.none(), label=_("系统"), empty_label=_("全部系统")
    )
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("优先级"), empty_label=_("全部"))
    department = OneReadModelChoiceFilter(
        queryset=Department.objects.filter(is_active=True), label=_("科室"), empty_label=_("全部科室")
    )
    created_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("提交日期从"), widget=DATE
    )
    created_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("至"), widget=DATE
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("late", _("已超期")), ("soon", _("即将超期")), ("pending", _("期限待定"))],
        method="due_state",
        label=_("期限"),
        empty_label=_("全部"),
    )
    view = django_filters.ChoiceFilter(
        choices=[
            ("mine", _("我提交的")),
            ("assigned", _("分派给我的")),
            ("pool", _("待领取")),
            ("unassigned", _("待分派")),
        ],
        method="view_filter",
        label=_("视图"),
        empty_label=_("全部"),
    )
    # The rows ticked on the list (bulk export): ``ids=1,2,3`` (not shown on the list's form).
    ids = django_filters.BaseInFilter(field_name="pk", lookup_expr="in", label=_("选中的请求"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("created_at", "created"),
            ("resolve_due_at", "due"),
            ("priority", "priority"),
            ("status", "status"),
            ("department__order", "department"),
            ("resolved_at", "resolved"),
        ),
        field_labels={
            "created": _("提交时间"),
            "due": _("解决期限"),
            "priority": _("优先级"),
            "status": _("状态"),
            "department": _("科室"),
            "resolved": _("解决时间"),
            # given here, or django-filter formats "%s (descending)" once, in the language at import
            "-created": _("提交时间（倒序）"),
            "-due": _("解决期限（倒序）"),
            "-priority": _("优先级（倒序）"),
            "-status": _("状态（倒序）"),
            "-department": _("科室（倒序）"),
            "-resolved": _("解决时间（倒序）"),
        },
        label=_("排序"),
        empty_label=_("默认（最新在前）"),
    )

    class Meta:
        fields: list[str] = []

    def __init__(self, *args, user=None, contract=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if contract is not None:
            self.filters["scope"].queryset = ServiceScope.objects.filter(contract=contract).order_by("order")
        if user is not None and user.role in {"staff", "dept_head"}:
            del self.filters["department"]

    def search(self, queryset, name, value):
        """Number, title, description, resolution, comments and attachment names (``tickets.search``)."""
        from .search import matching

        return matching(queryset, self.user, value)

    def state_group(self, queryset, name, value):
        if value == "active":
            return queryset.filter(status__in=ACTIVE_STATUSES)
        if value == "done":
            return queryset.filter(status__in=DONE_STATUSES)
        return queryset

    def due_state(self, queryset, name, value):
        now = clock.now()
        if value == "late":
            return queryset.overdue(now)
        if value == "soon":
            return queryset.due_soon(now)
        if value == "pending":
            return queryset.filter(due_pending_year__isnull=False)
        return queryset

    def view_filter(self, queryset, name, value):
        user = self.user
        if user is None:
            return queryset
        if value == "mine":
            return queryset.filter(requester=user)
        if value == "assigned":
            return queryset.filter(assignee=user)
        if value == "pool":
            return queryset.filter(status=Status.CONFIRMED, assignee__isnull=True)
        if value == "unassigned":
            return queryset.filter(status=Status.CONFIRMED, assignee__isnull=True)
        return queryset

    def describe(self) -> dict:
        """The filters in force, for the export's audit entry."""
        data = getattr(self.form, "cleaned_data", {}) or {}
        return {k: str(v) for k, v in data.items() if v not in (None, "", [], ())}


__all__ = ["OPEN_STATUSES", "TicketFilter"]


class SignOffFilter(django_filters.FilterSet):
    """The sign-off list's filters: ``status`` (pending when none is asked for; a word that is not a status
    shows every status) and ``late=1`` (pending forms past their due date)."""

    status = django_filters.CharFilter(method="filter_status")
    late = django_filters.CharFilter(method="filter_late")

    class Meta:
        model = SignOff
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and not data.get("status"):
            data["status"] = SignOffStatus.PENDING
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        return queryset.filter(status=value) if value in SignOffStatus.values else queryset

    def filter_late(self, queryset, name, value):
        if value != "1":
            return queryset
        return queryset.filter(status=SignOffStatus.PENDING, due_on__lt=clock.today())
