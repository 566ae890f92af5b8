"""Hand-made facts for the score: requests with chosen timings, roster days, survey answers.

Requests are written straight to the table with the timings a test needs (the tickets services are
tested on their own); the score reads only these fields, so each part's formula is checked on data
whose right answer is known.
"""

from __future__ import annotations

import datetime as dt

from accounts.roles import Role
from common import clock
from performance.models import Survey, SurveyAnswer
from rosters.models import Attendance, Position, RosterEntry
from tickets.models import Kind, Status, Ticket

from ..factories import DepartmentFactory, make_user


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return clock.aware(dt.date(y, m, d), hour, minute)


def ticket(
    world,
    *,
    kind=Kind.SOFTWARE,
    status=Status.RESOLVED,
    confirmed=None,
    respond_due=None,
    responded=None,
    resolve_due=None,
    resolved=None,
    rework=0,
    pending_year=None,
    title="养老待遇核定页面报错",
):
    confirmed = confirmed or at(2023, 3, 6, 9)
    return Ticket.objects.create(
        contract=world.contract,
        kind=kind,
        scope=world.contract.scopes.order_by("order").first(),
        title=title,
        description="测试",
        department=world.dept_a,
        requester=world.users["staff"],
        status=status,
        assignee=world.users["engineer"],
        created_at=confirmed - dt.timedelta(minutes=30),
        confirmed_at=confirmed,
        respond_due_at=respond_due,
        first_response_at=responded,
        resolve_due_at=resolve_due,
        resolved_at=resolved,
        rework_count=rework,
        due_pending_year=pending_year,
        end_reason="撤销" if status in (Status.CANCELLED, Status.REJECTED) else "",
    )


def roster(
    world,
    person=None,
    *,
    contract=None,
    start=dt.date(2023, 1, 1),
    end=dt.date(2023, 12, 31),
    position=Position.ENGINEER,
):
    return RosterEntry.objects.create(
        contract=contract or world.contract,
        person=person or world.users["engineer"],
        position=position,
        phone="138 0000 0001",
        start_on=start,
        end_on=end,
    )


def attend(world, day: dt.date, person=None):
    person = person or world.users["engineer"]
    return Attendance.objects.create(
        contract=world.contract,
        person=person,
        date=day,
        check_in_at=clock.aware(day, 8, 20),
        check_out_at=clock.aware(day, 17, 40),
    )


def survey(world, start=dt.date(2023, 1, 1), end=dt.date(2023, 3, 31)) -> Survey:
    return Survey.objects.create(
        contract=world.contract,
        period_start=start,
        period_end=end,
        title=f"{start:%Y-%m} 满意度调查",
        due_on=end + dt.timedelta(days=14),
    )


_heads = iter(range(1, 10_000))


def answer(world, s: Survey, level: str, *, head=None) -> SurveyAnswer:
    if head is None:
        n = next(_heads)
        dept = DepartmentFactory(code=f"survey-dept-{n}", name=f"调查科室{n}")
        head = make_user(Role.DEPT_HEAD, department=dept, username=f"survey_head_{n}")
    return SurveyAnswer.objects.create(survey=s, respondent=head, department=head.department, level=level)
