"""The ticket parts of the score counted in SQL from ``tickets.ScoreFact`` (issue 14).

``ticket_counts(contract, windows)`` answers, for any number of periods at once, how many cases of
each ticket part count for, against, or are not counted. The rules are those of ``rules.py``
(``response_case``, ``completion_case``, ``data_maintenance_case``), restated over the stored facts:
a fact's outcome holds from its ``*_at`` moment on, so "as of" a moment it counts if that moment is
later. ``tests/performance/test_score_facts.py`` checks both agree on random histories.

How: every rule compares a fact's moments with the windows' bounds (start, end, as of) only. The
bounds, sorted, cut time into slots; the query reads the contract's facts once and counts them by
the slot each moment falls in (and the outcome) — a few hundred small rows whatever the number of
windows — and each window's figures are summed from those rows in Python, its bounds being slot
numbers. (Joining the facts to each window read ~40,000 rows for the contract and its twelve months,
the carry-over of "completion" ~8,000 per window: 60–90 ms at 20,000 requests a year; this ~10 ms.)
"""

from __future__ import annotations

import bisect
import datetime as dt

from django.db import connection

from .rules import Window

# (for, against, not counted) per (period key, part).
Counts = dict[tuple[str, str], tuple[int, int, int]]

# Each part's facts counted by the slots of its moments and its outcome: (part, slot, slot, slot, outcome,
# count). A moment's slot is the number of bounds at or before it (0 before the first); NULL for none.
_PARTS = [
    (
        "responsiveness",
        ("confirmed_at", "response_at", None),
        "response",
        "NOT ended AND confirmed_at IS NOT NULL",
    ),
    (
        "completion",
        ("confirmed_at", "resolved_at", "completion_at"),
        "completion",
        "NOT ended AND confirmed_at IS NOT NULL",
    ),
    (
        "data_maintenance",
        ("resolved_at", "resolve_due_at", None),
        "resolution",
        "data_maintenance AND NOT ended AND (resolved_at IS NOT NULL OR resolve_due_at IS NOT NULL)",
    ),
]

_SELECT = (
    "SELECT '{part}', {slots}, {outcome}, COUNT(*) FROM tickets_scorefact"
    " WHERE contract_id = %s AND {where} GROUP BY 2, 3, 4, 5"
)


def _bounds(windows: dict[str, Window]) -> list[dt.datetime]:
    return sorted({moment for w in windows.values() for moment in (w.start_at, w.end_at, w.as_of)})


def counts_query(contract_id: int, windows: dict[str, Window]) -> tuple[str, list]:
    adapt = connection.ops.adapt_datetimefield_value
    bounds = [adapt(b) for b in _bounds(windows)]

    def slot(column: str | None) -> tuple[str, list]:
        if column is None:
            return "CAST(NULL AS integer)", []
        if connection.vendor == "postgresql":
            return f"width_bucket({column}, %s::timestamptz[])", [bounds]
        whens = " ".join(f"WHEN {column} < %s THEN {i}" for i in range(len(bounds)))
        return f"CASE WHEN {column} IS NULL THEN NULL {whens} ELSE {len(bounds)} END", list(bounds)

    selects, params = [], []
    for part, columns, outcome, where in _PARTS:
        slots = [slot(column) for column in columns]
        columns_sql = ", ".join(sql for sql, _ in slots)
        selects.append(_SELECT.format(part=part, slots=columns_sql, outcome=outcome, where=where))
        params += [p for _, slot_params in slots for p in slot_params] + [contract_id]
    return "\nUNION ALL\n".join(selects), params


def ticket_counts(contract_id: int, windows: dict[str, Window]) -> Counts:
    """(for, against, not counted) of every ticket part in every window; absent keys had no case."""
    if not windows:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(*counts_query(contract_id, windows))
        rows = cursor.fetchall()
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
