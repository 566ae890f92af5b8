"""The navigation of every role, merged from the apps' ``nav_items`` (see common.navigation)."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from common.navigation import NavItem

HOME = NavItem(_("首页"), "home", "house", order=0)


def all_items() -> list[NavItem]:
    items = [HOME] + [item for cfg in apps.get_app_configs() for item in getattr(cfg, "nav_items", ())]
    return sorted(items, key=lambda item: item.order)


def nav_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    return [item for item in all_items() if item.visible_to(user)]
