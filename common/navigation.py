"""Navigation items. An app lists ``nav_items`` on its AppConfig; an item shows when the user holds
its permissions, so the menu and the views' access checks cannot drift apart."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


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


def _link(item: NavItem, current: str, css: str) -> SafeString:
    here = current == item.url_name
    return format_html(
        '<a class="{}{}" href="{}"{}><i class="bi bi-{}" aria-hidden="true"></i> {}</a>',
        css,
        " active" if here else "",
        item.url,
        mark_safe(' aria-current="page"') if here else "",
        item.icon,
        item.label,
    )


def nav_html(entries, current: str) -> SafeString:
    """The menu's ``<li>`` entries (``jinbao_service.navigation.nav_for``: items and groups of items),
    drawn in Python on every page (issue 14: through the template it was 2–3 ms of each page's floor).
    ``tests/common/test_navigation_html.py`` compares it with the template it replaces."""
    parts = []
    for entry in entries:
        items = getattr(entry, "items", None)
        if not items:
            parts.append(format_html('<li class="nav-item">{}</li>', _link(entry, current, "nav-link")))
            continue
        parts.append(
            format_html(
                '<li class="nav-item dropdown"><a class="nav-link dropdown-toggle{}" href="#" role="button"'
                ' data-bs-toggle="dropdown" aria-expanded="false"><i class="bi bi-{}" aria-hidden="true"></i>'
                ' {}</a><ul class="dropdown-menu">{}</ul></li>',
                " active" if current in entry.url_names else "",
                entry.icon,
                entry.label,
                format_html_join("", "<li>{}</li>", ((_link(i, current, "dropdown-item"),) for i in items)),
            )
        )
    return mark_safe("".join(parts))
