"""The test suite: the same settings as development, fast hashing, mail in memory."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import AUDIT_KEY, CELERY_BROKER_URL, DATABASES, INSECURE_DEFAULT_AUDIT_KEY, INSTALLED_APPS

DEBUG = False
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # the demo data (browser tests load it)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="jinbao-test-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="jinbao-test-static-"))
AUDIT_KEY = AUDIT_KEY or INSECURE_DEFAULT_AUDIT_KEY
AUDIT_CHECKPOINT_DIR = Path(tempfile.mkdtemp(prefix="jinbao-test-checkpoints-"))
ALLOWED_HOSTS = ["*"]
DEMO_TICKETS_WORKDAYS = 10  # browser tests load the demo per test: two weeks of 2023 requests, not a year

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # In-memory test database shared between threads (live server, in-thread Celery worker).
    DATABASES["default"]["TEST"] = {"NAME": None}

if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker = Path(os.environ.get("CELERY_BROKER_DIR") or tempfile.mkdtemp(prefix="jinbao-test-broker-"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "queue"),
        "data_folder_out": str(_broker / "queue"),
        "processed_folder": str(_broker / "processed"),
        "control_folder": str(_broker / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
