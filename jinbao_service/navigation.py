"""The navigation of every role, merged from the apps' ``nav_items`` (see common.navigation).

Items of one area are grouped into a dropdown so that the menu fits on one line at 1366 px; a group
of which the user sees a single item shows that item directly.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from common.navigation import NavItem

HOME = NavItem(_("首页"), "home", "house", order=0)

GROUPS = [
    (
        _("服务请求"),
        "inboxes",
        ["tickets:list", "tickets:create", "tickets:signoff_list", "tickets:support_list"],
    ),
    (_("驻场"), "people", ["rosters:roster", "rosters:worklog_list"]),
    (
        _("考核与付款"),
        "graph-up-arrow",
        ["performance:score", "performance:survey_list", "payments:dashboard"],
    ),
    (_("周报统计"), "journal-text", ["reports:weekly_list", "reports:statistics"]),
    (
        _("合同与设置"),
        "gear",
        ["contracts:list", "contracts:changes", "contracts:calendar", "jobs:list", "accounts:departments"],
    ),
    (
        _("安全管理"),
        "shield-lock",
        ["security:users", "security:permissions", "security:lockouts", "tokens:list"],
    ),
]


@dataclass(frozen=True)
class NavGroup:
    label: str
    icon: str
    items: list[NavItem] = field(default_factory=list)

    @property
    def url_names(self) -> list[str]:
        return [item.url_name for item in self.items]


def all_items() -> list[NavItem]:
    items = [HOME] + [item for cfg in apps.get_app_configs() for item in getattr(cfg, "nav_items", ())]
    return sorted(items, key=lambda item: item.order)


def nav_for(user) -> list[NavItem | NavGroup]:
    if not user.is_authenticated:
        return []
    if user.is_active and user.is_superuser:
        visible = all_items()
    else:
        held = user.get_all_permissions()  # read once (kept on the user), then a set lookup per item
        visible = [item for item in all_items() if item.allowed_by(held)]
    by_name = {item.url_name: item for item in visible}
    entries: list[NavItem | NavGroup] = []
    placed: set[str] = set()
    for item in visible:
        if item.url_name in placed:
            continue
        group = next((g for g in GROUPS if item.url_name in g[2]), None)
        if group is None:
            entries.append(item)
            continue
        label, icon, names = group
        members = [by_name[name] for name in names if name in by_name]
        placed.update(m.url_name for m in members)
        entries.append(members[0] if len(members) == 1 else NavGroup(label, icon, members))
    return entries


def flat(entries) -> list[NavItem]:
    """Every item of a menu, groups opened."""
    return [item for entry in entries for item in (entry.items if isinstance(entry, NavGroup) else [entry])]
