"""Loads the demo: the 2023 contract with a year of activity and the current contract in progress.

Each step replays history through the services (with the clock set to when it happened), so the
demo carries the same audit trail and rules as real use. Steps run in the order of the floors.
"""

from types import SimpleNamespace

from django.db import transaction

from .contracts import load_contracts
from .people import is_loaded, load_people
from .security import load_security

STEPS = [
    ("people", load_people),
    ("contracts", load_contracts),
    ("security", load_security),
]


def load_demo(stdout=None) -> bool:
    """Load everything once; returns False when the demo is already there."""
    if is_loaded():
        return False
    ctx = SimpleNamespace()
    for name, step in STEPS:
        with transaction.atomic():
            step(ctx)
        if stdout is not None:
            stdout.write(f"  demo: {name} loaded")
    return True
