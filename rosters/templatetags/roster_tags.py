"""Template helpers of the rosters pages: the tab bar and attendance-rate formatting."""

import datetime as dt

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common import clock
from common.figures import percent_text

register = template.Library()

# (url name, label, permission, url names that light the tab up)
TABS = [
    (
        "rosters:roster",
        _("驻场名单"),
        "rosters.view_rosterentry",
        {"rosters:roster", "rosters:roster_add", "rosters:roster_edit"},
    ),
    ("rosters:staffing", _("人员配备"), "rosters.view_team_attendance", {"rosters:staffing"}),
    ("rosters:attendance_month", _("考勤月表"), "rosters.view_team_attendance", {"rosters:attendance_month"}),
    ("rosters:attendance_rates", _("出勤率"), "rosters.view_team_attendance", {"rosters:attendance_rates"}),
    ("rosters:my_attendance", _("我的考勤"), "rosters.check_in", {"rosters:my_attendance"}),
    (
        "rosters:leave_list",
        _("请假"),
        "rosters.view_leaverequest",
        {"rosters:leave_list", "rosters:leave_create", "rosters:leave_detail"},
    ),
    (
        "rosters:correction_list",
        _("考勤更正"),
        "rosters.view_attendancecorrection",
        {"rosters:correction_list", "rosters:correction_create"},
    ),
    (
        "rosters:worklog_list",
        _("工作日志"),
        "rosters.view_worklog",
        {"rosters:worklog_list", "rosters:worklog_create", "rosters:worklog_edit"},
    ),
    (
        "rosters:change_list",
        _("人员变动"),
        "rosters.view_staffchange",
        {
            "rosters:change_list",
            "rosters:change_create",
            "rosters:change_demand",
            "rosters:change_detail",
            "rosters:change_propose",
        },
    ),
    (
        "rosters:duty_list",
        _("节假日值班"),
        "rosters.view_dutylist",
        {"rosters:duty_list", "rosters:duty_detail", "rosters:duty_edit"},
    ),
    (
        "rosters:meeting_list",
        _("质量例会"),
        "rosters.view_weeklymeeting",
        {"rosters:meeting_list", "rosters:meeting_create", "rosters:meeting_detail", "rosters:meeting_edit"},
    ),
    ("rosters:key_days", _("关键日"), "rosters.view_keyday", {"rosters:key_days"}),
]


@register.inclusion_tag("rosters/_tabs.html", takes_context=True)
def roster_tabs(context):
    request = context["request"]
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    user = request.user
    if user.has_perm("rosters.view_team_attendance"):
        hidden = {"rosters:my_attendance"} if not user.has_perm("rosters.check_in") else set()
    else:
        hidden = set()
    tabs = [
        {"url_name": name, "label": label, "active": current in names}
        for name, label, perm, names in TABS
        if user.has_perm(perm) and name not in hidden
    ]
    return {"tabs": tabs}


@register.filter
def rate_percent(rate):
    """``98.5%`` or ``—`` when nothing was scheduled: one decimal, as every page shows a rate
    (``common.figures``)."""
    if not getattr(rate, "scheduled", 0):
        return "—"
    return percent_text(rate.attended, rate.scheduled)


@register.filter
def rate_fraction(rate):
    if not hasattr(rate, "scheduled"):
        return ""
    return f"{rate.attended}/{rate.scheduled}"


@register.filter
def hm(moment):
    """A datetime as Shanghai HH:MM."""
    if not isinstance(moment, dt.datetime):
        return ""
    return f"{clock.local(moment):%H:%M}"


WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _chinese() -> bool:
    return (get_language() or "zh").startswith("zh")


@register.filter
def weekday_cn(day):
    """The weekday in a grid's narrow column: 三 on the Chinese page, We on the English."""
    if not day:
        return ""
    return "一二三四五六日"[day.weekday()] if _chinese() else WEEKDAYS_EN[day.weekday()][:2]


@register.filter
def weekday(day):
    """The weekday after a date: 周三 on the Chinese page, Wed on the English (issue 16)."""
    if not day:
        return ""
    return "周" + "一二三四五六日"[day.weekday()] if _chinese() else WEEKDAYS_EN[day.weekday()]


@register.filter
def lookup(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None
