"""What a page costs before its own work (issue 14): on the bench data set, the median time of

- ``bare``: a login-required view answering "ok" (every middleware, the session and the user);
- ``perm``: the same plus one permission check (the user's and groups' permissions: one query);
- ``base``: the same rendering ``base.html`` (the header: navigation, the contract in use and the
  switcher, the unread count; the footer);

then of a few real pages, for comparison. The three test views are added to the URLs of this process
only. Run after ``make bench`` has seeded:

    BENCH_DATABASE_URL=postgres://…/jinbao_bench .venv/bin/python scripts/bench_floor.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # sets Django up on the bench database
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import clear_url_caches, path

import jinbao_service.urls as project_urls
from contracts.models import Contract

PAGES = ["/tickets/signoffs/", "/tickets/", "/"]
RUNS = 40


@login_required
def bare(request):
    return HttpResponse("ok")


@login_required
def perm(request):
    request.user.has_perm("tickets.view_ticket")
    return HttpResponse("ok")


@login_required
def base(request):
    return render(request, "base.html", {})


def main() -> None:
    project_urls.urlpatterns[:0] = [
        path("floor/bare/", bare),
        path("floor/perm/", perm),
        path("floor/base/", base),
    ]
    clear_url_caches()
    bench.analyze()
    client = bench.client_for("pm", Contract.objects.get(number="JTRS-JB-2025-001"))
    print(f"{'page':28s} {'median ms':>9s}")
    for page in ["/floor/bare/", "/floor/perm/", "/floor/base/", *PAGES]:
        for _ in range(5):
            response = client.get(page)
        if response.status_code != 200:
            raise SystemExit(f"{page} answered HTTP {response.status_code}")
        samples = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            client.get(page)
            samples.append((time.perf_counter() - t0) * 1000)
        print(f"{page:28s} {statistics.median(samples):9.1f}")


if __name__ == "__main__":
    main()
