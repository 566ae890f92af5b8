from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.home import HomePanel
from common.navigation import NavItem

ROBOT_MANAGER_PERMS = {
    "channels.view_robot",
    "channels.add_robot",
    "channels.change_robot",
    "channels.view_delivery",
    "channels.resend_delivery",
}


class ChannelsConfig(AppConfig):
    """Message channels besides in-app and e-mail: 企业微信 / 政务微信 group robots (README: "Message
    channels"). On the floor above jobs: it uses jobs' scheduled task for its sweep; nothing imports it
    (common.notifications calls it through the hook registered below; the jobs page through
    ``job_panels``)."""

    name = "channels"
    verbose_name = _("消息渠道")

    nav_items = [
        NavItem(_("群机器人"), "channels:robots", "robot", perms=("channels.view_robot",), order=88),
    ]
    # The bureau admin chooses which groups hear what (the issue); the system administrator runs the
    # system's connections. Both need a second factor.
    role_permissions = {
        "bureau_admin": ROBOT_MANAGER_PERMS,
        "sysadmin": ROBOT_MANAGER_PERMS,
    }
    home_panels = [
        HomePanel(
            roles=frozenset({"bureau_admin", "sysadmin"}),
            template="channels/home_failures.html",
            context="channels.selectors.home_failures",
            order=65,
            css="col-lg-6",
        ),
    ]
    # Shown on the jobs page (jobs/views.py reads ``job_panels`` of every app).
    job_panels = ["channels.selectors.job_panel"]

    def ready(self) -> None:
        from common.notifications import register_channel

        from .services import fan_out

        register_channel(fan_out)
