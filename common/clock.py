"""The portal's clock.

Every service asks ``now()`` instead of ``timezone.now()`` so that the demo loader can replay a
year of history at the times it happened, and tests can stand on a chosen instant.
"""

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
_frozen: ContextVar[dt.datetime | None] = ContextVar("jinbao_frozen_now", default=None)


def now() -> dt.datetime:
    frozen = _frozen.get()
    return frozen if frozen is not None else timezone.now()


def today() -> dt.date:
    return timezone.localtime(now(), SHANGHAI).date()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[dt.datetime]:
    if timezone.is_naive(moment):
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment)
    try:
        yield moment
    finally:
        _frozen.reset(token)


def local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment, SHANGHAI)


def aware(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A Shanghai wall-clock time as an aware datetime."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)
