from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .navigation import NavItem


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "公共"

    nav_items = [
        NavItem(
            _("审计日志"), "common:audit_log", "shield-check", perms=("common.view_auditentry",), order=95
        ),
    ]
    role_permissions = {"auditor": {"common.view_auditentry"}}
