"""Navigation items. An app lists ``nav_items`` on its AppConfig; an item shows when the user holds
its permissions, so the menu and the views' access checks cannot drift apart."""

from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    perms: tuple[str, ...] = ()
    any_perms: tuple[str, ...] = ()
    order: int = 50

    def allowed_by(self, held: Collection[str]) -> bool:
        """Whether a user holding ``held`` (``user.get_all_permissions()``, read once per menu) sees this
        item: all of ``perms`` and, if given, one of ``any_perms`` — a set lookup each, not a trip through
        every backend per item (``tests/common/test_navigation_html.py`` checks it agrees with
        ``has_perm``)."""
        if self.perms and not all(p in held for p in self.perms):
            return False
        return not (self.any_perms and not any(p in held for p in self.any_perms))

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


# The drawn menus of this process: a menu depends only on the language, the URL prefix and
# configuration, the page it is drawn for and which entries the user sees (a few dozen combinations).
_DRAWN: dict[tuple, SafeString] = {}
_DRAWN_MAX = 1000


def _entry_key(entry) -> tuple:
    items = getattr(entry, "items", None)
    return tuple(item.url_name for item in items) if items else (entry.url_name,)


def nav_html(entries, current: str) -> SafeString:
    """The menu's ``<li>`` entries (``jinbao_service.navigation.nav_for``: items and groups of items),
    drawn in Python (issue 14: through the template it was 2–3 ms of each page's floor) and kept per
    language, URL prefix, page and entries (drawing it again was another 1 ms of every page).
    ``tests/common/test_navigation_html.py`` compares it with the template it replaces."""
    key = (
        get_language(),
        get_script_prefix(),
        settings.ROOT_URLCONF,
        current,
        tuple(_entry_key(entry) for entry in entries),
    )
    drawn = _DRAWN.get(key)
    if drawn is None:
        if len(_DRAWN) >= _DRAWN_MAX:
            _DRAWN.clear()
        drawn = _DRAWN[key] = _draw(entries, current)
    return drawn


def _draw(entries, current: str) -> SafeString:
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
