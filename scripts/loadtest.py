#!/usr/bin/env python
"""``make loadtest``: Locust (headless) against the production shape on this machine, then a
reconciliation. A load test, not a test: never in CI.

1. The bench data set (scripts/bench.py's seed, made once, in ``jinbao_bench`` on DATABASE_URL's
   PostgreSQL server, or BENCH_DATABASE_URL).
2. gunicorn (2 workers, DEBUG off), a Celery worker and beat, on that database and Redis
   (LOADTEST_BROKER_URL, default redis://127.0.0.1:6379/14); e-mails written to files.
3. Locust: LOADTEST_USERS (default 60) users, LOADTEST_SPAWN_RATE (10/s), LOADTEST_DURATION (5m);
   the mix is scripts/locustfile.py.
4. Reconciliation: every write Locust got a success for is in the database exactly once (requests with
   their attachments, comments, time entries, confirmations with one audit entry each); every
   notification of the run was e-mailed exactly once (outbox drained); the audit chain verifies; web
   and worker memory grew by at most 10 %; p95 < 300 ms, 0 errors, ≥ 100 requests/s. One table;
   exit 1 if any line fails.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
VAR = ROOT / "var" / "loadtest"
PORT = int(os.environ.get("LOADTEST_PORT", "8765"))
USERS = os.environ.get("LOADTEST_USERS", "60")
SPAWN = os.environ.get("LOADTEST_SPAWN_RATE", "10")
DURATION = os.environ.get("LOADTEST_DURATION", "5m")
TARGET_RPS = float(os.environ.get("LOADTEST_TARGET_RPS", "100"))
TARGET_P95_MS = float(os.environ.get("LOADTEST_TARGET_P95_MS", "300"))


def bench_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL", "").strip()
    if url:
        return url
    dev = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jinbao").strip()
    if not dev.startswith(("postgres://", "postgresql://")):
        raise SystemExit("loadtest: needs PostgreSQL (DATABASE_URL=postgres://… or BENCH_DATABASE_URL)")
    return urlunsplit(urlsplit(dev)._replace(path="/jinbao_bench"))


def environment() -> dict:
    mail = VAR / "mail"
    return {
        **os.environ,
        "DATABASE_URL": bench_url(),
        "CELERY_BROKER_URL": os.environ.get("LOADTEST_BROKER_URL", "redis://127.0.0.1:6379/14"),
        "DJANGO_SETTINGS_MODULE": "jinbao_service.settings.local",
        "JINBAO_VAR_DIR": str(ROOT / "var" / "bench"),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "locmem://",  # replaced by the file backend below
        "LOADTEST_EMAIL_DIR": str(mail),
        "LOADTEST_LEDGER": str(VAR / "ledger.jsonl"),
        "PYTHONUNBUFFERED": "1",
    }


def rss_kb(pid: int) -> int:
    """Resident memory of a process and its children (gunicorn's and Celery's workers)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+)", status)
        total += int(match.group(1)) if match else 0
    return total


def gunicorn(port: int) -> list[str]:
    """The web server of the production shape: gunicorn with 2 workers on 127.0.0.1:``port``."""
    return [
        PY,
        "-m",
        "gunicorn",
        "jinbao_service.wsgi",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
    ]


def start(name: str, args: list[str], env: dict, *, logs: Path = VAR) -> subprocess.Popen:
    log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 — closed with the process
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_http(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 — our own local server
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"loadtest: {url} did not answer within {seconds:.0f} s (see var/loadtest/*.log)")


def main() -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    for stale in [VAR / "ledger.jsonl", *VAR.glob("locust_*.csv")]:
        stale.unlink(missing_ok=True)
    (VAR / "mail").mkdir(exist_ok=True)
    for f in (VAR / "mail").glob("*"):
        f.unlink()
    env = environment()
    env["DJANGO_SETTINGS_MODULE"] = "jinbao_service.settings.loadtest"
    print(
        f"loadtest: seeding/reusing the bench data set in {urlsplit(env['DATABASE_URL']).path[1:]}",
        flush=True,
    )
    subprocess.run(
        [PY, "-c", "import runpy; runpy.run_path('scripts/bench.py')['ensure_seed']()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "jinbao_service.settings.local"},
        check=True,
    )
    marks = subprocess.run(
        [PY, "scripts/loadtest_reconcile.py", "mark"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    procs = {
        "web": start("web", gunicorn(PORT), env),
        "worker": start(
            "worker",
            [PY, "-m", "celery", "-A", "jinbao_service", "worker", "--concurrency=2", "--loglevel=WARNING"],
            env,
        ),
        "beat": start(
            "beat", [PY, "-m", "celery", "-A", "jinbao_service", "beat", "--loglevel=WARNING"], env
        ),
    }
    try:
        wait_http(f"http://127.0.0.1:{PORT}/accounts/login/", 60)
        time.sleep(3)
        print(f"loadtest: Locust {USERS} users, spawn {SPAWN}/s, {DURATION}", flush=True)
        locust = subprocess.Popen(
            [
                PY, "-m", "locust", "-f", "scripts/locustfile.py", "--headless", "--only-summary",
                "-u", USERS, "-r", SPAWN, "-t", DURATION, "--host", f"http://127.0.0.1:{PORT}",
                "--csv", str(VAR / "locust"), "--exit-code-on-error", "0",
            ],
            cwd=ROOT,
            env=env,
        )  # fmt: skip
        # memory is compared from the end of the warm-up (a fifth of the run, at most a minute): the
        # first requests load code and fill caches, which is not growth
        time.sleep(min(60.0, seconds(DURATION) / 5))
        memory_before = {name: rss_kb(procs[name].pid) for name in ("web", "worker")}
        locust.wait()
        memory_after = {name: rss_kb(procs[name].pid) for name in ("web", "worker")}
        print("loadtest: letting the worker drain the outbox and the e-mails", flush=True)
        stats = locust_stats(VAR / "locust_stats.csv")
        result = subprocess.run(
            [
                PY,
                "scripts/loadtest_reconcile.py",
                "check",
                marks,
                json.dumps(
                    {
                        "memory_before": memory_before,
                        "memory_after": memory_after,
                        "locust": stats,
                        "locust_rc": locust.returncode,
                        "target_rps": TARGET_RPS,
                        "target_p95_ms": TARGET_P95_MS,
                    }
                ),
            ],
            cwd=ROOT,
            env=env,
        )
        return result.returncode
    finally:
        for proc in procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def seconds(duration: str) -> float:
    """Locust's run time ("300", "5m", "1h30m") in seconds."""
    parts = re.findall(r"(\d+)([hms]?)", duration)
    return float(sum(int(n) * {"h": 3600, "m": 60}.get(unit, 1) for n, unit in parts))


def locust_stats(path: Path) -> dict:
    if not path.exists():
        return {}
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    total = next((r for r in rows if r.get("Name") == "Aggregated"), None)
    if total is None:
        return {}
    return {
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50_ms": float(total["50%"] or 0),
        "p95_ms": float(total["95%"] or 0),
        "p99_ms": float(total["99%"] or 0),
    }


if __name__ == "__main__":
    sys.exit(main())
