"""Security settings (等保 2.0 level 3): login, lockout, sessions, two factors, headers, audit retention.

Imported by ``base``; every number can be changed from the environment. The rules they implement are
described in docs/SECURITY.md.
"""

import datetime as dt

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_networks, env_secret

# --- Passwords --------------------------------------------------------------------------------
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8)
# Of lower-case, upper-case, digits, symbols.
PASSWORD_MIN_CHARACTER_CLASSES = env_int("PASSWORD_MIN_CHARACTER_CLASSES", 3)
PASSWORD_HISTORY_COUNT = env_int("PASSWORD_HISTORY_COUNT", 5)  # a new password is none of the last N
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90)  # then the user must change it (0 = never)
PASSWORD_EXPIRY_WARNING_DAYS = env_int("PASSWORD_EXPIRY_WARNING_DAYS", 7)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "security.validators.MinimumLengthValidator",  # Django's, with a Chinese message
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The patterns used in China (keyboard walks, Admin@123, years, phone numbers), the username and
    # the pinyin of the person's name (security/weakpasswords.py, docs/SECURITY.md).
    {"NAME": "security.validators.CommonChinesePasswordValidator"},
    {"NAME": "security.validators.PersonalInfoValidator"},
    {
        "NAME": "security.validators.CharacterClassesValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CHARACTER_CLASSES},
    },
    # Also records every new password in the history (its password_changed hook).
    {"NAME": "security.validators.PasswordHistoryValidator", "OPTIONS": {"count": PASSWORD_HISTORY_COUNT}},
]

# --- Login failures: django-axes ---------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out user+address before the password is checked
    "security.backends.LocalBackend",  # the portal's own accounts (never directory or system accounts)
    "security.directory.DirectoryBackend",  # the bureau's LDAP/AD, when LDAP_URL is set (settings/ldap.py)
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
# Per user and address together: a typo-prone colleague at another desk does not lock the owner out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "security.lockouts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "security.lockouts.axes_client_ip"
AXES_DISABLE_ACCESS_LOG = True  # logins and logouts are in the audit log already
AXES_ENABLE_ADMIN = False  # the security administrator unlocks on the portal's own page
AXES_VERBOSE = False

# --- Sessions ---------------------------------------------------------------------------------
SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = dt.timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 8))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Two factors (django-otp, TOTP) -----------------------------------------------------------
OTP_TOTP_ISSUER = "金保服务运维门户"
OTP_TOTP_THROTTLE_FACTOR = 1  # after each wrong code, wait 1, 2, 4, … seconds before the next try
TWO_FACTOR_MAX_FAILURES = env_int("TWO_FACTOR_MAX_FAILURES", 5)  # then the half-logged-in session ends

# --- Headers ----------------------------------------------------------------------------------
# No inline script or style anywhere: behaviour lives in static/js, styles in static/css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap's CSS draws icons as data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "security.views.csrf_failure"

# X-Real-IP is believed only when the request comes from one of these addresses (CIDR list: the
# nginx of docker-compose.yml); from anywhere else the socket address counts. Otherwise anyone could
# forge the address that the audit log records and that login lockouts count by.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")
if env_bool("TRUST_X_REAL_IP", False):
    raise ImproperlyConfigured(
        "TRUST_X_REAL_IP trusted X-Real-IP from every address and is gone: list the proxy's addresses "
        "in TRUSTED_PROXIES instead (e.g. TRUSTED_PROXIES=172.30.0.10/32)."
    )

# --- Audit log retention ----------------------------------------------------------------------
# 等保 2.0 asks for at least six months. Nothing in the portal deletes audit rows; the archive
# command (manage.py archive_audit_log) copies rows older than this out to a verifiable file.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
if AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 180 (等保 2.0: six months).")

# --- Audit chain key and checkpoints (common/chain.py, common/checkpoints.py) ------------------------
# The HMAC-SM3 key of the audit chain, never in the database: AUDIT_KEY_FILE (a compose secret) or
# AUDIT_KEY. Production requires one (settings/production.py); local and test settings fall back to
# a development key. Losing it means old entries can no longer be verified: keep a copy offline.
AUDIT_KEY = env_secret("AUDIT_KEY")
INSECURE_DEFAULT_AUDIT_KEY = "jinbao-development-audit-chain-key-never-use-in-production"
# AUDIT_CHECKPOINT_DIR (base.py): where the daily signed checkpoints of the chain's head are kept.
# Anonymous noise (CSRF failures, logins of unknown users): per address and kind, one entry at the
# first event of this many minutes, then one entry with the count, first and last (common/noise.py).
AUDIT_NOISE_WINDOW_MINUTES = env_int("AUDIT_NOISE_WINDOW_MINUTES", 10)
