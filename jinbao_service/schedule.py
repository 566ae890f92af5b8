"""Every periodic job in one place: merged from the apps' ``periodic_tasks`` on their AppConfig.

An app declares ``periodic_tasks = {"name": {"task": "app.tasks.job", "crontab": {...}}}`` (or
``"seconds": N``); the Celery app reads ``beat_schedule()`` and django-celery-beat's database
scheduler stores the entries, so the admin can see and pause them.
"""

from celery.schedules import crontab
from django.apps import apps


def beat_schedule() -> dict:
    schedule = {}
    for cfg in apps.get_app_configs():
        for name, entry in getattr(cfg, "periodic_tasks", {}).items():
            when = crontab(**entry["crontab"]) if "crontab" in entry else float(entry["seconds"])
            schedule[name] = {"task": entry["task"], "schedule": when}
    return schedule
