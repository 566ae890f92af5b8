"""The ticket parts of the score counted in SQL from ``tickets.ScoreFact`` (issue 14).

``ticket_counts(contract, windows)`` answers, for any number of periods at once, how many cases of
each ticket part count for, against, or are not counted — one query whatever the number of periods
(the contract period and its twelve months for the trend). The rules are those of ``rules.py``
(``response_case``, ``completion_case``, ``data_maintenance_case``), restated over the stored facts:
a fact's outcome holds from its ``*_at`` moment on, so "as of" a moment it counts if that moment is
later. ``tests/performance/test_score_facts.py`` checks both agree on random histories.
"""

from __future__ import annotations

from django.db import connection

from .rules import Window

# (for, against, not counted) per (period key, part).
Counts = dict[tuple[str, str], tuple[int, int, int]]

_SQL = """
WITH w(k, s, e, a) AS (VALUES {values})
SELECT 'responsiveness', w.k,
       SUM(CASE WHEN f.response = 'for' AND f.response_at < w.a THEN 1 ELSE 0 END),
       SUM(CASE WHEN f.response = 'against' AND f.response_at < w.a THEN 1 ELSE 0 END),
       COUNT(*)
  FROM tickets_scorefact f JOIN w ON f.confirmed_at >= w.s AND f.confirmed_at < w.e
 WHERE f.contract_id = %s AND NOT f.ended
 GROUP BY w.k
UNION ALL
SELECT 'completion', w.k,
       SUM(CASE WHEN f.completion = 'for' AND f.completion_at < w.a THEN 1 ELSE 0 END),
       SUM(CASE WHEN f.completion = 'against' AND f.completion_at < w.a THEN 1 ELSE 0 END),
       COUNT(*)
  FROM tickets_scorefact f JOIN w
    ON (f.confirmed_at >= w.s AND f.confirmed_at < w.e)
    OR (f.confirmed_at < w.s AND (f.resolved_at IS NULL OR f.resolved_at >= w.s))
 WHERE f.contract_id = %s AND NOT f.ended AND f.confirmed_at IS NOT NULL
 GROUP BY w.k
UNION ALL
SELECT 'data_maintenance', w.k,
       SUM(CASE WHEN f.resolved_at >= w.s AND f.resolved_at < w.a AND f.resolution = 'for'
                THEN 1 ELSE 0 END),
       SUM(CASE WHEN f.resolved_at >= w.s AND f.resolved_at < w.a THEN
                CASE WHEN f.resolution = 'against' THEN 1 ELSE 0 END ELSE 1 END),
       COUNT(*)
  FROM tickets_scorefact f JOIN w
    ON (f.resolved_at >= w.s AND f.resolved_at < w.a)
    OR ((f.resolved_at IS NULL OR f.resolved_at >= w.a)
        AND f.resolve_due_at >= w.s AND f.resolve_due_at < w.a)
 WHERE f.contract_id = %s AND f.data_maintenance AND NOT f.ended
 GROUP BY w.k
"""


def ticket_counts(contract_id: int, windows: dict[str, Window]) -> Counts:
    """(for, against, not counted) of every ticket part in every window; absent keys had no case."""
    if not windows:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(*counts_query(contract_id, windows))
        return {
            (key, part): (int(for_), int(against), int(total) - int(for_) - int(against))
            for part, key, for_, against, total in cursor.fetchall()
        }


def counts_query(contract_id: int, windows: dict[str, Window]) -> tuple[str, list]:
    adapt = connection.ops.adapt_datetimefield_value
    params: list = []
    for key, w in windows.items():
        params += [key, adapt(w.start_at), adapt(w.end_at), adapt(w.as_of)]
    if connection.vendor == "postgresql":
        row = "(%s::text, %s::timestamptz, %s::timestamptz, %s::timestamptz)"
    else:
        row = "(%s, %s, %s, %s)"
    sql = _SQL.format(values=", ".join([row] * len(windows)))
    params += [contract_id] * 3
    return sql, params
