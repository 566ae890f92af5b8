#!/usr/bin/env python
"""``make bench HTTP=1``: requests per second and latency of the busiest pages over HTTP, in the
production shape on this machine (a benchmark, not a test; never in CI).

1. The bench data set (``scripts/bench.py``'s seed, made once; same database rules: BENCH_DATABASE_URL,
   or ``jinbao_bench`` on DATABASE_URL's PostgreSQL server). It is seeded first if missing.
2. One logged-in session per role, made in the bench database (past the second factor, the 2025
   contract in use), exactly as ``scripts/bench.py`` logs its clients in.
3. gunicorn with 2 workers (DEBUG off, ``jinbao_service.settings.loadtest``) on 127.0.0.1.
4. For each page: one GET with ``curl``-like checks (HTTP 200, not a redirect to the login page), then
   ``wrk -t2 -c10 -d<BENCH_HTTP_SECONDS>s --latency`` with the session cookie. ``wrk`` comes from apt
   (installed here if missing). wrk and gunicorn share the machine's cores, as the issue measured.

Printed: requests/s, p50 and p99 latency and non-2xx answers per page, against issue 14's targets;
exit 1 if a page answered an error. Knobs: BENCH_HTTP_SECONDS (default 20), BENCH_HTTP_CONNECTIONS (10),
BENCH_HTTP_PORT (8766).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from loadtest import bench_url, gunicorn, start, wait_http  # noqa: E402 — the same server and database as make loadtest

PY = sys.executable
VAR = ROOT / "var" / "bench"
PORT = int(os.environ.get("BENCH_HTTP_PORT", "8766"))
SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "20"))
CONNECTIONS = int(os.environ.get("BENCH_HTTP_CONNECTIONS", "10"))

# (label, role's username, path, target requests/s) — issue 14's table.
PAGES = [
    ("/tickets/ (pm)", "pm", "/tickets/", 150),
    ("/tickets/ (staff1)", "staff1", "/tickets/", 150),
    ("home (pm)", "pm", "/", 100),
    ("home (bureau)", "bureau", "/", 100),
    ("home (staff1)", "staff1", "/", 100),
    ("home (eng1)", "eng1", "/", 100),
    ("/payments/ (finance)", "finance", "/payments/", 60),
    # loaded after the home page (htmx); no target of their own in the issue
    ("home team panel (pm)", "pm", "/rosters/home-panel/team/", 0),
    ("home on-site panel (bureau)", "bureau", "/rosters/home-panel/bureau/", 0),
    ("home score panel (bureau)", "bureau", "/performance/home-panel/", 0),
]

# Run inside the bench database's Django (scripts/bench.py's module: its database rules and logins).
_SESSIONS = """
import json, runpy
bench = runpy.run_path("scripts/bench.py")
bench["ensure_seed"]()
from contracts.models import Contract
big = Contract.objects.get(number="JTRS-JB-2025-001")
from django.utils import timezone
from security.models import PasswordHistory
PasswordHistory.objects.update(created_at=timezone.now())
out = {}
for name in %r:
    client = bench["client_for"](name, big)
    out[name] = client.cookies["sessionid"].value
print("SESSIONS=" + json.dumps(out))
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("bench-http: installing wrk (apt)", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk") or "wrk"


def environment() -> dict:

    return {
        **os.environ,
        "DATABASE_URL": bench_url(),
        "BENCH_DATABASE_URL": bench_url(),
        "DJANGO_SETTINGS_MODULE": "jinbao_service.settings.loadtest",
        "JINBAO_VAR_DIR": str(VAR),
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "dummy://",
        "PYTHONUNBUFFERED": "1",
    }


def sessions(env: dict) -> dict[str, str]:
    users = sorted({user for _label, user, _path, _target in PAGES})
    done = subprocess.run(
        [PY, "-c", _SESSIONS % (users,)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "jinbao_service.settings.local"},
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("SESSIONS="))
    return json.loads(line.removeprefix("SESSIONS="))


def check_page(url: str, cookie: str) -> None:
    """One GET: it must be the page itself (HTTP 200), not a redirect to the login or a switch."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})  # noqa: S310 — our own server
    try:
        with opener.open(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        raise SystemExit(
            f"bench-http: GET {url} answered HTTP {status}, not the page (see var/bench/web.log)"
        )


def parse_wrk(text: str) -> dict:
    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = re.search(r"Socket errors:.*?timeout (\d+)", text)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non2xx": int(bad.group(1)) if bad else 0,
        "timeouts": int(errors.group(1)) if errors else 0,
    }


def main() -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    wrk = ensure_wrk()
    env = environment()
    print("bench-http: seeding/reusing the bench data set and logging the roles in", flush=True)
    cookies = sessions(env)
    web = start("web", gunicorn(PORT), env, logs=VAR)  # the same server as make loadtest's
    results = []
    try:
        base = f"http://127.0.0.1:{PORT}"
        wait_http(f"{base}/accounts/login/", 60)
        for label, user, path, target in PAGES:
            url = base + path
            check_page(url, cookies[user])
            # warm both workers (code, caches, connections) before measuring
            subprocess.run(
                [wrk, "-t2", "-c4", "-d3s", "-H", f"Cookie: sessionid={cookies[user]}", url],
                check=True,
                capture_output=True,
            )
            done = subprocess.run(
                [
                    wrk, "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "30s",
                    "-H", f"Cookie: sessionid={cookies[user]}", url,
                ],
                check=True,
                capture_output=True,
                text=True,
            )  # fmt: skip
            figures = parse_wrk(done.stdout)
            results.append((label, target, figures))
            print(f"  measured {label}: {figures['rps']:.1f} req/s", flush=True)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=20)
    print()
    print(
        f"gunicorn -w 2, wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, logged in "
        f"(load average {os.getloadavg()[0]:.2f} at the end)"
    )
    width = max(len(r[0]) for r in results)
    print(
        f"{'page':{width}s}  {'req/s':>7s}  {'target':>6s}  {'p50 ms':>7s}  {'p99 ms':>7s}  "
        f"{'non-2xx':>7s}  met"
    )
    failed = False
    for label, target, f in results:
        met = f["rps"] >= target if target else None
        failed |= bool(f["non2xx"] or f["timeouts"])
        print(
            f"{label:{width}s}  {f['rps']:7.1f}  {target or '—':>6}  {f['p50']:7.1f}  {f['p99']:7.1f}  "
            f"{f['non2xx'] + f['timeouts']:7d}  {'—' if met is None else 'yes' if met else 'NO'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
