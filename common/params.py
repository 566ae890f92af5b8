"""Integers from query strings and forms, range-checked (issue 13 item 7).

An id beyond the database's BIGINT (2**63 - 1) made SQLite raise OverflowError (a 500) where
PostgreSQL quietly found nothing; both now get "not a valid choice" or no filter at all.
"""

from __future__ import annotations

from collections.abc import Mapping

MAX_ID = 2**63 - 1  # BIGINT, the type of every primary key here


def int_param(
    data: Mapping, name: str, *, minimum: int = 1, maximum: int = MAX_ID, default: int | None = None
) -> int | None:
    """``data[name]`` as an int within ``minimum..maximum`` (plain ASCII digits only), else ``default``."""
    raw = data.get(name)
    if not isinstance(raw, str) or not raw or len(raw) > 20 or not (raw.isascii() and raw.isdigit()):
        return default
    value = int(raw)
    return value if minimum <= value <= maximum else default


def valid_ids(values) -> list[int]:
    """The values that are ids within range (for ``pk__in`` filters); the others dropped."""
    return [v for v in (int_param({"v": str(x)}, "v") for x in values) if v is not None]
