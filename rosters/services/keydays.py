"""Key days marked by hand or fed from upgrades (first working days after holidays come from the calendar)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from accounts.models import User
from common import clock
from common.audit import log_action, snapshot
from common.errors import ServiceError, need_reason
from contracts.calendar import get_calendar
from contracts.models import Contract
from contracts.workdays import CalendarNotLoaded, WorkCalendar

from ..models import (
    KeyDay,
    KeyDaySource,
)
from ._base import _d


@transaction.atomic
def key_day_mark(
    *,
    contract: Contract,
    date: dt.date,
    reason: str,
    actor: User | None,
    source: str = KeyDaySource.MANUAL,
    calendar: WorkCalendar | None = None,
) -> KeyDay:
    """Mark a working day as a key day (needs full attendance).

    Upgrades are fed with ``source=KeyDaySource.UPGRADE`` and
    ``date=rules.first_workday_after(calendar, deployed_at)``. tickets sits below rosters, so it does not
    call this: a rosters-side step that reads the deployed upgrades (or ``selectors.key_days`` reading
    them directly) does."""
    if not (contract.start_on <= date <= contract.end_on):
        raise ServiceError(
            {"date": f"日期须在合同服务期内（{_d(contract.start_on)} 至 {_d(contract.end_on)}）。"}
        )
    need_reason(reason, "请说明为什么是关键日。")
    calendar = calendar or get_calendar(contract)
    try:
        if not calendar.is_workday(date):
            raise ServiceError({"date": f"{_d(date)} 不是工作日，不能标记为关键日。"})
    except CalendarNotLoaded as exc:
        raise ServiceError({"date": f"{exc.year} 年工作日历尚未加载，暂不能标记。"}) from exc
    key_day = KeyDay(
        contract=contract,
        date=date,
        source=source,
        reason=reason.strip()[:200],
        created_by=actor,
        created_at=clock.now(),
    )
    key_day.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            key_day.save()
    except IntegrityError as exc:
        raise ServiceError({"date": f"{_d(date)} 已标记为关键日。"}) from exc
    log_action(
        "key_day.mark", actor=actor, obj=key_day, changes=snapshot(key_day, ["date", "source", "reason"])
    )
    return key_day


@transaction.atomic
def key_day_unmark(*, key_day: KeyDay, actor: User) -> None:
    data = snapshot(key_day, ["date", "source", "reason"])
    log_action("key_day.unmark", actor=actor, obj=key_day, changes=data)
    KeyDay.objects.filter(pk=key_day.pk).delete()
