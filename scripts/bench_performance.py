"""Time the score, the settlement and their pages on the loaded demo (a benchmark, not a test).

Run ``.venv/bin/python scripts/bench_performance.py`` after ``make demo`` (var/db.sqlite3, or
DATABASE_URL). The 2023 contract has a full year: ~700 requests, ~500 engineer-days, 24 answers.
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
from common.pdf import render_pdf  # noqa: E402
from contracts.models import Contract  # noqa: E402
from payments.models import PaymentNotice  # noqa: E402
from payments.selectors import settlement  # noqa: E402
from performance import rules, selectors  # noqa: E402

RUNS = 7
PAGES = [
    ("finance", "/"),
    ("finance", "/payments/"),
    ("bureau", "/performance/"),
    ("bureau", "/performance/?period=2023-Q2"),
    ("bureau", "/performance/contract/completion/?outcome=all"),
    ("bureau", "/performance/contract/attendance/?outcome=all&page=10"),
    ("bureau", "/performance/surveys/"),
    ("pm", "/api/contracts/{pk}/settlement/"),
]


def timed(fn):
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), max(samples)


def main():
    contract = Contract.objects.get(number="JTRS-JB-2023-001")
    period = rules.contract_period(contract.start_on, contract.end_on)

    def live_card():
        return selectors.compute_card(contract, period, selectors.Evidence(contract)).total

    def trend():
        return selectors.monthly_trend(contract, selectors.Evidence(contract))

    notice = PaymentNotice.objects.filter(contract=contract).first()
    for label, fn in [
        ("live score of 2023 (whole year, not the lock)", live_card),
        ("locked score of 2023 (snapshot)", lambda: selectors.score_card(contract).total),
        ("monthly trend of 2023 (12 months, one evidence)", trend),
        ("settlement of 2023", lambda: settlement(contract).final.amount),
        (
            "payment notice PDF",
            lambda: render_pdf("payments/pdf/notice.html", {"notice": notice, "snap": notice.snapshot}),
        ),
    ]:
        median, worst = timed(fn)
        print(f"{label:58s} median {median:7.1f} ms  max {worst:7.1f} ms")
    for username, path in PAGES:
        path = path.format(pk=contract.pk)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        client.post("/contracts/switch/", {"contract": contract.pk})
        client.get(path)  # warm up
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
        median, worst = timed(lambda c=client, p=path: c.get(p))
        print(
            f"{username:7s} {path:50s} median {median:6.1f} ms max {worst:6.1f} ms {len(queries):3d} queries"
        )


if __name__ == "__main__":
    main()
