from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.home import HomePanel
from common.navigation import NavItem

VIEW = "tickets.view_ticket"
EXPORT = "tickets.export_ticket"
SUPPORT = {"tickets.record_support", "tickets.view_supportsession"}


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("服务请求")

    # Request deadlines and sign-off due dates 待定 for a missing year are filled when it is loaded.
    hooks = {"calendar.loaded": ["tickets.deadlines.fill_pending"]}

    nav_items = [
        NavItem(_("服务请求"), "tickets:list", "inbox", perms=(VIEW,), order=10),
        NavItem(_("提交请求"), "tickets:create", "plus-circle", perms=("tickets.add_ticket",), order=11),
        NavItem(_("确认表"), "tickets:signoff_list", "pen", perms=(VIEW,), order=12),
        NavItem(
            _("远程/现场支持"),
            "tickets:support_list",
            "headset",
            perms=("tickets.view_supportsession",),
            order=13,
        ),
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
            "tickets.set_required_by",
        },
        "bureau_admin": {
            VIEW,
            EXPORT,
            "tickets.confirm_ticket",
            "tickets.authorize_data",
            "tickets.approve_emergency",
            "tickets.cancel_ticket",
            "tickets.close_ticket",
            "tickets.set_required_by",
            "tickets.view_supportsession",
        },
        "engineer": {VIEW, EXPORT, "tickets.work_ticket", *SUPPORT},
        "pm": {
            VIEW,
            EXPORT,
            "tickets.work_ticket",
            "tickets.assign_ticket",
            "tickets.close_ticket",
            *SUPPORT,
        },
    }

    # One panel per role, the same template; each role's counts come from its own selector.
    home_panels = [
        HomePanel(
            roles=frozenset({role}),
            template="tickets/home/panel.html",
            context=f"tickets.selectors.home_{selector}",
            order=10,
        )
        for role, selector in (
            ("staff", "staff"),
            ("dept_head", "head"),
            ("engineer", "engineer"),
            ("pm", "pm"),
            ("bureau_admin", "bureau_admin"),
        )
    ]

    # Periodic jobs of this app (task name → seconds or crontab kwargs), see jinbao_service.schedule.

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from . import score_facts
        from .models import Ticket

        # Score facts kept on write (issue 14); the services' queryset updates call refresh themselves.
        post_save.connect(score_facts.ticket_saved, sender=Ticket, dispatch_uid="tickets.score_facts")
