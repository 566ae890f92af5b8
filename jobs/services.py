"""Writes of the jobs app: initialization records and their confirmation."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.db import transaction

from common import clock
from common.audit import log_action
from common.errors import ConcurrentChange, ServiceError

from .models import InitializationRecord


def initialization_open(
    *, contract, kind: str, period: dt.date, due_on: dt.date
) -> tuple[InitializationRecord, bool]:
    record, created = InitializationRecord.objects.get_or_create(
        contract=contract, kind=kind, period=period, defaults={"due_on": due_on}
    )
    if created:
        log_action("initialization.open", obj=record, changes={"due_on": due_on, "kind": kind})
    return record, created


@transaction.atomic
def initialization_confirm(*, record: InitializationRecord, user, note: str) -> InitializationRecord:
    note = (note or "").strip()
    if not note:
        raise ServiceError("请说明初始化的完成情况（如执行时间、核对结果）。")
    claimed = InitializationRecord.objects.filter(pk=record.pk, confirmed_at__isnull=True).update(
        confirmed_by=user, confirmed_at=clock.now(), note=note[:2000]
    )
    if not claimed:
        record.refresh_from_db()
        when = clock.local(cast(dt.datetime, record.confirmed_at))  # claimed by someone else: confirmed
        raise ConcurrentChange(f"{record} 已由 {record.confirmed_by} 于 {when:%Y-%m-%d %H:%M} 确认。")
    record.refresh_from_db()
    log_action("initialization.confirm", actor=user, obj=record, changes={"note": note})
    return record
