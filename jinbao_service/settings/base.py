"""Settings shared by every environment. Everything that differs comes from the environment."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import email_settings, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("JINBAO_VAR_DIR", str(BASE_DIR / "var")))

# Overridden in production, where a missing or default key refuses to start.
INSECURE_DEFAULT_SECRET_KEY = "django-insecure-jinbao-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    # Project apps, lowest floor first (see STYLE.md): each imports only the ones above it here.
    "common",
    "accounts",
    "security",
    "contracts",
    "jobs",
    "channels",  # 企业微信 / 政务微信 group robots: notify() reaches it through a hook, nothing imports it
    "tickets",
    "kb",  # knowledge base and the portal-wide search (issue 17): above tickets, below reports
    "rosters",
    "performance",
    "payments",
    "reports",
    "api",  # the read-only JSON API and its tokens: reads every app below it, nothing imports it
]  # "demo" (the demo data) is added by the local and test settings only, never in production

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # the database restarts: a 503 page in the portal's layout, never a traceback (common/unavailable.py)
    "common.unavailable.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "common.middleware.RequestContextMiddleware",
    # Security (docs/SECURITY.md): idle and absolute session limits, then the second factor and the
    # password's age, then response headers (no-store on personal data, Permissions-Policy).
    "security.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "security.middleware.LoginGateMiddleware",
    "security.middleware.ResponseHeadersMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "jinbao_service.urls"
WSGI_APPLICATION = "jinbao_service.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jinbao_service.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default (make run on a fresh machine); DATABASE_URL selects PostgreSQL.
SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # web, worker and beat share one file: wait for locks and take them up front.
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Planner settings per connection (issue 14): no JIT (compiling a page's grouped queries costs more
    # than it saves at this size); random_page_cost for SSD storage, else the planner walks the
    # single-column created_at index and filters the contract instead of reading the list's index.
    # DB_PG_OPTIONS replaces the libpq options string.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env_str(
        "DB_PG_OPTIONS", "-c jit=off -c random_page_cost=1.1"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = None  # show "you have logged out" (registration/logged_out.html)

# Directory login (LDAP / Active Directory), off unless LDAP_URL is set: settings/ldap.py.
# Password rules, lockout, session limits, two factors, headers: settings/security.py.
from .ldap import *  # noqa: E402, F403
from .security import *  # noqa: E402, F403

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"  # never served directly: downloads go through permission-checked views
# The daily signed checkpoints of the audit chain's head (seq, hash, time), outside the database
# (common/checkpoints.py): losing the whole audit table is detected against the last one.
AUDIT_CHECKPOINT_DIR = Path(env_str("AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints")))
# manage.py backup writes its dated folders here (README "Operations").
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
STORAGES = {
    # Django's FileSystemStorage; a full disk is a clear message and leaves nothing half saved
    "default": {"BACKEND": "common.storage.PortalFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- E-mail ---------------------------------------------------------------------------------
globals().update(email_settings(env_str("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "金保服务运维门户 <noreply@jinbao.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[金保运维] "
# Links in e-mails: by default the address `make run` serves (it honours PORT, scripts/run_dev.py).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", f"http://127.0.0.1:{env_str('PORT', '8000')}")

# --- Celery ---------------------------------------------------------------------------------
# The embedded default is kombu's filesystem transport: a real worker and beat with no server.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_DIR = Path(env_str("CELERY_BROKER_DIR", str(VAR_DIR / "celery")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # A task unacknowledged because its worker died comes back after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
DJANGO_CELERY_BEAT_TZ_AWARE = True
# The outbox relay (common/outbox.py): tasks written while the broker was away are sent when it is
# back; overdue e-mail retries are queued again. Beat installs it in its database schedule.
CELERY_BEAT_SCHEDULE = {
    "common.relay_outbox": {"task": "common.relay_outbox", "schedule": env_int("OUTBOX_RELAY_SECONDS", 30)}
}
OUTBOX_CONNECT_TIMEOUT = 2  # seconds a web request waits for the broker after its commit, once
OUTBOX_BROKER_BACKOFF = 10  # after a failure, the process leaves the broker alone this long

# --- Security defaults (production tightens them; the rest is in settings/security.py) -------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"one_line_per_denial": {"()": "common.logfilters.OneLinePerDenial"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own "django" handlers would print each record a second time (DEBUG): the root has them.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["one_line_per_denial"], "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

PORTAL_NAME = _("金保服务运维门户")

# --- The read-only API (api/README.md) ---------------------------------------------------------
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 180)  # a token expires at most this long after creation
API_FAILURE_LIMIT = env_int("API_FAILURE_LIMIT", 10)  # invalid tokens from one address within the window …
API_FAILURE_WINDOW_MINUTES = env_int("API_FAILURE_WINDOW_MINUTES", 10)
API_BLOCK_MINUTES = env_int("API_BLOCK_MINUTES", 15)  # … then that address gets 429 for this long

# --- Group robots of 企业微信 / 政务微信 (channels app; README "Message channels") ----------------
# The only hosts a robot's webhook may point to (the server must not be made to call any address):
# 企业微信's public API by default; add the bureau's 政务微信 server, e.g. "zwwx.example.gov.cn".
ROBOT_WEBHOOK_HOSTS = env_list("ROBOT_WEBHOOK_HOSTS", ["qyapi.weixin.qq.com"])
ROBOT_WEBHOOK_ALLOW_HTTP = env_bool("ROBOT_WEBHOOK_ALLOW_HTTP", False)  # plain http (an internal 政务微信)
ROBOT_TIMEOUT_SECONDS = env_int("ROBOT_TIMEOUT_SECONDS", 5)
ROBOT_MAX_ATTEMPTS = env_int("ROBOT_MAX_ATTEMPTS", 5)  # then the message is marked failed (jobs page)
ROBOT_PROXY_URL = env_str("ROBOT_PROXY_URL", "")  # e.g. http://proxy.example.gov.cn:3128; none by default
ROBOT_DELIVERY_RETENTION_DAYS = env_int("ROBOT_DELIVERY_RETENTION_DAYS", 90)  # sent messages kept this long

# Every periodic job of the contract (see jinbao_service/schedule.py).
JINBAO_SCHEDULE = "jinbao_service.schedule.SCHEDULE"
# From this month on, a missing calendar for next year is reminded weekly.
CALENDAR_REMINDER_FROM_MONTH = 11
