from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.home import HomePanel
from common.navigation import NavItem

VIEW = "tickets.view_ticket"
EXPORT = "tickets.export_ticket"


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "服务请求"

    nav_items = [
        NavItem(_("服务请求"), "tickets:list", "inbox", perms=(VIEW,), order=10),
        NavItem(_("提交请求"), "tickets:create", "plus-circle", perms=("tickets.add_ticket",), order=11),
        NavItem(_("确认表"), "tickets:signoff_list", "pen", perms=(VIEW,), order=12),
    ]

    # Finance, the auditor, the system and security administrators have no access to requests.
    role_permissions = {
        "staff": {
            VIEW,
            EXPORT,
            "tickets.add_ticket",
            "tickets.signoff_ticket",
            "tickets.cancel_ticket",
            "tickets.reopen_ticket",
        },
        "dept_head": {
            VIEW,
            EXPORT,
            "tickets.add_ticket",
            "tickets.signoff_ticket",
            "tickets.cancel_ticket",
            "tickets.reopen_ticket",
            "tickets.confirm_ticket",
            "tickets.authorize_data",
        },
        "bureau_admin": {
            VIEW,
            EXPORT,
            "tickets.confirm_ticket",
            "tickets.authorize_data",
            "tickets.approve_emergency",
            "tickets.cancel_ticket",
            "tickets.close_ticket",
        },
        "engineer": {VIEW, EXPORT, "tickets.work_ticket"},
        "pm": {VIEW, EXPORT, "tickets.work_ticket", "tickets.assign_ticket", "tickets.close_ticket"},
    }

    home_panels = [
        HomePanel(
            roles=frozenset({"staff"}),
            template="tickets/home/panel.html",
            context="tickets.selectors.home_staff",
            order=10,
        ),
        HomePanel(
            roles=frozenset({"dept_head"}),
            template="tickets/home/panel.html",
            context="tickets.selectors.home_head",
            order=10,
        ),
        HomePanel(
            roles=frozenset({"engineer"}),
            template="tickets/home/panel.html",
            context="tickets.selectors.home_engineer",
            order=10,
        ),
        HomePanel(
            roles=frozenset({"pm"}),
            template="tickets/home/panel.html",
            context="tickets.selectors.home_pm",
            order=10,
        ),
        HomePanel(
            roles=frozenset({"bureau_admin"}),
            template="tickets/home/panel.html",
            context="tickets.selectors.home_bureau_admin",
            order=10,
        ),
    ]

    # Periodic jobs of this app (task name → seconds or crontab kwargs), see jinbao_service.schedule.
