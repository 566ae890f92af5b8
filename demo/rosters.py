"""On-site staff of the demo: the 2023 roster with a mid-year staff change, a year of attendance with
realistic leave, work logs, holiday duty lists and weekly meetings; and the 2026 contract up to today.

What people decided (roster, leave, corrections, the staff change, duty lists, meetings, key days) goes
through the services under the clock of the day it happened, so it carries its audit trail. The daily
check-in rows and work logs are bulk-inserted (a year of them through the services would make every
demo load slow); each bulk load writes one audit entry saying so.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from common import clock
from common.audit import log_action
from common.models import Notification
from contracts.calendar import get_calendar
from rosters import services, versions
from rosters.models import (
    Attendance,
    AttendanceSource,
    KeyDaySource,
    LeaveKind,
    LeaveRequest,
    Position,
    RequestStatus,
    RosterEntry,
    WorkLog,
)
from rosters.selectors import contract_holidays

ONE_DAY = dt.timedelta(days=1)

TASKS = [
    ("处理养老保险科提出的待遇核定计算问题，核对参保人缴费年限并修正计算参数", "JT-{y}-{n:04d}"),
    ("为就业管理中心导出失业保险金发放月报表，核对人数与金额", "JT-{y}-{n:04d}"),
    ("城乡居民社会保险系统参保登记界面报错排查，定位为数据字典缺项并补录", "JT-{y}-{n:04d}"),
    ("协助业务档案室完成档案一体化系统批量扫描件挂接", "JT-{y}-{n:04d}"),
    ("退休人员管理系统认证数据同步异常处理，重跑同步任务并核对结果", "JT-{y}-{n:04d}"),
    ("按授权对 3 名参保人的重复缴费记录进行数据维护，维护前已备份", "JT-{y}-{n:04d}"),
    ("公共服务平台社保卡信息查询接口超时排查，与市信息中心联调", "JT-{y}-{n:04d}"),
    ("月度初始化：核对上月结算数据，执行本月初始化并出具核对报告", ""),
    ("工伤保险科待遇支付统计特殊查询，编写 SQL 出具明细表", "JT-{y}-{n:04d}"),
    ("日常巡检：检查各业务子系统日志、批处理作业和数据库空间", ""),
    ("政策差异化功能：按新文件调整医疗保险缴费基数上下限参数，测试后上线", "JT-{y}-{n:04d}"),
    ("整理本周服务请求处理情况，准备软件服务质量评估例会周报", ""),
]
DECISIONS = [
    "下周一前完成养老待遇核定问题的回归测试，并请养老保险科确认。",
    "数据维护须先取得科室负责人书面授权，授权单随请求一并归档。",
    "批量调资前完成全量备份与测试库演练，形成应急恢复方案。",
    "节假日值班安排按时报送，值班人员保持电话畅通。",
    "升级需求文档经业务科室确认后统一报送市信息中心。",
]
PROBLEMS = ["市信息中心接口联调进度待确认", "个别科室授权单未及时提交", "无"]
ACTIONS = [
    "补充失业金发放报表的口径说明",
    "跟进市信息中心接口联调结果",
    "整理数据维护授权单并归档",
    "完成批量处理应急恢复演练记录",
    "更新驻场人员联系方式表",
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return clock.aware(day, hour, minute)


def _workday_on_or_before(calendar, day: dt.date) -> dt.date:
    return day if calendar.is_workday(day) else calendar.workday_before(day)


# --- helpers that replay what people did ------------------------------------------------------


def _leave(
    person, start, end, kind, reason, *, approver, substitute=None, requested=None, decide=True, note=""
):
    requested = requested or _at(start - dt.timedelta(days=3), 9, 10)
    with clock.frozen_at(requested):
        leave = services.leave_request(
            person=person, kind=kind, start_on=start, end_on=end, reason=reason, substitute=substitute
        )
    if decide is None:
        return leave
    with clock.frozen_at(requested + dt.timedelta(hours=2)):
        return services.leave_decide(leave=leave, approver=approver, approve=decide, note=note)


def _bulk_attendance(
    contract, calendar, until: dt.date, rng: random.Random, *, skip=(), no_checkout=(), duty=()
):
    """Check-in rows for every scheduled working day up to ``until`` that is not leave or a listed
    absence, plus the holiday duty days; returns them (already saved)."""
    skip, no_checkout = set(skip), set(no_checkout)
    entries = list(RosterEntry.objects.filter(contract=contract))
    leave_days = set()
    for leave in LeaveRequest.objects.filter(contract=contract, status=RequestStatus.APPROVED):
        day = leave.start_on
        while day <= leave.end_on:
            leave_days.add((leave.person_id, day))
            day += ONE_DAY
    existing = set(Attendance.objects.filter(contract=contract).values_list("person_id", "date"))
    rows = {}
    for entry in entries:
        last = min(entry.end_on, until)
        for day in calendar.workdays_between(entry.start_on, last) if entry.start_on <= last else []:
            key = (entry.person_id, day)
            if key in leave_days or key in skip or key in existing:
                continue
            rows[key] = _row(contract, entry.person_id, day, rng, checkout=key not in no_checkout)
    for person_id, day in duty:
        key = (person_id, day)
        if (
            day <= until
            and key not in existing
            and any(e.person_id == person_id and e.covers(day) for e in entries)
        ):
            rows[key] = _row(contract, person_id, day, rng, checkout=True, hours=(9, 16))
    Attendance.objects.bulk_create(rows.values(), batch_size=500)
    versions.bump_people({pid for pid, _day in rows}, [contract.pk])  # bulk_create sends no signal
    return list(rows.values())


def _row(contract, person_id, day, rng, *, checkout=True, hours=(8, 17)):
    check_in = _at(day, hours[0], rng.randint(2, 29))
    check_out = _at(day, hours[1], rng.randint(30, 59)) + dt.timedelta(minutes=rng.choice([0, 0, 0, 10, 25]))
    return Attendance(
        contract=contract,
        person_id=person_id,
        date=day,
        check_in_at=check_in,
        check_out_at=check_out if checkout else None,
        source=AttendanceSource.SELF,
    )


def _bulk_logs(contract, records, rng: random.Random, *, skip=()):
    skip = set(skip)
    logs = []
    for record in sorted(records, key=lambda r: (r.date, r.person_id)):
        if (record.person_id, record.date) in skip:
            continue
        (text, _ref), (second, _ref2) = rng.sample(TASKS, 2)
        written = record.check_out_at or _at(record.date, 17, 40)
        logs.append(
            WorkLog(
                contract=contract,
                person_id=record.person_id,
                date=record.date,
                hours=Decimal(rng.choice(["7.5", "8.0", "8.0", "8.0", "8.5", "9.0"])),
                content=f"1. {text}；\n2. {second}。",
                created_at=written,
                updated_at=written,
            )
        )
    WorkLog.objects.bulk_create(logs, batch_size=500)
    _link_tickets(logs)
    return logs


def _link_tickets(logs, per_log: int = 4) -> None:
    """Each log names the requests its author was working on that day (started, not yet resolved)."""
    from tickets.models import Ticket

    spans = defaultdict(list)
    people = {log.person_id for log in logs}
    worked = Ticket.objects.filter(assignee_id__in=people, started_at__isnull=False).only(
        "id", "assignee_id", "started_at", "resolved_at"
    )
    for ticket in worked:
        start = clock.local(ticket.started_at).date()
        end = clock.local(ticket.resolved_at).date() if ticket.resolved_at else dt.date.max
        spans[ticket.assignee_id].append((start, end, ticket.pk))
    through = WorkLog.tickets.through
    rows = []
    for log in logs:
        hits = [pk for start, end, pk in spans[log.person_id] if start <= log.date <= end]
        rows.extend(through(worklog_id=log.pk, ticket_id=pk) for pk in hits[-per_log:])
    through.objects.bulk_create(rows, batch_size=1000)


def _audit_bulk(contract, actor, attendance: int, logs: int, until: dt.date) -> None:
    log_action(
        "demo.bulk_load",
        actor=actor,
        obj=contract,
        changes={
            "attendance_rows": attendance,
            "work_logs": logs,
            "until": until,
            "note": "演示数据：每日签到记录与工作日志批量导入，未逐条经过签到服务",
        },
    )


def _duty_lists(contract, calendar, ctx, *, until: dt.date, late: set[str], rng: random.Random):
    """A duty list for each holiday of the contract that started before ``until``; returns duty days."""
    pm = ctx.users["pm"]
    periods, _pending = contract_holidays(contract, calendar)
    duty_days = []
    for period in periods:
        if period.start > until:
            continue
        prepare = _workday_on_or_before(calendar, period.start - dt.timedelta(days=3))
        on_roster = [
            e
            for e in RosterEntry.objects.filter(contract=contract).select_related("person")
            if e.covers(period.start)
        ]
        people = [e.person for e in on_roster if e.position == Position.ENGINEER] or [ctx.users["eng1"]]
        with clock.frozen_at(_at(prepare, 15, 20)):
            duty = services.duty_list_start(contract=contract, holiday=period, actor=pm)
            rows = []
            day = period.start
            index = rng.randrange(len(people))
            while day <= period.end:
                person = people[index % len(people)]
                rows.append(services.DutyRow(day, person, person.phone))
                duty_days.append((person.pk, day))
                index += 1
                day += ONE_DAY
            services.duty_list_save(
                duty_list=duty, rows=rows, actor=pm, note="值班时间 9:00–16:00，其余时间电话值守"
            )
        submitted = _at(period.start, 9, 40) if period.name in late else _at(prepare, 16, 45)
        with clock.frozen_at(submitted):
            services.duty_list_submit(duty_list=duty, actor=pm, calendar=calendar)
    return duty_days


def _meetings(contract, calendar, ctx, *, start: dt.date, until: dt.date, rng: random.Random) -> None:
    pm, bureau = ctx.users["pm"], ctx.users["bureau"]
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= until:
        held = calendar.last_workday_of_week(monday)
        if held and start <= held <= until and held <= contract.end_on:
            attendees = [
                e.person
                for e in RosterEntry.objects.filter(contract=contract).select_related("person")
                if e.covers(held)
            ]
            attendees.append(bureau)
            items = [
                services.ActionItemData(
                    description=rng.choice(ACTIONS),
                    owner=rng.choice(attendees[:-1] or [pm]),
                    due_on=calendar.workday_after(held, 3),
                    done=held + dt.timedelta(days=10) < until,
                )
                for _ in range(rng.choice([1, 1, 2]))
            ]
            with clock.frozen_at(_at(held, 16, 30)):
                services.meeting_record(
                    contract=contract,
                    held_on=held,
                    summary=(
                        f"本周共处理服务请求 {rng.randint(6, 19)} 项，其中数据维护 {rng.randint(1, 5)} 项、"
                        f"统计查询 {rng.randint(1, 6)} 项；下周计划完成月度初始化核对和待办问题回归测试。"
                        f"存在问题：{rng.choice(PROBLEMS)}。"
                    ),
                    decisions=rng.choice(DECISIONS),
                    place="区人社局信息中心会议室",
                    attendees=attendees,
                    other_attendees=rng.choice(["", "养老保险科 李建国", "就业管理中心 陈强"]),
                    items=items,
                    actor=pm,
                )
        monday += dt.timedelta(days=7)


def _quiet_history(before: dt.datetime) -> None:
    """Notifications of replayed history are already read and were e-mailed back then."""
    Notification.objects.filter(created_at__lt=before).update(read_at=before, emailed_at=before)


# --- 2023 --------------------------------------------------------------------------------------


def _year_2023(ctx) -> None:
    contract = ctx.contract_2023
    calendar = get_calendar(contract)
    rng = random.Random(2023)
    u = ctx.users
    pm, eng1, eng2, eng3, bureau = u["pm"], u["eng1"], u["eng2"], u["eng3"], u["bureau"]
    d = dt.date

    with clock.frozen_at(_at(d(2023, 1, 10), 11, 0)):
        note = "合同自 1 月 1 日起履行，签订后补登驻场名单"
        for person, position, end in (
            (pm, Position.PM, d(2023, 4, 30)),
            (eng1, Position.ENGINEER, d(2023, 12, 31)),
            (eng2, Position.ENGINEER, d(2023, 12, 31)),
        ):
            services.roster_add(
                contract=contract,
                person=person,
                position=position,
                start_on=d(2023, 1, 1),
                end_on=end,
                note=note,
                actor=pm,
            )
    with clock.frozen_at(_at(d(2023, 1, 10), 15, 0)):
        services.key_day_mark(
            contract=contract,
            date=d(2023, 1, 16),
            reason="年度初始化后第一个工作日",
            actor=bureau,
            calendar=calendar,
        )

    # Leave through the year (engineers' approved by the PM, the PM's by the bureau admin).
    _leave(pm, d(2023, 2, 17), d(2023, 2, 17), LeaveKind.PERSONAL, "家中有事", approver=bureau)
    _leave(
        eng1,
        d(2023, 3, 14),
        d(2023, 3, 14),
        LeaveKind.SICK,
        "发烧就医",
        approver=pm,
        requested=_at(d(2023, 3, 14), 7, 50),
    )
    _leave(
        eng2,
        d(2023, 4, 6),
        d(2023, 4, 6),
        LeaveKind.PERSONAL,
        "办理个人事务",
        approver=pm,
        decide=False,
        note="4 月 6 日为清明节后第一个工作日（关键日），需全员在岗，请改期。",
    )
    _leave(eng2, d(2023, 4, 10), d(2023, 4, 10), LeaveKind.PERSONAL, "办理个人事务", approver=pm)

    # Mid-year staff change: 孙浩 (eng2) leaves, 吴涛 (eng3) takes over after a two-week handover.
    with clock.frozen_at(_at(d(2023, 5, 15), 10, 20)):
        change = services.change_apply(
            contract=contract,
            leaving_entry=RosterEntry.objects.get(contract=contract, person=eng2),
            incoming_person=eng3,
            incoming_phone=eng3.phone,
            incoming_start_on=d(2023, 6, 19),
            effective_on=d(2023, 7, 1),
            reason="孙浩因公司内部岗位调整调回沈阳总部；接替人员吴涛具有三年社保系统运维经验。",
            actor=pm,
        )
    with clock.frozen_at(_at(d(2023, 5, 17), 15, 10)):
        services.change_decide(
            change=change, actor=bureau, approve=True, note="同意。请于 6 月底前完成交接。"
        )
    _leave(
        eng2,
        d(2023, 5, 22),
        d(2023, 5, 24),
        LeaveKind.ANNUAL,
        "年休假",
        approver=pm,
        substitute=eng3,
        requested=_at(d(2023, 5, 18), 9, 0),
    )
    for i, item in enumerate(change.handover_items.order_by("order")):
        with clock.frozen_at(_at(d(2023, 6, 26) + dt.timedelta(days=i // 2), 16, 10 + i)):
            services.handover_item_set(item=item, actor=pm, done=True)
    with clock.frozen_at(_at(d(2023, 6, 30), 16, 0)):
        services.change_confirm(change=change, actor=bureau, note="经检查交接完整，同意孙浩离场。")

    _leave(eng1, d(2023, 8, 14), d(2023, 8, 18), LeaveKind.ANNUAL, "年休假", approver=pm, substitute=pm)
    _leave(
        eng3,
        d(2023, 11, 6),
        d(2023, 11, 6),
        LeaveKind.SICK,
        "急性肠胃炎",
        approver=pm,
        requested=_at(d(2023, 11, 6), 7, 40),
    )
    _leave(
        eng1,
        d(2023, 12, 8),
        d(2023, 12, 8),
        LeaveKind.COMPENSATORY,
        "国庆值班调休",
        approver=pm,
        substitute=pm,
    )

    with clock.frozen_at(_at(d(2023, 3, 17), 9, 0)):
        services.key_day_mark(
            contract=contract,
            date=d(2023, 3, 20),
            reason="城镇职工系统升级后第一个工作日",
            source=KeyDaySource.UPGRADE,
            actor=bureau,
            calendar=calendar,
        )

    duty_days = _duty_lists(contract, calendar, ctx, until=d(2023, 12, 31), late={"清明节"}, rng=rng)
    # A forgotten check-in (corrected below), a forgotten check-out (corrected), one absence.
    forgot_in, forgot_out, absent = (
        (eng2.pk, d(2023, 6, 12)),
        (eng1.pk, d(2023, 9, 20)),
        (eng3.pk, d(2023, 9, 5)),
    )
    _bulk_attendance(
        contract,
        calendar,
        d(2023, 12, 31),
        rng,
        skip={forgot_in, absent},
        no_checkout={forgot_out},
        duty=duty_days,
    )
    with clock.frozen_at(_at(d(2023, 6, 13), 8, 35)):
        c1 = services.correction_request(
            person=eng2,
            date=d(2023, 6, 12),
            check_in=dt.time(8, 21),
            check_out=dt.time(17, 36),
            reason="昨天到岗后忘记签到，有门禁记录可查",
        )
    with clock.frozen_at(_at(d(2023, 6, 13), 9, 10)):
        services.correction_decide(correction=c1, approver=pm, approve=True, note="核对门禁记录属实")
    with clock.frozen_at(_at(d(2023, 9, 21), 8, 40)):
        c2 = services.correction_request(
            person=eng1,
            date=d(2023, 9, 20),
            check_in=dt.time(8, 12),
            check_out=dt.time(17, 42),
            reason="昨天处理批量调资到 17:40，离开时忘记签退",
        )
    with clock.frozen_at(_at(d(2023, 9, 21), 9, 30)):
        services.correction_decide(correction=c2, approver=pm, approve=True)
    records = list(Attendance.objects.filter(contract=contract))
    logs = _bulk_logs(contract, records, rng, skip={(eng3.pk, d(2023, 10, 12)), (eng1.pk, d(2023, 11, 24))})
    _audit_bulk(contract, pm, len(records), len(logs), d(2023, 12, 31))
    _meetings(contract, calendar, ctx, start=d(2023, 1, 10), until=d(2023, 12, 31), rng=rng)


# --- the current contract, up to today ------------------------------------------------------------


def _current(ctx) -> None:
    contract = ctx.contract_current
    calendar = get_calendar(contract)
    rng = random.Random(2026)
    u = ctx.users
    pm, eng1, eng3, bureau = u["pm"], u["eng1"], u["eng3"], u["bureau"]
    today = clock.today()
    yesterday = min(today - ONE_DAY, contract.end_on)
    if yesterday < contract.start_on:
        return
    d = dt.date
    registered = max(contract.signed_on, contract.start_on)
    with clock.frozen_at(_at(registered, 10, 30)):
        note = "合同自 1 月 1 日起履行，签订后补登驻场名单"
        for person, position, start, end in (
            (eng1, Position.ENGINEER, contract.start_on, contract.end_on),
            (eng3, Position.ENGINEER, contract.start_on, contract.end_on),
            (pm, Position.PM, d(contract.start_on.year, 3, 1), d(contract.start_on.year, 6, 30)),
        ):
            services.roster_add(
                contract=contract,
                person=person,
                position=position,
                start_on=start,
                end_on=end,
                note=note,
                actor=pm,
            )

    def past(day):
        return day <= yesterday

    year = contract.start_on.year
    if past(d(year, 4, 13)):
        _leave(
            eng3,
            d(year, 4, 13),
            d(year, 4, 13),
            LeaveKind.SICK,
            "感冒就医",
            approver=pm,
            requested=_at(d(year, 4, 13), 7, 45),
        )
    if past(d(year, 7, 24)):
        _leave(
            eng1,
            d(year, 7, 20),
            d(year, 7, 24),
            LeaveKind.ANNUAL,
            "年休假",
            approver=pm,
            substitute=u["eng2"],
        )
    if past(d(year, 4, 17)):
        _leave(pm, d(year, 4, 17), d(year, 4, 17), LeaveKind.PERSONAL, "家中有事", approver=bureau)

    duty_days = _duty_lists(contract, calendar, ctx, until=yesterday, late=set(), rng=rng)
    last_workday = _workday_on_or_before(calendar, yesterday)
    _bulk_attendance(
        contract, calendar, yesterday, rng, no_checkout={(eng1.pk, last_workday)}, duty=duty_days
    )
    records = list(Attendance.objects.filter(contract=contract))
    logs = _bulk_logs(contract, records, rng, skip={(eng1.pk, last_workday)})
    _audit_bulk(contract, pm, len(records), len(logs), yesterday)
    _meetings(contract, calendar, ctx, start=registered, until=yesterday, rng=rng)

    now = clock.now()
    # Today: 吴涛 has checked in if the working day has begun; 周磊 (eng1, the demo login) has not.
    if calendar.knows_year(today.year) and today <= contract.end_on and calendar.is_workday(today):
        arrived = _at(today, 8, 17)
        if now >= arrived:
            with clock.frozen_at(arrived):
                services.check_in(person=eng3)
    # Waiting for the PM: 周磊 forgot to check out on the last working day; 吴涛 asks for a day off.
    with clock.frozen_at(min(now, _at(today, 8, 5))):
        services.correction_request(
            person=eng1,
            date=last_workday,
            check_in=dt.time(8, 14),
            check_out=dt.time(17, 38),
            reason="下班时系统维护窗口，忘记签退",
        )
    leave_day = calendar.workday_after(today, 5) if calendar.knows_year(today.year) else None
    if leave_day and leave_day <= contract.end_on and calendar.knows_year(leave_day.year):
        services.leave_request(
            person=eng3, kind=LeaveKind.PERSONAL, start_on=leave_day, end_on=leave_day, reason="陪同家人体检"
        )
    _quiet_history(now - dt.timedelta(days=7))


def load_rosters(ctx) -> None:
    _year_2023(ctx)
    _current(ctx)
