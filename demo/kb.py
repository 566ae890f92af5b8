"""Demo step of the knowledge base (issue 17): the contract's yearly batch jobs and initializations as
the first articles, linked to the 2023 requests they describe; request templates with recurrences on
the current contract. Runs after the tickets step."""

from __future__ import annotations

import datetime as dt

from common import clock
from kb import services
from tickets.models import DONE_STATUSES, Kind, Ticket

ARTICLES = [
    (
        "养老调资批量处理操作规程",
        "养老保险",
        "每年 7 月按省市文件调整企业退休人员基本养老金（养老调资），涉及全部退休人员，须一次批量完成。",
        "1. 备份待遇支付相关表，并留存备份清单。\n2. 在测试库按文件标准试算，抽查各档次人员的调整额。\n"
        "3. 科室核对试算结果后，在生产库批量计算并生成调整明细。\n4. 核对总人数、总金额与试算一致。\n"
        "5. 准备应急恢复预案：异常时按备份恢复并重新计算。",
        "养老金调整",
    ),
    (
        "医疗年度帐户调整（个人账户划入）",
        "医疗保险",
        "每年 1 月按新年度缴费基数与划入比例调整职工医保个人账户的年度划入额。",
        "1. 确认新年度划入比例已录入参数表。\n2. 备份个人账户表。\n3. 测试库试算并抽查。\n"
        "4. 生产库批量划入，核对总额。\n5. 结果交科室核对并签署确认表。",
        "医疗保险个人账户",
    ),
    (
        "失业金上下限标准调整",
        "失业保险",
        "按最低工资标准调整后，失业保险金的上下限标准随之调整，正在领取人员的待遇需重新计算。",
        "1. 录入新的上下限标准（政策参数）。\n2. 备份待遇发放表。\n3. 测试库重算在领人员待遇。\n"
        "4. 生产库批量重算，核对人数与差额。",
        "失业保险金上下限",
    ),
    (
        "月度初始化与年度初始化要点",
        "金保核心系统",
        "每月第一个工作日做月度初始化；每年 1 月第一个工作日做年度初始化（含缴费基数年度切换）。",
        "1. 确认上月业务已全部结算。\n2. 执行初始化前备份。\n3. 执行初始化并核对期初数据。\n"
        "4. 年度初始化另需切换缴费基数年度并通知各科室。",
        "初始化",
    ),
]


def load_kb(ctx) -> None:
    pm = ctx.users["pm"]
    for title, system, problem, steps, word in ARTICLES:
        solved = list(
            Ticket.objects.filter(
                contract=ctx.contract_2023, status__in=DONE_STATUSES, title__contains=word
            ).order_by("resolved_at")[:6]
        )
        with clock.frozen_at(clock.aware(dt.date(2023, 12, 28), 16, 0)):
            services.article_create(
                actor=pm, title=title, system=system, problem=problem, steps=steps, tickets=solved
            )
    contract = getattr(ctx, "contract_current", None)
    if contract is not None:
        load_templates(ctx, contract)


def load_templates(ctx, contract) -> None:
    from tickets import templates_service
    from tickets.models import BatchType, InitType

    scope = contract.scopes.order_by("order").first()
    common = {"scope": scope, "priority": "high", "active": True}
    with clock.frozen_at(clock.aware(contract.start_on, 9, 0)):
        for name, kind, extra, recurrence, month, requester in [
            ("月度初始化", Kind.INIT, {"init_type": InitType.MONTHLY}, "monthly", None, "staff1"),
            ("年度初始化", Kind.INIT, {"init_type": InitType.ANNUAL}, "yearly", 1, "staff1"),
            (
                "养老调资",
                Kind.BATCH,
                {"batch_type": BatchType.PENSION_ADJUSTMENT, "affected_population": "企业退休人员"},
                "yearly",
                7,
                "staff1",
            ),
        ]:
            templates_service.template_save(
                actor=ctx.users["bureau"],
                contract=contract,
                name=name,
                kind=kind,
                title=f"{name}（定期）",
                description=f"按计划完成{name}，完成后由科室核对。",
                recurrence=recurrence,
                month=month,
                requester=ctx.users[requester],
                **extra,
                **common,
            )
