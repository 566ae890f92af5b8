from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common.navigation import NavItem

# issue 18: who reads and who acts on the rest of the contract (the bureau admin for 甲方, the PM for 乙方)
AGREEMENT_ACTORS = {
    "contracts.view_contractchange",
    "contracts.propose_contractchange",
    "contracts.answer_contractchange",
    "contracts.view_confidentialityundertaking",
    "contracts.add_confidentialityundertaking",
    "contracts.view_contractincident",
    "contracts.add_contractincident",
    "contracts.view_terminationnotice",
    "contracts.add_terminationnotice",
    "contracts.change_terminationnotice",
    "contracts.view_contactchange",
    "contracts.add_contactchange",
}
AGREEMENT_READERS = {"contracts.view_contractchange", "contracts.view_contactchange"}
FINANCE_READERS = AGREEMENT_READERS | {"contracts.view_contractincident", "contracts.view_terminationnotice"}

CALENDAR_READERS = ["staff", "dept_head", "bureau_admin", "engineer", "pm", "finance", "sysadmin"]


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("合同与日历")

    # issue 11 item 3: a written change's answer deadline is filled in the same transaction as the load
    hooks = {"calendar.loaded": ["contracts.agreement_services.fill_pending_changes"]}

    nav_items = [
        NavItem(
            _("合同"), "contracts:list", "file-earmark-text", perms=("contracts.view_contract",), order=80
        ),
        NavItem(
            _("工作日历"), "contracts:calendar", "calendar3", perms=("contracts.view_calendar",), order=85
        ),
        NavItem(
            _("合同履约"),
            "contracts:changes",
            "journal-check",
            perms=("contracts.view_contractchange",),
            order=81,
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
            *AGREEMENT_ACTORS,
        },
        "engineer": {"contracts.view_calendar", "contracts.view_contract", *AGREEMENT_READERS},
        "pm": {"contracts.view_calendar", "contracts.view_contract", *AGREEMENT_ACTORS},
        "finance": {"contracts.view_calendar", "contracts.view_contract", *FINANCE_READERS},
    }
