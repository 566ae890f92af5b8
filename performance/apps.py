from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts.home import HomePanel
from common.navigation import NavItem

VIEW_SCORE = "performance.view_score"
RESULTS = "performance.view_survey_results"
ANSWER = "performance.answer_survey"


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("绩效考核")

    nav_items = [
        NavItem(_("绩效考核"), "performance:score", "speedometer2", perms=(VIEW_SCORE,), order=30),
        # Department heads answer here; results readers reach the surveys from the score page.
        NavItem(_("满意度调查"), "performance:survey_list", "emoji-smile", perms=(ANSWER,), order=31),
    ]

    # Finance and the PM read; the bureau admin evaluates, adjusts, locks and runs the survey;
    # department heads answer it (their own answer only).
    role_permissions = {
        "finance": {VIEW_SCORE, RESULTS},
        "pm": {VIEW_SCORE, RESULTS},
        "bureau_admin": {
            VIEW_SCORE,
            RESULTS,
            "performance.adjust_score",
            "performance.lock_score",
            "performance.manage_survey",
        },
        "dept_head": {ANSWER},
    }

    # Survey deadlines 待定 for a missing year are filled when the year is loaded (common.hooks).
    hooks = {"calendar.loaded": ["performance.services.survey_fill_pending"]}

    home_panels = [
        HomePanel(
            roles=frozenset({"bureau_admin", "pm"}),
            template="home/lazy.html",
            context="performance.selectors.home_score",
            order=30,
            css="col-lg-6",
        ),
        HomePanel(
            roles=frozenset({"dept_head"}),
            template="performance/home/survey.html",
            context="performance.selectors.home_head_survey",
            order=30,
            css="col-lg-6",
        ),
    ]
