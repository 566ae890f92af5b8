from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from accounts.home import HomePanel
from common.navigation import NavItem


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("定时任务")

    nav_items = [
        NavItem(_("定时任务"), "jobs:list", "alarm", perms=("jobs.view_jobrun",), order=70),
    ]
    home_panels = [
        HomePanel(
            roles=frozenset({"bureau_admin", "pm", "engineer"}),
            template="jobs/home_initializations.html",
            context="jobs.selectors.home_initializations",
            order=60,
            css="col-lg-6",
        ),
    ]
    role_permissions = {
        "bureau_admin": {
            "jobs.view_jobrun",
            "jobs.view_initializationrecord",
            "jobs.confirm_initialization",
            "jobs.run_job",
        },
        "pm": {
            "jobs.view_jobrun",
            "jobs.view_initializationrecord",
            "jobs.confirm_initialization",
            "jobs.run_job",
        },
        "engineer": {"jobs.view_initializationrecord"},
    }

    def ready(self) -> None:
        post_migrate.connect(_sync_schedule, sender=self, dispatch_uid="jobs_sync_schedule")


def _sync_schedule(sender, using="default", **kwargs):
    from .schedule import sync_schedule

    sync_schedule(using=using)
