"""The navigation of every role, in one place. An item shows when the user holds its permissions,
so the menu and the access checks of the views cannot drift apart."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str
    perms: tuple[str, ...] = ()
    any_perms: tuple[str, ...] = ()

    def visible_to(self, user) -> bool:
        if self.perms and not user.has_perms(self.perms):
            return False
        return not (self.any_perms and not any(user.has_perm(p) for p in self.any_perms))

    @property
    def url(self) -> str:
        return reverse(self.url_name)


NAV: list[NavItem] = [
    NavItem(_("首页"), "home", "house"),
    NavItem(_("合同"), "contracts:list", "file-earmark-text", perms=("contracts.view_contract",)),
    NavItem(_("工作日历"), "contracts:calendar", "calendar3", perms=("contracts.view_calendar",)),
    NavItem(_("科室"), "accounts:departments", "diagram-3", perms=("accounts.view_department",)),
    NavItem(_("审计日志"), "common:audit_log", "shield-check", perms=("common.view_auditentry",)),
]


def nav_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in NAV if item.visible_to(user)]
