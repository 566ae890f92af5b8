"""Who may use the security pages: every user their own password and second factor; the system
administrator accounts and departments; the security administrator roles, second factors and
lockouts; the auditor the audit log and its export (三员分立)."""

from accounts.roles import Role

from ..factories import make_user
from . import ALL_ROLES, Rule

SYSADMIN = frozenset({Role.SYSADMIN})
SECADMIN = frozenset({Role.SECADMIN})
ADMINS = frozenset({Role.SYSADMIN, Role.SECADMIN})
GET_POST = ("GET", "POST")


def _target(world) -> dict:
    """A fresh account to act on, so that a POST of the matrix does not change the callers."""
    return {"pk": make_user(Role.STAFF, department=world.dept_a).pk}


def _lockout(world) -> dict:
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(
        username="someone",
        ip_address="10.0.0.9",
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
        failures_since_start=5,
    )
    return {"pk": attempt.pk}


RULES = {
    "security:password_change": Rule(ALL_ROLES, methods=GET_POST),
    "security:two_factor_setup": Rule(ALL_ROLES, methods=GET_POST),
    "security:two_factor_verify": Rule(ALL_ROLES, methods=GET_POST),
    "security:users": Rule(ADMINS),
    "security:user_create": Rule(SYSADMIN, methods=GET_POST),
    "security:user_detail": Rule(ADMINS, kwargs=_target),
    "security:user_edit": Rule(SYSADMIN, methods=GET_POST, kwargs=_target),
    "security:user_set_active": Rule(
        SYSADMIN, methods=("POST",), kwargs=_target, data=lambda w: {"active": "0"}
    ),
    "security:user_password_reset": Rule(SYSADMIN, methods=GET_POST, kwargs=_target),
    "security:user_role": Rule(SECADMIN, methods=GET_POST, kwargs=_target),
    "security:user_two_factor_reset": Rule(SECADMIN, methods=("POST",), kwargs=_target),
    "security:permissions": Rule(SECADMIN),
    "security:lockouts": Rule(SECADMIN),
    "security:lockout_unlock": Rule(SECADMIN, methods=("POST",), kwargs=_lockout),
    "accounts:department_create": Rule(SYSADMIN, methods=GET_POST),
    "accounts:department_edit": Rule(SYSADMIN, methods=GET_POST, kwargs=lambda w: {"pk": w.dept_b.pk}),
    "common:audit_export": Rule(frozenset({Role.AUDITOR})),
    # The Django admin's own login page: the portal's login instead (staff go on to the admin).
    "admin_login": Rule(frozenset({Role.BUREAU_ADMIN, Role.SYSADMIN})),
    "admin_password_change": Rule(ALL_ROLES, methods=("GET", "POST"), note="redirects to the portal's page"),
}
