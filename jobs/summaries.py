"""A job run's one-line summary in the page's language. The jobs store their summary as plain text
("3 reminders, 1 pending a calendar year"), written when they ran, in no particular language; the
page translates each known piece when it shows one, so the Chinese page reads Chinese and the
English page English (issue 16). An unknown piece is shown as stored."""

from __future__ import annotations

import re

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# (the stored piece, its translation); named groups fill the translation's placeholders.
PIECES = [
    (r"(?P<n>\d+) reminders", _("提醒 %(n)s 条")),
    (r"(?P<n>\d+) changes deemed accepted", _("%(n)s 项变更视为同意")),
    (r"(?P<n>\d+) support deadlines computed", _("算出支持响应期限 %(n)s 个")),
    (r"(?P<n>\d+) deadlines computed", _("算出期限 %(n)s 个")),
    (r"(?P<n>\d+) due dates pending a calendar year", _("%(n)s 个付款期限等待工作日历")),
    (r"(?P<n>\d+) pending a calendar year", _("%(n)s 个等待工作日历")),
    (r"not December", _("不是 12 月，无需检查")),
    (r"calendar complete", _("工作日历已齐全")),
    (r"(?P<year>\d{4}) missing", _("%(year)s 年工作日历未加载")),
    (r"reminder sent", _("已发送提醒")),
    (r"reminder already sent this week", _("本周已提醒过")),
    (r"broken: (?P<problem>.+)", _("审计日志校验未通过：%(problem)s")),
    (r"checkpoint #(?P<seq>\d+) signed", _("检查点 #%(seq)s 已签名")),
    (r"(?P<n>\d+) entries verified", _("校验 %(n)s 条")),
    (r"sent to (?P<n>\d+) auditors", _("已发给 %(n)s 位审计员")),
    (r"not a working day", _("今天不是工作日")),
    (r"pending: (?P<year>\d{4}) 年工作日历尚未加载", _("待定：%(year)s 年工作日历尚未加载")),
    (r"(?P<n>\d+) missing undertakings reminded", _("提醒未签保密承诺 %(n)s 人")),
    (r"(?P<n>\d+) staff-change reminders", _("人员变动提醒 %(n)s 条")),
    (r"(?P<n>\d+) duty-list reminders", _("值班表提醒 %(n)s 条")),
    (r"(?P<n>\d+) surveys sent", _("发出满意度调查 %(n)s 份")),
    (r"(?P<n>\d+) heads reminded", _("提醒科室负责人 %(n)s 人")),
    (r"(?P<n>\d+) overdue notices", _("逾期通知 %(n)s 条")),
    (r"calendar pending for \[(?P<years>[\d, ]*)\]", _("待工作日历：%(years)s 年")),
    (r"(?P<n>\d+) payment reminders", _("付款提醒 %(n)s 条")),
    (r"(?P<n>\d+) drafted", _("起草周报 %(n)s 份")),
    (r"(?P<n>\d+) required-by reminders", _("要求完成日提醒 %(n)s 条")),
    (r"(?P<n>\d+) late sign-off forms reminded", _("提醒逾期未签的确认表 %(n)s 张")),
    (r"(?P<n>\d+) recurring requests filed", _("提交例行请求 %(n)s 个")),
    (r"(?P<n>\d+) waiting for a calendar", _("%(n)s 个等待工作日历")),
    (r"(?P<n>\d+) refused", _("%(n)s 个被拒绝")),
    # channels.robot_deliveries writes its summary through gettext, in the worker's language
    (
        r"本次发送 (?P<sent>\d+) 条；等待重试 (?P<waiting>\d+) 条；发送失败待处理 (?P<failed>\d+) 条",
        _("本次发送 %(sent)s 条；等待重试 %(waiting)s 条；发送失败待处理 %(failed)s 条"),
    ),
]
_COMPILED = [(re.compile(pattern), text) for pattern, text in PIECES]
_SEPARATOR = re.compile(r"(, |; )")


def _piece(text: str) -> str:
    for pattern, translation in _COMPILED:
        match = pattern.fullmatch(text)
        if match:
            return str(translation) % match.groupdict()
    return text


def summary_text(summary: str) -> str:
    """``summary`` with every known piece in the active language."""
    if not summary:
        return ""
    chinese = (get_language() or "").startswith("zh")
    out = []
    for part in _SEPARATOR.split(summary):
        if part in (", ", "; "):
            out.append(("，" if part == ", " else "；") if chinese else part)
        else:
            out.append(_piece(part))
    return "".join(out)
