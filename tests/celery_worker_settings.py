"""Settings of the worker subprocesses started by tests/test_celery_worker.py's redelivery tests: the
test settings (same broker: the filesystem folder passed in CELERY_BROKER_DIR, or CELERY_BROKER_URL),
plus the test-only probe task.

On Redis, a message whose worker died unacknowledged stays in the ``unacked`` set until
``visibility_timeout`` has passed (one hour in production: a long job must not be delivered twice
while it still runs). Here it is 4 seconds, and the sweep that restores such messages runs every
second (kombu sweeps every ``unacked_restore_interval`` × ``unacked_restore_throttle`` s, 100 s by
default), so the second worker picks the task up within a few seconds.
"""

import os

from jinbao_service.settings.test import *  # noqa: F403
from jinbao_service.settings.test import CELERY_BROKER_TRANSPORT_OPTIONS, CELERY_BROKER_URL

CELERY_IMPORTS = ["tests.celery_probe"]
# A pool process killed mid-task is reported lost after this wait for a result it might have sent
# (10 s by default; without an event loop, as on the filesystem transport, the whole wait is spent).
CELERY_WORKER_LOST_WAIT = 1

if not CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "visibility_timeout": 4,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

# The 500-reminder test (tests/test_celery_worker.py): the tasks the worker itself queues (the e-mails,
# the outbox relay) go to the test's own queue, and e-mails are written to files the test counts.
if os.environ.get("TEST_WORKER_QUEUE"):
    CELERY_TASK_DEFAULT_QUEUE = os.environ["TEST_WORKER_QUEUE"]
if os.environ.get("TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["TEST_EMAIL_DIR"]
