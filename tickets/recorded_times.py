"""Times people record on a request (deployment, time logs; the daily work log links requests too):
never before the request was filed, never in the future (issue 11). Each check raises ``ServiceError``
on the form field, with the request's filing time in the message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from common import clock
from common.errors import ServiceError

from .models import Ticket


def check_moment(ticket: Ticket, moment: dt.datetime, *, field: str, what: str) -> None:
    """``moment`` (aware) lies between the request's filing and now."""
    if moment < ticket.created_at:
        filed = clock.local(ticket.created_at)
        raise ServiceError(
            {field: [f"{what}不能早于请求提交时间 {filed:%Y-%m-%d %H:%M}（请求 {ticket.number}）。"]}
        )
    if moment > clock.now():
        raise ServiceError({field: [f"{what}不能晚于现在。"]})


def check_day(ticket: Ticket, day: dt.date, *, field: str, what: str) -> None:
    """``day`` lies between the day the request was filed and today (Asia/Shanghai)."""
    filed = clock.local(ticket.created_at).date()
    if day < filed:
        raise ServiceError(
            {field: [f"{what}不能早于请求提交日期 {filed:%Y-%m-%d}（请求 {ticket.number}）。"]}
        )
    if day > clock.today():
        raise ServiceError({field: [f"{what}不能晚于今天。"]})


def check_day_for_all(tickets: Iterable[Ticket], day: dt.date, *, field: str, what: str) -> None:
    for ticket in tickets:
        filed = clock.local(ticket.created_at).date()
        if day < filed:
            raise ServiceError(
                {field: [f"{what}（{day:%Y-%m-%d}）早于请求 {ticket.number} 的提交日期 {filed:%Y-%m-%d}。"]}
            )
