"""Monthly and annual initializations of 2023 and of the current contract, replayed on their days."""

import datetime as dt

from common import clock
from contracts.calendar import get_calendar
from jobs import tasks
from jobs.models import InitializationRecord
from jobs.services import initialization_confirm

NOTES = [
    "已完成月度初始化，核对缴费基数与待遇发放数据无误。",
    "月度初始化完成，已备份并核对批量结果。",
    "完成初始化，征缴与待遇模块月结正常。",
]


def _replay_months(contract, until: dt.date, confirmer) -> None:
    calendar = get_calendar(contract)
    month = contract.start_on.replace(day=1)
    while month <= until:
        first = calendar.first_workday_of_month(month.year, month.month)
        if first > until:
            break
        with clock.frozen_at(clock.aware(first, 8, 0)):
            tasks.monthly_initialization()
        record = InitializationRecord.objects.get(contract=contract, kind="monthly", period=month)
        # the current month stays open, waiting for the PM's confirmation
        if not (until.year == month.year and until.month == month.month):
            with clock.frozen_at(clock.aware(first, 10, 15)):
                initialization_confirm(record=record, user=confirmer, note=NOTES[month.month % len(NOTES)])
        month = (month + dt.timedelta(days=32)).replace(day=1)


def load_jobs(ctx) -> None:
    pm = ctx.users["pm"]
    contract = ctx.contract_2023
    _replay_months(contract, contract.end_on, pm)
    last = get_calendar(contract).workday_before(dt.date(2024, 1, 1))
    with clock.frozen_at(clock.aware(last, 8, 5)):
        tasks.annual_initialization()
    record = InitializationRecord.objects.get(contract=contract, kind="annual")
    with clock.frozen_at(clock.aware(last, 17, 0)):
        initialization_confirm(
            record=record, user=pm, note="年度初始化完成：2024 年缴费基数、个人账户结息已处理。"
        )
    _replay_months(ctx.contract_current, clock.today(), pm)
