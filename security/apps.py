from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.home import HomePanel
from common.navigation import NavItem


class SecurityConfig(AppConfig):
    """等保 2.0 level 3: password rules, lockout, sessions, two factors, the three administrators'
    pages (三员分立), response headers. See docs/SECURITY.md."""

    name = "security"
    verbose_name = _("安全")

    nav_items = [
        NavItem(_("用户"), "security:users", "people", perms=("accounts.view_user",), order=85),
        NavItem(_("角色权限"), "security:permissions", "key", perms=("accounts.manage_roles",), order=86),
        NavItem(_("登录锁定"), "security:lockouts", "lock", perms=("security.unlock_login",), order=87),
    ]
    role_permissions = {
        "sysadmin": {"security.reset_password"},
        "secadmin": {"security.unlock_login", "security.reset_two_factor"},
    }
    home_panels = [
        HomePanel(
            roles=frozenset({"sysadmin", "secadmin"}),
            template="security/home/accounts_panel.html",
            context="security.selectors.home_accounts_panel",
            order=5,
            css="col-12",
        ),
    ]

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .directory import check_configuration

        # With LDAP_URL set, a group map that is missing or names a local-only role refuses to start.
        check_configuration()
