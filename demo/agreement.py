"""Issue 18 in the demo: support sessions, a required-by date, written changes, confidentiality
undertakings and an incident, a withdrawn termination notice, and contact changes — on the 2023
contract (history) and the current one (open items to act on). Replayed through the services."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db.models import F

from common import clock
from contracts import agreement_services as svc
from contracts.calendar import get_calendar
from contracts.workdays import CalendarNotLoaded
from tickets import support
from tickets.models import DONE_STATUSES, OPEN_STATUSES, SupportMode, Ticket


def _pdf(name: str) -> ContentFile:
    return ContentFile(b"%PDF-1.4\n% demo scan\n", name=name)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return clock.aware(day, hour, minute)


def load_agreement(ctx) -> None:
    _load_2023(ctx)
    if getattr(ctx, "contract_current", None) is not None:
        _load_current(ctx)


def _load_2023(ctx) -> None:
    contract, u, d = ctx.contract_2023, ctx.users, dt.date
    pm, eng1, eng2, eng3, bureau = u["pm"], u["eng1"], u["eng2"], u["eng3"], u["bureau"]

    # 第九条: the vendor names its project contact in writing when the contract starts.
    with clock.frozen_at(_at(d(2023, 1, 16), 10)):
        svc.contact_change(
            contract=contract,
            actor=pm,
            name=pm.display_name,
            phone=pm.phone,
            user=pm,
            notice_on=d(2023, 1, 16),
            effective_on=d(2023, 2, 1),
            document=_pdf("contact-2023.pdf"),
        )
    # 第五条: undertakings of the people on the roster (eng3 signs on arrival in June).
    for person, day in (
        (pm, d(2023, 1, 10)),
        (eng1, d(2023, 1, 10)),
        (eng2, d(2023, 1, 10)),
        (eng3, d(2023, 6, 19)),
    ):
        with clock.frozen_at(_at(day, 11)):
            svc.undertaking_record(
                contract=contract,
                actor=pm,
                person=person,
                signed_on=day,
                document=_pdf(f"nda-{person.username}.pdf"),
            )
    # 一.5(1): remote and on-site support on some of the year's requests, and one for a system.
    tickets = list(
        Ticket.objects.filter(contract=contract, status__in=DONE_STATUSES, confirmed_at__isnull=False)
        .order_by("confirmed_at")
        .select_related("scope")[:60:12]
    )
    for n, ticket in enumerate(tickets):
        requested = ticket.confirmed_at
        mode = SupportMode.REMOTE if n % 2 else SupportMode.ONSITE
        started = requested + dt.timedelta(minutes=40 if mode == SupportMode.REMOTE else 150)
        with clock.frozen_at(started + dt.timedelta(hours=3)):
            support.support_record(
                contract=contract,
                ticket=ticket,
                actor=pm,
                person=eng2 if n % 3 else pm,
                mode=mode,
                requested_at=requested,
                started_at=started,
                minutes=45 + 15 * n,
                work_done="沈阳总部数据库工程师远程协助分析执行计划。"
                if mode == SupportMode.REMOTE
                else "项目经理到医保中心现场排查并指导经办人员操作。",
            )
    with clock.frozen_at(_at(d(2023, 7, 3), 18)):
        support.support_record(
            contract=contract,
            scope=contract.scopes.order_by("order").first(),
            actor=pm,
            mode=SupportMode.ONSITE,
            started_at=_at(d(2023, 7, 1), 9),
            minutes=240,
            work_done="养老调资批量处理当日，总部派员到场值守（非驻场人员）。",
        )
    # 第五条 4 / 第八条(1): a week without dial-up access during the machine-room works.
    with clock.frozen_at(_at(d(2023, 8, 21), 9, 30)):
        svc.incident_record(
            contract=contract,
            actor=pm,
            kind="conditions",
            occurred_on=d(2023, 8, 14),
            what="机房网络改造期间（8 月 14 日至 18 日），乙方无法拨号访问正在运行的设备，"
            "两件数据维护请求顺延。",
            informed="8 月 14 日电话告知局信息化管理员，8 月 21 日书面函告。",
        )
    # 第六条: a proposal refused with reasons, one agreed, one deemed accepted after silence.
    with clock.frozen_at(_at(d(2023, 4, 3), 10)):
        refused = svc.change_propose(
            contract=contract,
            actor=pm,
            title="周例会改为双周召开",
            text="业务平稳，建议“软件服务质量评估”例会改为每两周一次。",
            delivered_on=d(2023, 4, 3),
        )
    with clock.frozen_at(_at(d(2023, 4, 6), 15)):
        svc.change_answer(
            change=refused, actor=bureau, agree=False, answer="合同第一条 5(2) 要求每周召开，不同意。"
        )
    with clock.frozen_at(_at(d(2023, 9, 4), 10)):
        agreed = svc.change_propose(
            contract=contract,
            actor=bureau,
            title="服务地点增加金坛区医保中心",
            text="医保中心迁址，驻场工程师每周二到医保中心现场服务半天。",
            delivered_on=d(2023, 9, 4),
            document=_pdf("change-2023-09.pdf"),
            attachments=[_pdf("change-2023-09-site-plan.pdf"), _pdf("change-2023-09-schedule.pdf")],
        )
    with clock.frozen_at(_at(d(2023, 9, 6), 11)):
        svc.change_answer(change=agreed, actor=pm, agree=True, answer="同意，自 9 月 12 日起执行。")
    with clock.frozen_at(_at(d(2023, 10, 16), 10)):
        deemed = svc.change_propose(
            contract=contract,
            actor=pm,
            title="年度初始化改在 12 月 29 日晚进行",
            text="与市信息中心协调后，年度初始化安排在 12 月 29 日 18:00 后进行。",
            delivered_on=d(2023, 10, 16),
        )
    with clock.frozen_at(_at(deemed.answer_due_on + dt.timedelta(days=1), 8, 7)):
        svc.change_deem_accepted(change=deemed, today=clock.today())
    # 第八条(3): an early-termination notice given and withdrawn before it took effect.
    with clock.frozen_at(_at(d(2023, 11, 1), 10)):
        notice = svc.termination_give(
            contract=contract,
            actor=pm,
            basis="early",
            given_on=d(2023, 11, 1),
            reason="公司业务重组，拟提前终止本项目服务。",
            document=_pdf("termination-2023-11.pdf"),
        )
    with clock.frozen_at(_at(d(2023, 11, 8), 16)):
        svc.termination_withdraw(notice=notice, actor=pm)


def _load_current(ctx) -> None:
    contract, u = ctx.contract_current, ctx.users
    pm, eng1, bureau = u["pm"], u["eng1"], u["bureau"]
    today = clock.today()
    if not contract.start_on <= today <= contract.end_on:
        return
    calendar = get_calendar(contract)
    start = max(contract.start_on, contract.signed_on)
    # eng1 and the PM have signed; eng3, on the roster, has not (the register and the job show it).
    for person in (pm, eng1):
        with clock.frozen_at(_at(start, 11)):
            svc.undertaking_record(
                contract=contract,
                actor=pm,
                person=person,
                signed_on=start,
                document=_pdf(f"nda-{person.username}.pdf"),
            )
    with clock.frozen_at(_at(start, 11, 30)):
        svc.contact_change(
            contract=contract,
            actor=bureau,
            name=bureau.display_name,
            phone=bureau.phone,
            user=bureau,
            notice_on=start,
            effective_on=start,
            document=_pdf("contact-2026.pdf"),
        )
    open_tickets = list(
        Ticket.objects.filter(contract=contract, status__in=OPEN_STATUSES)
        .select_related("scope")
        .order_by(F("assignee").asc(nulls_last=True), "pk")
    )
    if open_tickets:
        ticket = open_tickets[0]
        try:
            due = calendar.workday_after(today, 3)
        except CalendarNotLoaded:  # a year the calendar does not know: no date to set
            due = None
        if due is not None:
            with clock.frozen_at(min(clock.now(), _at(today, 9))):
                support.required_by_set(
                    ticket=ticket,
                    actor=bureau,
                    due_on=due,
                    reason="省厅通知调整缴费基数上下限，须在新标准执行前完成参数调整。",
                )
        if ticket.assignee_id:
            when = min(clock.now(), _at(today, 9, 30))
            with clock.frozen_at(when):
                support.support_record(
                    contract=contract,
                    ticket=ticket,
                    actor=ticket.assignee,
                    mode=SupportMode.REMOTE,
                    requested_at=when - dt.timedelta(minutes=30),
                    started_at=when - dt.timedelta(minutes=10),
                    minutes=10,
                    work_done="远程连接测试环境核对参数。",
                )
    # An open proposal of the bureau, for the PM to answer (deemed accepted if nobody does).
    delivered = calendar.workday_before(today) if calendar.knows_year(today.year) else today
    with clock.frozen_at(_at(delivered, 10)):
        svc.change_propose(
            contract=contract,
            actor=bureau,
            title="每工作日驻场工程师增至 3 名",
            text="年底批量业务集中，自下月起每工作日至少 3 名工程师驻场。",
            delivered_on=delivered,
            setting="min_engineers_on_site",
            new_value="3",
        )
