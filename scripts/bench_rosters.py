"""Time the rosters pages and the attendance report on the loaded demo (a benchmark, not a test).

Run ``.venv/bin/python scripts/bench_rosters.py`` after ``make demo`` (var/db.sqlite3, or DATABASE_URL).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jinbao_service.settings.local")

import django

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from contracts.models import Contract  # noqa: E402
from rosters.selectors import attendance_report, staffing_report  # noqa: E402

RUNS = 7
PAGES = [
    ("bureau", "/"),
    ("bureau", "/rosters/attendance/month/?month=2023-06"),
    ("bureau", "/rosters/attendance/rates/"),
    ("bureau", "/rosters/staffing/?show=all"),
    ("pm", "/"),
    ("pm", "/rosters/logs/"),
    ("pm", "/rosters/meetings/"),
    ("eng1", "/"),
    ("eng1", "/rosters/attendance/mine/"),
]


def timed(fn):
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def main():
    contract_2023 = Contract.objects.get(number="JTRS-JB-2023-001")
    for label, fn in [
        ("attendance_report(2023, whole year)", lambda: attendance_report(contract_2023).overall),
        ("staffing_report(2023, whole year)", lambda: staffing_report(contract_2023).breaches),
    ]:
        median, worst = timed(fn)
        print(f"{label:58s} median {median:7.1f} ms  max {worst:7.1f} ms")
    for username, path in PAGES:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        if "2023" in path or path.endswith(("/rates/", "/staffing/?show=all")):
            client.post("/contracts/switch/", {"contract": contract_2023.pk})
        client.get(path)  # warm up
        reset_queries()  # DEBUG keeps a log that each request resets; start the count from empty
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        median, worst = timed(lambda c=client, p=path: c.get(p))
        timing = f"median {median:6.1f} ms  max {worst:6.1f} ms"
        print(f"{username:7s} {path:50s} {timing}  {len(queries):3d} queries")


if __name__ == "__main__":
    main()
