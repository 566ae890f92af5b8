"""Navigation items. An app lists ``nav_items`` on its AppConfig; an item shows when the user holds
its permissions, so the menu and the views' access checks cannot drift apart."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    perms: tuple[str, ...] = ()
    any_perms: tuple[str, ...] = ()
    order: int = 50

    def visible_to(self, user) -> bool:
        if self.perms and not user.has_perms(self.perms):
            return False
        return not (self.any_perms and not any(user.has_perm(p) for p in self.any_perms))

    @property
    def url(self) -> str:
        return reverse(self.url_name)
