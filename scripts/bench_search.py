"""Search timings of issue 17 on the bench data set (``scripts/bench.py``'s database and seed).

    DATABASE_URL=postgres://…/<db> .venv/bin/python scripts/bench_search.py

Seeds the bench database like ``make bench`` when it has no seed, indexes the requests the seed
bulk-inserted (``tickets.search.reindex_all``), tops the requests up to ``BENCH_SEARCH_TICKETS``
(default 200,000) by copying existing rows (then indexing the copies), and times the search page and
the filing-time suggestions (median, p95, queries) for one- and two-word Chinese queries.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench
from django.db import connection, transaction

from tickets.models import SearchDocument, Ticket
from tickets.search import reindex_all

TARGET = int(os.environ.get("BENCH_SEARCH_TICKETS") or 200_000)

QUERIES = [(f"{len(q.split())} word{'s' if ' ' in q else ''}", q) for q in bench.SEARCH_QUERIES]


def top_up() -> None:
    """Copy existing requests (all columns but the id) until there are TARGET of them."""
    fields = [f.column for f in Ticket._meta.concrete_fields if f.column != "id"]
    cols = ", ".join(connection.ops.quote_name(c) for c in fields)
    table = Ticket._meta.db_table
    while (count := Ticket.objects.count()) < TARGET:
        first_new = (Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        limit = min(count, TARGET - count)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {table} ORDER BY id LIMIT %s",  # noqa: S608 - model names
                [limit],
            )
        print(f"bench_search: copied {limit:,d} requests (from id {first_new})", flush=True)


def main() -> None:
    bench.ensure_seed()
    t0 = time.perf_counter()
    top_up()
    if SearchDocument.objects.count() < Ticket.objects.count():
        n = reindex_all()
        print(f"bench_search: indexed {n:,d} requests in {time.perf_counter() - t0:.0f} s", flush=True)
    bench.analyze()  # planner statistics after the bulk loads
    contract = None
    results = []
    # The search alone (what the page's search costs without the page around it): the ranked results,
    # the first page with its snippets, and the articles — the queries the search page runs for it.
    from accounts.models import User
    from kb.selectors import search_articles
    from kb.views import ResultPaginator
    from tickets.search import annotate_snippets, search_tickets

    def search_once(user, q):
        found = search_tickets(user, q)
        rows = list(ResultPaginator(found, 20).get_page(1).object_list)
        annotate_snippets(user, rows, q)
        list(search_articles(user, q)[:5])

    for username in ("pm", "staff1"):
        user = User.objects.get(username=username)
        for label, q in QUERIES:
            search_once(user, q)
            median, worst = bench.timed(lambda user=user, q=q: search_once(user, q))
            results.append((f"search query as {username}: {label} {q!r}", median, worst, 0))
    for username in ("pm", "staff1"):
        client = bench.client_for(username, contract)
        for label, q in QUERIES:
            results.append(
                bench.measure_page(f"search as {username}: {label} {q!r}", client, f"/kb/search/?q={q}")
            )
    staff = bench.client_for("staff1", contract)
    pm = bench.client_for("pm", contract)
    results.append(bench.measure_page("request list filter q=初始化 (pm)", pm, "/tickets/?q=初始化"))
    results.append(bench.measure_page("API q=初始化 (pm)", pm, "/api/tickets/?q=初始化"))
    for title in ("养老金调整", "初始化后期初数据不对"):
        results.append(
            bench.measure_page(
                f"suggestions while filing {title!r}", staff, f"/tickets/similar/?title={title}"
            )
        )
    print(f"\nRequests: {Ticket.objects.count():,d} ({connection.vendor}, {bench.RUNS} runs each)")
    width = max(len(r[0]) for r in results)
    print(f"{'what':{width}s}  {'median ms':>9s}  {'p95 ms':>8s}  {'queries':>7s}")
    for label, median, worst, queries in results:
        print(f"{label:{width}s}  {median:9.1f}  {worst:8.1f}  {queries:7d}")


if __name__ == "__main__":
    main()
