"""Weekly reports of the demo: the last two months of 2023 published on their Fridays, the current
contract's recent weeks published and this week's report drafted by the PM, waiting for its text."""

from __future__ import annotations

import datetime as dt

from common import clock
from contracts.calendar import get_calendar
from contracts.workdays import CalendarNotLoaded
from reports import services
from reports.selectors import week_of

WEEKS_2023 = 9
WEEKS_CURRENT = 2


def _texts(report) -> dict:
    r = report.figures.get("requests", {})
    kinds = "、".join(f"{k['label']} {k['resolved']} 件" for k in r.get("by_kind", []) if k.get("resolved"))
    problems = (
        f"仍有 {r.get('overdue', 0)} 件请求超过解决期限，需甲方科室配合提供资料。" if r.get("overdue") else ""
    )
    return {
        "summary": f"本周受理服务请求 {r.get('opened', 0)} 件，解决 {r.get('resolved', 0)} 件"
        + (f"（{kinds}）" if kinds else "")
        + "；驻场人员按时到岗，系统运行平稳。",
        "next_week_plan": "继续处理在办请求；配合市信息中心做好系统升级准备；完成本月数据核对。",
        "open_problems": problems,
    }


def _publish_weeks(ctx, contract, weeks: list[dt.date]) -> None:
    calendar = get_calendar(contract)
    for monday in weeks:
        try:
            last = calendar.last_workday_of_week(monday)
        except CalendarNotLoaded:
            continue
        if last is None:
            continue
        with clock.frozen_at(clock.aware(last, 15, 0)):
            report, _created = services.weekly_draft(contract=contract, day=monday, actor=None)
        with clock.frozen_at(clock.aware(last, 16, 10)):
            report = services.weekly_update(
                report=report, actor=ctx.users["pm"], version=report.version, **_texts(report)
            )
        with clock.frozen_at(clock.aware(last, 16, 30)):
            services.weekly_publish(report=report, actor=ctx.users["pm"])


def load_reports(ctx) -> None:
    end_2023 = week_of(ctx.contract_2023.end_on)
    _publish_weeks(
        ctx, ctx.contract_2023, [end_2023 - dt.timedelta(weeks=n) for n in range(WEEKS_2023, 0, -1)]
    )
    current = ctx.contract_current
    this_week = week_of(clock.today())
    if not current.start_on <= clock.today() <= current.end_on:
        return
    weeks = [this_week - dt.timedelta(weeks=n) for n in range(WEEKS_CURRENT, 0, -1)]
    _publish_weeks(ctx, current, [w for w in weeks if w >= week_of(current.start_on)])
    with clock.frozen_at(clock.now() - dt.timedelta(minutes=30)):
        services.weekly_draft(contract=current, day=clock.today(), actor=ctx.users["pm"])
