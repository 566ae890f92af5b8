from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common.navigation import NavItem

TOKENS = ("api.view_apitoken", "api.add_apitoken", "api.change_apitoken")
# Every role that reads business data may hold its own tokens; the three administrators (三员) may not.
TOKEN_OWNERS = ("staff", "dept_head", "bureau_admin", "engineer", "pm", "finance")


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("数据接口")

    # Everyone else reaches their tokens from the user menu (base.html); the security administrator,
    # who oversees all of them, from the 安全管理 menu.
    nav_items = [
        NavItem(_("接口令牌"), "tokens:list", "key", perms=("api.revoke_any_apitoken",), order=89),
    ]

    role_permissions = {
        **{role: set(TOKENS) for role in TOKEN_OWNERS},
        "bureau_admin": {*TOKENS, "api.manage_system_tokens"},
        "secadmin": {"api.view_apitoken", "api.revoke_any_apitoken"},
        # The bureau's system account reads what the bureau admin reads, through the API only.
        "system": {"tickets.view_ticket", "performance.view_score", "payments.view_settlement_api"},
    }
