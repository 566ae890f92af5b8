#!/usr/bin/env python
"""`make run`: the web server, a Celery worker and Celery beat, stopped together by Ctrl-C.

Honours PORT (default 8000) and HOST (default 127.0.0.1). Uses the embedded default (SQLite and
the filesystem broker) unless DATABASE_URL / CELERY_BROKER_URL are set.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from demo.credentials import demo_totp_secret  # noqa: E402 - needs ROOT on the path; imports no Django

PY = sys.executable
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")
VAR = ROOT / "var"


def start(name: str, cmd: list[str]) -> subprocess.Popen:
    # Each child leads its own process group so that stopping it stops its own children too.
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True)
    print(f"[run] started {name} (pid {proc.pid})", flush=True)
    return proc


def stop_all(procs: dict[str, subprocess.Popen]) -> None:
    """SIGTERM each service (Celery then shuts down warmly and stops its own pool; the web server's
    autoreloader child goes with its group), wait, then kill whatever is left of every group."""
    for name, proc in procs.items():
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                if name == "web":
                    os.killpg(proc.pid, signal.SIGTERM)
                else:
                    proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 15
    for name, proc in procs.items():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"[run] {name} did not stop, killing it", flush=True)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_for_http(url: str, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            time.sleep(0.3)
    return False


def banner(url: str) -> None:
    password = os.environ.get("DEMO_PASSWORD") or "Jinbao@2023"
    totp = demo_totp_secret()
    logins = [
        ("staff1", "经办人员（养老保险科）"),
        ("head1", "科室负责人（养老保险科）"),
        ("bureau", "局信息化管理员"),
        ("eng1", "驻场工程师"),
        ("pm", "项目经理"),
        ("finance", "财务"),
        ("auditor", "审计员"),
        ("sysadmin", "系统管理员"),
        ("secadmin", "安全管理员"),
        ("staff2", "经办人员（就业管理中心）"),
    ]
    print("\n" + "=" * 72)
    print(f"  金保服务运维门户 is running at {url}")
    print(f"  Demo logins (password {password}):")
    for username, role in logins:
        print(f"    {username:<10} {role}")
    print(f"  Second factor (bureau, auditor, sysadmin, secadmin): TOTP secret {totp}")
    print(
        "    add it to an authenticator app, or print the current code: .venv/bin/python manage.py demo_totp"
    )
    print("  Press Ctrl-C to stop the web server, the Celery worker and beat.")
    print("=" * 72 + "\n", flush=True)


def main() -> int:
    (VAR / "celery").mkdir(parents=True, exist_ok=True)
    env_note = os.environ.get("DATABASE_URL", "SQLite (var/db.sqlite3)")
    broker = os.environ.get("CELERY_BROKER_URL", "filesystem (var/celery)")
    print(f"[run] database: {env_note.split('@')[-1]}; broker: {broker.split('@')[-1]}", flush=True)
    procs = {
        "web": start("web", [PY, "manage.py", "runserver", f"{HOST}:{PORT}"]),
        "worker": start(
            "worker",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "jinbao_service",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--hostname=worker@%h",
            ],
        ),
        "beat": start(
            "beat",
            [
                PY,
                "-m",
                "celery",
                "-A",
                "jinbao_service",
                "beat",
                "--loglevel=INFO",
                f"--pidfile={VAR / 'celerybeat.pid'}",
            ],
        ),
    }
    stopping = False

    def handle(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
    url = f"http://{HOST}:{PORT}/"
    if wait_for_http(url + "accounts/login/"):
        banner(url)
    code = 0
    try:
        while not stopping:
            for name, proc in procs.items():
                if proc.poll() is not None:
                    print(f"[run] {name} exited with code {proc.returncode}; stopping the others", flush=True)
                    stopping, code = True, 1
                    break
            time.sleep(0.5)
    finally:
        print("[run] stopping web, worker and beat…", flush=True)
        stop_all(procs)
        (VAR / "celerybeat.pid").unlink(missing_ok=True)
        print("[run] all stopped", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
