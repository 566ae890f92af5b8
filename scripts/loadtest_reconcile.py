#!/usr/bin/env python
"""The reconciliation of ``make loadtest`` (scripts/loadtest.py).

loadtest_reconcile.py mark            → JSON: where the database stood before the run
loadtest_reconcile.py check MARK EXTRA → the table of figures; exit 1 if a line fails
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import django

django.setup()

from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from common.audit import verify_chain  # noqa: E402
from common.models import AuditEntry, Notification, OutboxMessage  # noqa: E402
from tickets.models import Comment, Ticket, TimeEntry  # noqa: E402


def mark() -> None:
    print(
        json.dumps(
            {
                "audit_seq": AuditEntry.objects.aggregate(m=Max("seq"))["m"] or 0,
                "notification": Notification.objects.aggregate(m=Max("id"))["m"] or 0,
                "outbox": OutboxMessage.objects.aggregate(m=Max("id"))["m"] or 0,
                "at": timezone.now().isoformat(),
            }
        )
    )


def check(marks: dict, extra: dict) -> int:
    rows: list[tuple[str, str, bool]] = []

    def line(what: str, figure, ok: bool) -> None:
        rows.append((what, str(figure), ok))

    # drain: the outbox and the e-mails of the run
    notes = Notification.objects.filter(pk__gt=marks["notification"], email=True)
    outbox = OutboxMessage.objects.filter(pk__gt=marks["outbox"])
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if (
            not outbox.filter(sent_at__isnull=True).exists()
            and not notes.filter(emailed_at__isnull=True).exists()
        ):
            break
        time.sleep(2)

    locust = extra.get("locust") or {}
    line("requests (Locust)", locust.get("requests", 0), locust.get("requests", 0) > 0)
    line("errors", locust.get("failures", "?"), locust.get("failures") == 0)
    line(
        "requests/s",
        f"{locust.get('rps', 0):.1f} (target ≥ {extra['target_rps']:.0f})",
        locust.get("rps", 0) >= extra["target_rps"],
    )
    line(
        "p95 ms",
        f"{locust.get('p95_ms', 0):.0f} (target < {extra['target_p95_ms']:.0f}; p50 "
        f"{locust.get('p50_ms', 0):.0f}, p99 {locust.get('p99_ms', 0):.0f})",
        0 < locust.get("p95_ms", 0) < extra["target_p95_ms"],
    )

    ledger = (
        [json.loads(x) for x in Path(os.environ["LOADTEST_LEDGER"]).read_text().splitlines() if x.strip()]
        if Path(os.environ["LOADTEST_LEDGER"]).exists()
        else []
    )
    by_kind: dict[str, list[dict]] = {}
    for entry in ledger:
        by_kind.setdefault(entry["kind"], []).append(entry)
    bad = []
    for entry in by_kind.get("request", []):
        found = list(Ticket.objects.filter(title=f"压测请求 {entry['marker']}").values_list("pk", flat=True))
        attachments = Ticket.objects.get(pk=found[0]).attachments.count() if len(found) == 1 else 0
        if found != [entry["ticket"]] or (entry.get("attachment") and attachments != 1):
            bad.append(entry)
    line(
        "requests filed, each once (with attachments)",
        f"{len(by_kind.get('request', []))} ({len(bad)} wrong)",
        not bad,
    )
    bad = [
        e
        for e in by_kind.get("comment", [])
        if Comment.objects.filter(body__contains=e["marker"]).count() != 1
    ]
    line("comments, each once", f"{len(by_kind.get('comment', []))} ({len(bad)} wrong)", not bad)
    bad = [
        e
        for e in by_kind.get("time", [])
        if TimeEntry.objects.filter(note__contains=e["marker"]).count() != 1
    ]
    line("time entries, each once", f"{len(by_kind.get('time', []))} ({len(bad)} wrong)", not bad)
    confirmed = {e["ticket"] for e in by_kind.get("confirm", [])}
    bad = [
        pk
        for pk in confirmed
        if AuditEntry.objects.filter(action="ticket.confirm", object_id=str(pk)).count() != 1
    ]
    line("confirmations, one audit entry each", f"{len(confirmed)} ({len(bad)} wrong)", not bad)

    counts: dict[int, int] = {}
    for path in Path(os.environ["LOADTEST_EMAIL_DIR"]).glob("*"):
        for pk in re.findall(r"^Message-ID: <notification-(\d+)@", path.read_text(errors="replace"), re.M):
            counts[int(pk)] = counts.get(int(pk), 0) + 1
    expected = set(notes.values_list("pk", flat=True))
    lost = expected - set(counts)
    twice = [pk for pk in expected if counts.get(pk, 0) > 1]
    line(
        "notification e-mails sent exactly once",
        f"{len(expected)} (lost {len(lost)}, twice {len(twice)})",
        not lost and not twice,
    )
    line(
        "outbox pending after the run",
        outbox.filter(sent_at__isnull=True).count(),
        not outbox.filter(sent_at__isnull=True).exists(),
    )

    report = verify_chain()
    line(
        "audit chain",
        f"{report.checked} entries verified" if report.ok else f"broken at #{report.broken_seq}",
        report.ok,
    )
    for name in ("web", "worker"):
        before, after = extra["memory_before"][name], extra["memory_after"][name]
        growth = (after - before) / before * 100 if before else 0
        line(
            f"{name} memory (RSS)",
            f"{before / 1024:.0f} → {after / 1024:.0f} MB ({growth:+.1f} %)",
            growth <= 10,
        )

    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'check':{width}s}  {'figure':58s}  result")
    for what, figure, ok in rows:
        print(f"{what:{width}s}  {figure:58s}  {'ok' if ok else 'FAIL'}")
    return 0 if all(ok for _, _, ok in rows) else 1


if __name__ == "__main__":
    if sys.argv[1] == "mark":
        mark()
    else:
        sys.exit(check(json.loads(sys.argv[2]), json.loads(sys.argv[3])))
