"""The ticket parts of the score counted in SQL from ``tickets.ScoreFact`` (issue 14).

``ticket_counts(contract, windows)`` answers, for any number of periods at once, how many cases of
each ticket part count for, against, or are not counted. The rules are those of ``rules.py``
(``response_case``, ``completion_case``, ``data_maintenance_case``), restated over the stored facts:
a fact's outcome holds from its ``*_at`` moment on, so "as of" a moment it counts if that moment is
later. ``tests/performance/test_score_facts.py`` checks both agree on random histories.

How: every rule compares a fact's moments with the windows' bounds (start, end, as of) only. The
bounds, sorted, cut time into slots; the query reads the contract's facts once and counts them by
the slot each moment falls in (and the outcomes) — a few hundred small rows whatever the number of
windows — and each window's figures are summed from those rows in Python, its bounds being slot
numbers. (Joining the facts to each window read ~40,000 rows for the contract and its twelve months,
the carry-over of "completion" ~8,000 per window: 60–90 ms at 20,000 requests a year. One grouped
read per part, three scans: ~30 ms. One scan for all three parts: ~12 ms.)
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter

from django.db import connection

from .rules import Window

# (for, against, not counted) per (period key, part).
Counts = dict[tuple[str, str], tuple[int, int, int]]

# The query reads each of the contract's facts once and groups them by these columns (PostgreSQL: a few
# hundred groups at 20,000 requests a year); ``_by_part`` then projects each group onto the three parts.
# A moment's slot is the number of bounds at or before it (0 before the first), NULL for no moment.
_SLOTTED = ("confirmed_at", "response_at", "resolved_at", "completion_at", "resolve_due_at")
_PLAIN = ("ended", "data_maintenance", "response", "completion", "resolution")


def _bounds(windows: dict[str, Window]) -> list[dt.datetime]:
    return sorted({moment for w in windows.values() for moment in (w.start_at, w.end_at, w.as_of)})


def counts_query(contract_id: int, windows: dict[str, Window]) -> tuple[str, list]:
    adapt = connection.ops.adapt_datetimefield_value
    bounds = [adapt(b) for b in _bounds(windows)]
    slots: list[str] = []
    params: list = []
    for column in _SLOTTED:
        if connection.vendor == "postgresql":
            slots.append(f"width_bucket({column}, %s::timestamptz[])")
            params.append(bounds)
        else:
            whens = " ".join(f"WHEN {column} < %s THEN {i}" for i in range(len(bounds)))
            slots.append(f"CASE WHEN {column} IS NULL THEN NULL {whens} ELSE {len(bounds)} END")
            params += bounds
    columns = [*slots, *_PLAIN]
    groups = ", ".join(str(i) for i in range(1, len(columns) + 1))
    # Only this module's column names and placeholders go into the text; every value is a parameter.
    sql = (
        f"SELECT {', '.join(columns)}, COUNT(*) FROM tickets_scorefact"  # noqa: S608
        f" WHERE contract_id = %s GROUP BY {groups}"
    )
    return sql, [*params, contract_id]


def _by_part(rows) -> list[tuple]:
    """(part, slot, slot, slot, outcome, count) from the grouped facts, with each part's own conditions:
    responsiveness and completion count the confirmed requests not ended; data maintenance the
    data-maintenance requests not ended that were resolved or have a resolution deadline."""
    parts: Counter = Counter()
    for row in rows:
        confirmed, responded, resolved, completed, due, ended, data, response, completion, resolution, n = row
        if ended:
            continue
        if confirmed is not None:
            parts["responsiveness", confirmed, responded, None, response] += n
            parts["completion", confirmed, resolved, completed, completion] += n
        if data and (resolved is not None or due is not None):
            parts["data_maintenance", resolved, due, None, resolution] += n
    return [(*key, n) for key, n in parts.items()]


def ticket_counts(contract_id: int, windows: dict[str, Window]) -> Counts:
    """(for, against, not counted) of every ticket part in every window; absent keys had no case."""
    if not windows:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(*counts_query(contract_id, windows))
        rows = _by_part(cursor.fetchall())
    bounds = _bounds(windows)
    counts: Counts = {}
    for key, w in windows.items():
        # A moment m has slot k = number of bounds <= m: m >= bound i ⟺ k > i, m < bound i ⟺ k <= i.
        s, e, a = (bisect.bisect_left(bounds, m) for m in (w.start_at, w.end_at, w.as_of))
        totals = {part: [0, 0, 0] for part in ("responsiveness", "completion", "data_maintenance")}
        for part, k1, k2, k3, outcome, n in rows:
            if part == "responsiveness":
                confirmed, responded = k1, k2
                if not s < confirmed <= e:
                    continue
                decided = responded is not None and responded <= a
            elif part == "completion":
                confirmed, resolved, completed = k1, k2, k3
                carried_in = confirmed <= s and (resolved is None or resolved > s)
                if not (s < confirmed <= e or carried_in):
                    continue
                decided = completed is not None and completed <= a
            else:
                resolved, due = k1, k2
                resolved_in = resolved is not None and s < resolved <= a
                open_due_in = (resolved is None or resolved > a) and due is not None and s < due <= a
                if not (resolved_in or open_due_in):
                    continue
                # Resolved in the window: its resolution; else open past a deadline in it: against.
                if not resolved_in:
                    outcome = "against"
                decided = True
            total = totals[part]
            if decided and outcome == "for":
                total[0] += n
            elif decided and outcome == "against":
                total[1] += n
            total[2] += n
        for part, (for_, against, seen) in totals.items():
            if seen:
                counts[(key, part)] = (for_, against, seen - for_ - against)
    return counts
