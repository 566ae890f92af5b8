"""Issue 11, item 5: every recorded time is not before the request (or contract) it belongs to and not in
the future, with a clear message. The deployment dated the day before the request was filed (after an
emergency approval), a time log and a daily work log for a request not filed yet were accepted before
the fix. (Payments and invoices: tests/payments/test_settlement.py; batch steps are stamped with the
server's clock; attendance corrections and work logs need a roster day inside the contract.)"""

import datetime as dt
from decimal import Decimal

import pytest

from common import clock
from common.errors import ServiceError
from rosters.services import worklog_create
from tickets import services
from tickets.models import Kind, Status, UpgradeStage

from ..performance.helpers import roster
from .helpers import advance, at, submit

pytestmark = pytest.mark.django_db


def _scheduled_emergency_upgrade(world):
    ticket = advance(world, submit(world, kind=Kind.UPGRADE), Status.IN_PROGRESS)  # filed 2023-03-06 09:00
    with clock.frozen_at(at(2023, 3, 7, 10)):
        services.upgrade_step_record(
            ticket=ticket, actor=world.engineer, stage=UpgradeStage.REQUIREMENT, note="需求"
        )
        services.upgrade_step_record(ticket=ticket, actor=world.dept_head, stage=UpgradeStage.CONFIRMED)
        services.upgrade_step_record(
            ticket=ticket, actor=world.engineer, stage=UpgradeStage.SUBMITTED, note="已提交"
        )
        services.emergency_request(
            ticket=ticket, actor=world.engineer, reason="社保卡批量制卡故障，须立即修复"
        )
        ticket.refresh_from_db()
        services.emergency_approve(ticket=ticket, actor=world.bureau_admin)
        ticket.refresh_from_db()
        services.upgrade_step_record(
            ticket=ticket, actor=world.engineer, stage=UpgradeStage.SCHEDULED, window_start=at(2023, 3, 7, 12)
        )
    return ticket


def test_a_deployment_before_the_request_was_filed_is_refused(world):
    ticket = _scheduled_emergency_upgrade(world)
    with clock.frozen_at(at(2023, 3, 7, 13)), pytest.raises(ServiceError) as exc:
        services.upgrade_step_record(
            ticket=ticket, actor=world.engineer, stage=UpgradeStage.DEPLOYED, window_start=at(2023, 3, 5, 12)
        )
    assert "不能早于请求提交时间 2023-03-06 09:00" in " ".join(exc.value.messages)
    with clock.frozen_at(at(2023, 3, 7, 13)), pytest.raises(ServiceError, match="不能晚于现在"):
        services.upgrade_step_record(
            ticket=ticket, actor=world.engineer, stage=UpgradeStage.DEPLOYED, window_start=at(2023, 3, 7, 14)
        )
    with clock.frozen_at(at(2023, 3, 7, 13)):
        row = services.upgrade_step_record(
            ticket=ticket,
            actor=world.engineer,
            stage=UpgradeStage.DEPLOYED,
            window_start=at(2023, 3, 7, 12, 5),
        )
    assert row.emergency


def test_time_logged_before_the_request_was_filed_is_refused(world):
    ticket = advance(world, submit(world), Status.IN_PROGRESS)
    with clock.frozen_at(at(2023, 3, 7, 10)):
        with pytest.raises(ServiceError, match="不能早于请求提交日期 2023-03-06"):
            services.time_log(ticket=ticket, actor=world.engineer, work_date=dt.date(2023, 3, 5), minutes=60)
        services.time_log(ticket=ticket, actor=world.engineer, work_date=dt.date(2023, 3, 6), minutes=60)


def test_a_work_log_linked_to_a_request_filed_later_is_refused(world):
    roster(world)
    ticket = advance(world, submit(world), Status.IN_PROGRESS)
    with clock.frozen_at(at(2023, 3, 7, 18)):
        with pytest.raises(ServiceError, match="早于请求"):
            worklog_create(
                person=world.engineer,
                date=dt.date(2023, 3, 3),
                hours=Decimal("8"),
                content="处理养老待遇核定问题",
                tickets=[ticket],
            )
        worklog_create(
            person=world.engineer,
            date=dt.date(2023, 3, 6),
            hours=Decimal("8"),
            content="处理养老待遇核定问题",
            tickets=[ticket],
        )
