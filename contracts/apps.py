from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common.navigation import NavItem

CALENDAR_READERS = ["staff", "dept_head", "bureau_admin", "engineer", "pm", "finance", "sysadmin"]


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = "合同与日历"

    nav_items = [
        NavItem(
            _("合同"), "contracts:list", "file-earmark-text", perms=("contracts.view_contract",), order=80
        ),
        NavItem(
            _("工作日历"), "contracts:calendar", "calendar3", perms=("contracts.view_calendar",), order=85
        ),
    ]

    # Which role holds which of this app's permissions (merged by accounts.roles.role_permissions).
    role_permissions = {
        **{role: {"contracts.view_calendar"} for role in CALENDAR_READERS},
        "bureau_admin": {
            "contracts.view_calendar",
            "contracts.view_contract",
            "contracts.add_contract",
            "contracts.change_contract",
            "contracts.view_contract_history",
            "contracts.view_tierband",
            "contracts.add_tierband",
            "contracts.change_tierband",
            "contracts.delete_tierband",
            "contracts.view_slatarget",
            "contracts.change_slatarget",
            "contracts.view_servicescope",
            "contracts.add_servicescope",
            "contracts.change_servicescope",
            "contracts.load_calendar",
            "contracts.view_calendaroverride",
            "contracts.add_calendaroverride",
            "contracts.change_calendaroverride",
            "contracts.delete_calendaroverride",
        },
        "engineer": {"contracts.view_calendar", "contracts.view_contract"},
        "pm": {"contracts.view_calendar", "contracts.view_contract"},
        "finance": {"contracts.view_calendar", "contracts.view_contract"},
    }
