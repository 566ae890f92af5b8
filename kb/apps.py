from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from common.navigation import NavItem

VIEW = "kb.view_article"
WRITE = {"kb.add_article", "kb.change_article"}


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = _("知识库")

    nav_items = [NavItem(_("知识库"), "kb:list", "book", perms=(VIEW,), order=15)]
    # Engineers and the PM write articles from resolutions; bureau staff, heads and the admin read the
    # public ones (the vendor reads internal ones too).
    role_permissions = {
        "staff": {VIEW},
        "dept_head": {VIEW},
        "bureau_admin": {VIEW},
        "engineer": {VIEW, *WRITE},
        "pm": {VIEW, *WRITE},
    }

    def ready(self) -> None:
        from tickets import search

        from . import selectors

        search.register_suggestions(selectors.suggestions)
        search.register_ticket_link(selectors.ticket_links)
