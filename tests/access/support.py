"""Issue 18 items 1 and 2: support sessions (vendor records; the bureau admin reads the list) and the
bureau's required-by date (the head of the request's department or the bureau admin)."""

from accounts.roles import Role

from . import Rule
from .tickets import pk

WORKERS = frozenset({Role.ENGINEER, Role.PM})

RULES = {
    "tickets:support": Rule(WORKERS, methods=("POST",), kwargs=pk()),
    "tickets:required_by": Rule(
        frozenset({Role.DEPT_HEAD, Role.BUREAU_ADMIN}), methods=("POST",), kwargs=pk(), scoped=True
    ),
    "tickets:support_list": Rule(WORKERS | {Role.BUREAU_ADMIN}),
    "tickets:support_add": Rule(WORKERS, methods=("POST",)),
}
