from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .navigation import NavItem


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = _("公共")

    nav_items = [
        NavItem(
            _("审计日志"), "common:audit_log", "shield-check", perms=("common.view_auditentry",), order=95
        ),
    ]
    role_permissions = {"auditor": {"common.view_auditentry"}}

    def ready(self) -> None:
        from django.core.exceptions import ImproperlyConfigured

        from .chain import SM3Unavailable, require_sm3

        try:
            require_sm3()  # the audit chain is HMAC-SM3: refuse to start without it
        except SM3Unavailable as exc:
            raise ImproperlyConfigured(str(exc)) from exc
