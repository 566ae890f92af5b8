"""A task for the redelivery tests of tests/test_celery_worker.py only: the worker subprocesses those
tests start import it through ``tests.celery_worker_settings``; the project never does.

``REMINDERS`` sends ``n`` reminders through ``jobs.runner.remind_once`` (each with its e-mail through the
outbox), as a scheduled job does; it needs a database the worker shares (PostgreSQL).

The probe records that it started (pid, redelivered flag), then blocks until the test creates ``release`` in
its folder, and records that it finished. It touches no database, so a worker in another process can
run it whatever database the tests use (the default is an in-memory SQLite, invisible to a
subprocess). Declared with the options of ``jobs.runner.scheduled_task``: acknowledged late, rejected
(and so requeued) when the process running it dies.
"""

import os
import time
from pathlib import Path

from celery import shared_task

PROBE = "tests.redelivery_probe"


@shared_task(name=PROBE, bind=True, acks_late=True, reject_on_worker_lost=True)
def redelivery_probe(self, folder: str, wait_seconds: float = 60) -> str:
    folder_path = Path(folder)
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    with open(folder_path / "started", "a", encoding="utf-8") as f:
        f.write(f"{os.getpid()} {int(redelivered)}\n")
    deadline = time.monotonic() + wait_seconds
    while not (folder_path / "release").exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"redelivery probe: no 'release' in {folder} within {wait_seconds} s")
        time.sleep(0.05)
    (folder_path / "finished").write_text(str(os.getpid()), encoding="utf-8")
    return "finished"


REMINDERS = "tests.reminder_burst"


@shared_task(name=REMINDERS, bind=True, acks_late=True, reject_on_worker_lost=True)
def reminder_burst(self, username: str, n: int, tag: str) -> int:
    from accounts.models import User
    from jobs.runner import remind_once

    user = User.objects.get(username=username)
    sent = 0
    for i in range(n):
        sent += remind_once(
            job="tests.reminder_burst",
            key=f"{tag}:{i:04d}",
            recipients=[user],
            title=f"提醒 {i:04d}",
            body="逾期未签署",
        )
    return sent
