"""Daily work logs: one per person and day, edited only by their author."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction

from accounts.models import User
from common import clock
from common.audit import diff, log_action, snapshot
from common.errors import ServiceError, TransitionNotAllowed
from tickets.recorded_times import check_day_for_all

from ..models import (
    WorkLog,
)
from ._base import _d
from .attendance import _require_basis

WORKLOG_AUDIT_FIELDS = ["date", "hours", "content", "references"]


def _log_snapshot(log: WorkLog) -> dict:
    data = snapshot(log, WORKLOG_AUDIT_FIELDS)
    data["tickets"] = sorted(t.number for t in log.tickets.all())
    return data


@transaction.atomic
def worklog_create(
    *, person: User, date: dt.date, hours: Decimal, content: str, references: str = "", tickets=()
) -> WorkLog:
    if date > clock.today():
        raise ServiceError({"date": "不能填写未来日期的工作日志。"})
    check_day_for_all(tickets, date, field="date", what="工作日志日期")
    basis = _require_basis(person, date)
    log = WorkLog(
        contract=basis.contract,
        person=person,
        date=date,
        hours=hours,
        content=(content or "").strip(),
        references=(references or "").strip(),
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    if not log.content:
        raise ServiceError({"content": "请填写工作内容。"})
    log.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            log.save()
    except IntegrityError as exc:
        raise ServiceError({"date": f"{_d(date)} 已有您的工作日志，请修改原日志。"}) from exc
    log.tickets.set(tickets)
    log_action("worklog.create", actor=person, obj=log, changes=_log_snapshot(log))
    return log


@transaction.atomic
def worklog_update(
    *, log: WorkLog, actor: User, hours: Decimal, content: str, references: str = "", tickets=None
) -> WorkLog:
    if actor.pk != log.person_id:
        raise TransitionNotAllowed("只能修改自己的工作日志。")
    log = WorkLog.objects.select_for_update().get(pk=log.pk)
    before = _log_snapshot(log)
    log.hours, log.content, log.references = hours, (content or "").strip(), (references or "").strip()
    if not log.content:
        raise ServiceError({"content": "请填写工作内容。"})
    log.full_clean(validate_constraints=False)
    if tickets is not None:
        check_day_for_all(tickets, log.date, field="tickets", what="工作日志日期")
        log.tickets.set(tickets)
    changes = diff(before, _log_snapshot(log))
    if not changes:  # saved as it was: nothing to write, nothing to audit
        return log
    log.updated_at = clock.now()
    log.save()
    log_action("worklog.update", actor=actor, obj=log, changes=changes)
    return log
