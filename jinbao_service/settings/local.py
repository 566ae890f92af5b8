"""Development on one machine: `make run`. SQLite and the filesystem broker unless told otherwise."""

from .base import *  # noqa: F403
from .base import AUDIT_KEY, INSECURE_DEFAULT_AUDIT_KEY, INSTALLED_APPS
from .env import env_bool

DEBUG = env_bool("DEBUG", True)
INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # the demo data and `manage.py load_demo` (not in production)

# A development key for the audit chain unless AUDIT_KEY(_FILE) is set (production requires one).
AUDIT_KEY = AUDIT_KEY or INSECURE_DEFAULT_AUDIT_KEY
