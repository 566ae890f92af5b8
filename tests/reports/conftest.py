"""A week of hand-made data on the world's 2023 contract: the ISO week of Monday 2023-03-06.

- t_fixed: software, filed Mon 09:00, confirmed/assigned/started/resolved Mon 09:30 (on time);
- t_data: data maintenance, filed Tue 09:00, confirmed and assigned 09:30, started 11:30 (open);
- t_late: policy, filed the week before (Mon 02-27), assigned, never started: late from 03-02;
- the engineer on the roster all year, checked in Mon–Thu (not Fri), logs on Mon and Tue;
- the week's quality meeting on Fri 03-10.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from common import clock
from rosters import services as roster_services
from rosters.models import Position
from tickets import services as ticket_services
from tickets.models import Kind, Status

from ..tickets.helpers import advance, at, submit

WEEK = dt.date(2023, 3, 6)


@pytest.fixture
def week(world):
    eng, pm = world.engineer, world.pm
    with clock.frozen_at(at(2022, 12, 28)):
        roster_services.roster_add(
            contract=world.contract,
            person=eng,
            position=Position.ENGINEER,
            phone="138 0000 0001",
            start_on=dt.date(2023, 1, 1),
            end_on=dt.date(2023, 12, 31),
            actor=pm,
        )
    t_late = advance(
        world,
        submit(world, kind=Kind.POLICY, title="门诊慢特病待遇参数调整", when=at(2023, 2, 27, 9, 0)),
        Status.ASSIGNED,
        when=at(2023, 2, 27, 9, 30),
    )
    t_fixed = advance(
        world, submit(world, title="养老待遇核定页面报错", when=at(2023, 3, 6, 9, 0)), Status.RESOLVED
    )
    t_data = advance(
        world,
        submit(world, kind=Kind.DATA, title="更正张三缴费基数", when=at(2023, 3, 7, 9, 0)),
        Status.ASSIGNED,
        when=at(2023, 3, 7, 9, 30),
    )
    with clock.frozen_at(at(2023, 3, 7, 11, 30)):
        t_data = ticket_services.ticket_start(ticket=t_data, actor=eng)
    for day in (6, 7, 8, 9):
        with clock.frozen_at(at(2023, 3, day, 8, 40)):
            roster_services.check_in(person=eng)
    for day in (6, 7):
        with clock.frozen_at(at(2023, 3, day, 17, 40)):
            roster_services.worklog_create(
                person=eng, date=dt.date(2023, 3, day), hours=Decimal("7.5"), content="处理服务请求"
            )
    with clock.frozen_at(at(2023, 3, 10, 16)):
        meeting = roster_services.meeting_record(
            contract=world.contract,
            held_on=dt.date(2023, 3, 10),
            summary="通报本周请求处理情况",
            decisions="门诊慢特病参数调整下周二前完成",
            actor=pm,
            attendees=[pm, eng],
        )
    return SimpleNamespace(t_late=t_late, t_fixed=t_fixed, t_data=t_data, meeting=meeting)
