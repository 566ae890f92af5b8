from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.home import HomePanel
from common.navigation import NavItem

ENGINEER_PERMS = {
    "rosters.view_rosterentry",
    "rosters.check_in",
    "rosters.view_leaverequest",
    "rosters.add_leaverequest",
    "rosters.view_attendancecorrection",
    "rosters.add_attendancecorrection",
    "rosters.view_worklog",
    "rosters.add_worklog",
    "rosters.change_worklog",
    "rosters.view_dutylist",
    "rosters.view_weeklymeeting",
    "rosters.view_keyday",
}
PM_PERMS = ENGINEER_PERMS | {
    "rosters.add_rosterentry",
    "rosters.change_rosterentry",
    "rosters.view_team_attendance",
    "rosters.approve_leave",
    "rosters.approve_correction",
    "rosters.view_team_worklogs",
    "rosters.view_staffchange",
    "rosters.add_staffchange",
    "rosters.manage_dutylist",
    "rosters.add_weeklymeeting",
    "rosters.change_weeklymeeting",
}
BUREAU_ADMIN_PERMS = {
    "rosters.view_rosterentry",
    "rosters.view_team_attendance",
    "rosters.view_leaverequest",
    "rosters.approve_leave",  # the project manager's own leave
    "rosters.view_attendancecorrection",
    "rosters.approve_correction",  # the project manager's own corrections
    "rosters.view_worklog",
    "rosters.view_team_worklogs",
    "rosters.view_staffchange",
    "rosters.decide_staffchange",
    "rosters.demand_replacement",
    "rosters.view_dutylist",
    "rosters.view_weeklymeeting",
    "rosters.view_keyday",
    "rosters.add_keyday",
    "rosters.delete_keyday",
}


class RostersConfig(AppConfig):
    name = "rosters"
    verbose_name = _("驻场人员")

    def ready(self) -> None:
        from . import versions  # noqa: F401  (the attendance inputs' receivers)

    role_permissions = {"engineer": ENGINEER_PERMS, "pm": PM_PERMS, "bureau_admin": BUREAU_ADMIN_PERMS}

    nav_items = [
        NavItem(_("驻场管理"), "rosters:roster", "people", perms=("rosters.view_rosterentry",), order=20),
        NavItem(
            _("工作日志"), "rosters:worklog_list", "journal-text", perms=("rosters.add_worklog",), order=22
        ),
    ]

    home_panels = [
        HomePanel(
            roles=frozenset({"engineer", "pm"}),
            template="rosters/home/my_day.html",
            context="rosters.home.my_day",
            order=20,
            css="col-lg-5",
        ),
        HomePanel(
            roles=frozenset({"engineer"}),
            template="home/lazy.html",  # loads rosters/home/my_records.html (rosters.views.home)
            context="rosters.home.my_records_placeholder",
            order=21,
            css="col-lg-7",
        ),
        HomePanel(
            roles=frozenset({"pm"}),
            template="home/lazy.html",  # loads rosters/home/pm_team.html (rosters.views.home)
            context="rosters.home.pm_team_placeholder",
            order=21,
            css="col-lg-7",
        ),
        HomePanel(
            roles=frozenset({"bureau_admin"}),
            template="home/lazy.html",  # loads rosters/home/bureau.html (rosters.views.home)
            context="rosters.home.bureau_placeholder",
            order=20,
            css="col-12",
        ),
    ]
