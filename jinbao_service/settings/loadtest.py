"""``make loadtest`` (scripts/loadtest.py): the development settings with DEBUG off, on the bench
database and Redis given in the environment, e-mails written as files the reconciliation counts."""

import os

from .local import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("LOADTEST_EMAIL_DIR", "var/loadtest/mail")
