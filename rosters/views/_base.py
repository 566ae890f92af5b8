"""Helpers shared by the rosters views."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from common import clock
from common.http import redirect_next

PAGE_SIZE = 25


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _back(request, default: str):
    return redirect_next(request, default)


def _month_param(request, contract) -> tuple[int, int]:
    raw = request.GET.get("month") or ""
    try:
        year, month = (int(x) for x in raw.split("-"))
        dt.date(year, month, 1)
    except ValueError:
        today = clock.today()
        day = min(max(today, contract.start_on), contract.end_on)
        year, month = day.year, day.month
    year = min(max(year, 2000), 2100)
    return year, month


def _month_nav(year: int, month: int) -> dict:
    first = dt.date(year, month, 1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return {
        "month_value": f"{year:04d}-{month:02d}",
        "prev_month": f"{prev:%Y-%m}",
        "next_month": f"{nxt:%Y-%m}",
        "month_first": first,
    }
