"""A real Celery worker, on the broker in use (filesystem by default, Redis in CI), runs a task."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from common.models import Notification
from jinbao_service.celery import app

from .celery_probe import PROBE
from .factories import make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_sends_a_notification_email():
    user = make_user("pm")
    note = Notification.objects.create(recipient=user, title="周报草稿已生成")
    queue = f"test-{uuid.uuid4().hex[:8]}"  # parallel test processes must not take each other's tasks
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        app.send_task("common.tasks.send_notification_emails", args=[[note.pk]], queue=queue)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            note.refresh_from_db()
            if note.emailed_at:
                break
            time.sleep(0.2)
    assert note.emailed_at is not None, "the worker did not run the task within 30 s"


def test_worker_runs_a_scheduled_reminder_end_to_end():
    from jobs.models import InitializationRecord, JobRun, Reminder

    from .factories import make_contract

    make_contract()
    pm = make_user("pm")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        # the first working day of October 2023 is the make-up Saturday after National Day
        app.send_task("jobs.monthly_initialization", kwargs={"on": "2023-10-07"}, queue=queue)
        app.send_task("jobs.monthly_initialization", kwargs={"on": "2023-10-07"}, queue=queue)  # a retry
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and JobRun.objects.filter(outcome="ok").count() < 2:
            time.sleep(0.2)
    assert JobRun.objects.filter(job="jobs.monthly_initialization", outcome="ok").count() == 2
    assert Reminder.objects.filter(job="jobs.monthly_initialization").count() == 1
    assert InitializationRecord.objects.get().due_on.isoformat() == "2023-10-07"
    assert Notification.objects.filter(recipient=pm, kind="jobs.monthly_initialization").count() == 1


# --- a task killed mid-way is delivered again and finishes ------------------------------------------
# Real worker subprocesses (``python -m celery -A jinbao_service worker``) on the broker in use, with
# the settings of tests/celery_worker_settings.py and the test-only task of tests/celery_probe.py.

ROOT = Path(__file__).resolve().parent.parent


def _on_filesystem_broker() -> bool:
    return str(app.conf.broker_url or "").startswith("filesystem://")


class _Workers:
    """Worker subprocesses of one test, each in its own process group; all killed at the end."""

    def __init__(self, folder: Path, queue: str):
        self.folder, self.queue, self.procs = folder, queue, []

    def start(self, pool: str, **extra_env: str) -> subprocess.Popen:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.celery_worker_settings", **extra_env}
        if _on_filesystem_broker():  # the same broker folder as this process
            env["CELERY_BROKER_DIR"] = str(
                Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).parent
            )
        n = len(self.procs) + 1
        log = open(self.folder / f"worker-{n}.log", "wb")  # noqa: SIM115 — closed with the process
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "jinbao_service",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}-{n}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.procs.append(proc)
        return proc

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} ---\n" + p.read_text(errors="replace")[-3000:]
            for p in sorted(self.folder.glob("worker-*.log"))
        )

    def wait_for(self, what: str, predicate, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        pytest.fail(f"{what}: not within {seconds:.0f} s\n{self.logs()}")

    def stop_all(self) -> None:
        """Kill each worker with its pool processes (its group): by then nothing is left to finish, and
        a graceful shutdown of a prefork worker takes seconds."""
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture
def workers(tmp_path):
    group = _Workers(tmp_path, f"test-{uuid.uuid4().hex[:8]}")
    yield group
    group.stop_all()


def _runs(folder: Path) -> list[tuple[int, bool]]:
    started = folder / "started"
    if not started.exists():
        return []
    return [
        (int(pid), flag == "1") for pid, flag in (line.split() for line in started.read_text().splitlines())
    ]


@pytest.mark.skipif(
    _on_filesystem_broker(),
    reason="kombu's filesystem transport deletes a message file when it delivers it and keeps the "
    "unacknowledged message only in the worker's memory: a worker killed with SIGKILL loses it. "
    "Production and CI use Redis (CELERY_BROKER_URL=redis://…), where this runs.",
)
def test_a_task_whose_worker_is_killed_is_redelivered_to_another_worker_and_finishes(workers):
    """acks_late: the message stays unacknowledged while the task runs; kill -9 the whole worker (its
    main process and pool process) and Redis hands it to the next worker once the visibility timeout
    (4 s for the test workers, tests/celery_worker_settings.py) has passed. A prefork worker, because
    its main process would acknowledge an early-acked task at once; with the solo pool the running task
    blocks the event loop, so even an early ack never reaches Redis and the test would prove nothing."""
    first = workers.start("prefork")
    app.send_task(PROBE, args=[str(workers.folder)], queue=workers.queue)
    workers.wait_for("the first worker started the task", lambda: len(_runs(workers.folder)) == 1, 30)
    time.sleep(0.5)  # time for an (early) acknowledgement to reach the broker, were there one
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert not (workers.folder / "finished").exists()
    (workers.folder / "release").touch()
    workers.start("prefork")
    workers.wait_for("the task was redelivered and finished", (workers.folder / "finished").exists, 30)
    runs = _runs(workers.folder)
    assert len(runs) == 2 and runs[1][1] is True, runs  # run again, flagged as redelivered


def test_a_task_whose_pool_process_is_killed_is_requeued_and_finishes(workers):
    """reject_on_worker_lost: kill -9 the pool process running the task (prefork); the worker rejects
    the message with requeue and runs it again in a new pool process — on every broker."""
    worker = workers.start("prefork")
    app.send_task(PROBE, args=[str(workers.folder)], queue=workers.queue)
    workers.wait_for("the worker started the task", lambda: len(_runs(workers.folder)) == 1, 30)
    child = _runs(workers.folder)[0][0]
    assert child != worker.pid
    os.kill(child, signal.SIGKILL)
    (workers.folder / "release").touch()
    workers.wait_for("the task was requeued and finished", (workers.folder / "finished").exists, 30)
    runs = _runs(workers.folder)
    assert len(runs) == 2 and runs[1][0] not in (child, worker.pid), runs
    assert worker.poll() is None  # the same worker, a new pool process


# --- worker killed -9 while sending 500 reminders: 500 sent, 0 lost, 0 duplicated ---------------


def _database_url() -> str:
    """The test database, for worker subprocesses (PostgreSQL: the test's own database by name)."""
    from django.db import connection

    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _emails_by_notification(folder: Path) -> dict[int, int]:
    import re

    counts: dict[int, int] = {}
    for path in folder.glob("*.log"):
        for pk in re.findall(r"^Message-ID: <notification-(\d+)@", path.read_text(errors="replace"), re.M):
            counts[int(pk)] = counts.get(int(pk), 0) + 1
    return counts


@pytest.mark.skipif(
    _on_filesystem_broker() or settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="needs a database the workers share (PostgreSQL) and a broker that redelivers a message "
    "whose worker was killed (Redis); CI has both",
)
@pytest.mark.skipif(
    not os.environ.get("FAULT_REMINDERS"),
    reason="about 45 s: `make faults` runs it with FAULT_REMINDERS=500 (set FAULT_REMINDERS=100 to run "
    "it in the suite)",
)
def test_a_worker_killed_while_sending_500_reminders_loses_none_and_sends_none_twice(workers):
    """A job sends 500 reminders (``FAULT_REMINDERS``; ``make faults`` sends 500), each with its e-mail
    (remind_once → notify → the outbox). The worker is killed -9 (main and pool process) a third of the
    way; Redis hands the job to a second worker, which skips the reminders already recorded and sends
    the rest; e-mails whose task the killed worker never queued are sent by the outbox relay. Then:
    500 reminders, 500 notifications, 500 e-mails, each exactly once."""
    from jobs.models import Reminder

    from .celery_probe import REMINDERS

    n = int(os.environ["FAULT_REMINDERS"])  # `make faults`: 500
    user = make_user("pm", username="burst_pm")
    mail_dir = workers.folder / "mail"
    mail_dir.mkdir()
    env = {
        "DATABASE_URL": _database_url(),
        "TEST_WORKER_QUEUE": workers.queue,
        "TEST_EMAIL_DIR": str(mail_dir),
    }
    first = workers.start("prefork", **env)
    app.send_task(REMINDERS, args=[user.username, n, "burst"], queue=workers.queue)
    burst = Reminder.objects.filter(job="tests.reminder_burst")
    workers.wait_for("the first worker sent a third of the reminders", lambda: burst.count() >= n // 3, 60)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = burst.count()
    assert killed_at < n, "the job finished before the kill: nothing was proven"

    workers.start("prefork", **env)
    notes = Notification.objects.filter(recipient=user, kind="tests.reminder_burst")
    last_relay = [0.0]

    def all_emailed() -> bool:
        if time.monotonic() - last_relay[0] > 3:  # the beat's relay, sooner
            app.send_task("common.relay_outbox", queue=workers.queue)
            last_relay[0] = time.monotonic()
        return burst.count() == n and notes.filter(emailed_at__isnull=False).count() == n

    workers.wait_for(f"{n} reminders and their e-mails", all_emailed, 60 + n // 3)
    counts = _emails_by_notification(mail_dir)
    assert burst.count() == n and notes.count() == n, (burst.count(), notes.count())
    assert len(counts) == n, f"{n - len(counts)} e-mails lost"
    assert max(counts.values()) == 1, {pk: c for pk, c in counts.items() if c > 1}
    print(f"killed after {killed_at}: {n} reminders, {n} notifications, {len(counts)} e-mails, each once")
