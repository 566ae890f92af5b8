"""Security state of the demo logins: the administrators' authenticator, and a password history.

Every login whose role needs a second factor (the bureau admin and the three administrators) is
enrolled with one TOTP secret, ``DEMO_TOTP_SECRET`` or the default that ``make run`` prints; the
current code is also printed by ``manage.py demo_totp``. The demo passwords were set in one bulk
update (fast), so their history rows are written here: fresh today, not chosen by an administrator.
"""

from accounts.roles import TWO_FACTOR_ROLES
from security.models import PasswordHistory
from security.twofactor import enrol_with_key, key_from_base32

from .credentials import demo_totp_secret


def load_security(ctx) -> None:
    key = key_from_base32(demo_totp_secret())
    users = list(ctx.users.values())
    for user in users:
        user.refresh_from_db(fields=["password"])
        if user.role in TWO_FACTOR_ROLES:
            enrol_with_key(user, key)
    PasswordHistory.objects.bulk_create(
        [PasswordHistory(user=user, password=user.password) for user in users]
    )
