from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.home import HomePanel
from common.navigation import NavItem

VIEW = "reports.view_weeklyreport"
WRITE = {"reports.add_weeklyreport", "reports.change_weeklyreport", "reports.publish_weeklyreport"}
STATS = "reports.view_statistics"


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("周报与统计")

    nav_items = [
        NavItem(_("周报"), "reports:weekly_list", "journal-text", perms=(VIEW,), order=50),
        NavItem(_("统计"), "reports:statistics", "bar-chart", perms=(STATS,), order=51),
    ]
    home_panels = [
        HomePanel(
            roles=frozenset({"pm"}),
            template="reports/home_weekly.html",
            context="reports.selectors.home_weekly",
            order=55,
            css="col-lg-6",
        ),
    ]
    # The PM drafts and publishes; the bureau admin reads reports and statistics; engineers read the
    # published reports they discuss at the weekly meeting.
    role_permissions = {
        "pm": {VIEW, STATS, *WRITE},
        "bureau_admin": {VIEW, STATS},
        "engineer": {VIEW},
    }
