"""Loads the demo: the 2023 contract with a year of activity and the current contract in progress.

Each step replays history through the services (with the clock set to when it happened), so the
demo carries the same audit trail and rules as real use. Steps run in the order of the floors.
"""

import datetime as dt
from types import SimpleNamespace

from django.db import transaction

from common import clock
from common.models import Notification
from common.notifications import email_muted

from .agreement import load_agreement
from .contracts import load_contracts
from .jobs import load_jobs
from .kb import load_kb
from .payments import load_payments
from .people import is_loaded, load_people
from .performance import load_performance
from .reports import load_reports
from .rosters import load_rosters
from .security import load_security
from .tickets import load_tickets

STEPS = [
    ("people", load_people),
    ("security", load_security),
    ("contracts", load_contracts),
    # steps of the apps above go here, in the order of the floors
    ("jobs", load_jobs),
    ("tickets", load_tickets),
    ("kb", load_kb),
    ("rosters", load_rosters),
    ("performance", load_performance),
    ("payments", load_payments),
    ("agreement", load_agreement),
    ("reports", load_reports),
]


def load_demo(stdout=None) -> bool:
    """Load everything once; returns False when the demo is already there."""
    if is_loaded():
        return False
    ctx = SimpleNamespace()
    with email_muted():
        for name, step in STEPS:
            with transaction.atomic():
                step(ctx)
            if stdout is not None:
                stdout.write(f"  demo: {name} loaded")
    # What happened more than a week ago has been read by now.
    Notification.objects.filter(created_at__lt=clock.now() - dt.timedelta(days=7)).update(read_at=clock.now())
    return True
