"""Production: everything from the environment; refuses to start when the secret is unsafe."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import INSECURE_DEFAULT_AUDIT_KEY, INSECURE_DEFAULT_SECRET_KEY
from .env import email_settings, env_bool, env_int, env_list, env_secret, env_str, weak_secret_reason

DEBUG = False

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production.")
if SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY is the development default: generate a random one (README).")
if reason := weak_secret_reason(SECRET_KEY):
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak ({reason}): use at least 50 random characters, e.g. "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(64))'."
    )

# The audit chain's HMAC-SM3 key (common/chain.py): from a file, never the development one, and not
# the SECRET_KEY (rotating one must not touch the other).
AUDIT_KEY = env_secret("AUDIT_KEY")
if not AUDIT_KEY:
    raise ImproperlyConfigured(
        "AUDIT_KEY_FILE (or AUDIT_KEY) must be set in production: the audit log's HMAC-SM3 key, kept out "
        "of the database (README: python3 -c 'import secrets; print(secrets.token_urlsafe(48))')."
    )
if AUDIT_KEY in (INSECURE_DEFAULT_AUDIT_KEY, SECRET_KEY):
    raise ImproperlyConfigured("AUDIT_KEY is the development key or the SECRET_KEY: generate its own.")
if reason := weak_secret_reason(AUDIT_KEY, min_length=32):
    raise ImproperlyConfigured(f"AUDIT_KEY is too weak ({reason}): use at least 32 random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the portal's host names in production.")
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS='*' answers for any Host header: list the portal's host names "
        "(a leading dot, .example.gov.cn, allows subdomains)."
    )

# Reminders, checkpoints of the audit log and notices must reach people: a backend that only prints,
# keeps mail in memory or drops it would lose them without a trace.
EMAIL_URL = env_str("EMAIL_URL", "console://")
if EMAIL_URL.split(":", 1)[0].lower() not in {"smtp", "smtp+tls", "smtps", "submission"}:
    raise ImproperlyConfigured(
        f"EMAIL_URL={EMAIL_URL!r} does not send mail: set smtp://, smtp+tls:// or smtps:// in production."
    )
globals().update(email_settings(EMAIL_URL))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False

# HTTPS everywhere; behind a reverse proxy that terminates TLS set SECURE_PROXY_SSL_HEADER_ENABLED=1.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

EMAIL_SUBJECT_PREFIX = env_str("EMAIL_SUBJECT_PREFIX", "[金保运维] ")
