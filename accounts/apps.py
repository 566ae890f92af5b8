from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from common.navigation import NavItem


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户与科室")
    nav_items = [
        NavItem(
            _("科室"), "accounts:departments", "diagram-3", perms=("accounts.view_department",), order=90
        ),
    ]

    def ready(self) -> None:
        from . import signals  # noqa: F401

        # Every app's permissions exist only once its own post_migrate has run, so the role groups
        # are synchronised on the signal of the last app.
        post_migrate.connect(_sync_after_migrate, dispatch_uid="accounts_sync_roles")


def _sync_after_migrate(sender, **kwargs):
    from .roles import sync_role_groups

    last = list(apps.get_app_configs())[-1]
    if sender.label == last.label:
        sync_role_groups(using=kwargs.get("using", "default"))
