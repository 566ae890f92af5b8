"""Who may call which URL: one module per app, each exporting ``RULES = {url_name: Rule(...)}``.

``tests/test_access_matrix.py`` resolves every URL of the project and fails when one has no rule
here, so a new view cannot ship without saying who may use it.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.roles import LOGIN_ROLES, Role

# Roles a person logs in with (the bureau's system account only reads the API: tests/api).
ALL_ROLES = frozenset(r.value for r in LOGIN_ROLES)
BUREAU_SIDE = frozenset({Role.STAFF, Role.DEPT_HEAD, Role.BUREAU_ADMIN, Role.FINANCE})
VENDOR = frozenset({Role.ENGINEER, Role.PM})
CONTRACT_READERS = frozenset({Role.BUREAU_ADMIN, Role.ENGINEER, Role.PM, Role.FINANCE})
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]  # roles that may use the URL (for an object of department A)
    methods: tuple[str, ...] = ("GET",)  # the methods the view answers; the others must give 405
    kwargs: Callable[[object], dict] = field(default=lambda world: {})
    # The object belongs to department A: the same role from department B gets 404.
    scoped: bool = False
    public: bool = False  # anonymous users may call it too
    any_method: bool = False  # third-party view that does not restrict methods
    data: Callable[[object], dict] = field(default=lambda world: {})  # POST body (defaults to empty)
    note: str = ""
    # Why an object URL that department roles may open is not department-scoped (else it must be).
    unscoped: str = ""


def all_rules() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for name, rule in getattr(module, "RULES", {}).items():
            if name in rules:
                raise ValueError(f"URL {name} has two rules")
            rules[name] = rule
    return rules


def once_per_world(build):
    """Memoize an object-building helper on the world, so that calling a rule's ``kwargs`` twice (the
    matrix, then the form harness) returns the same object instead of creating a duplicate."""

    import functools

    @functools.wraps(build)
    def wrapper(world, *args):
        key = (build.__module__, build.__qualname__, args)
        if key not in world.extra:
            world.extra[key] = build(world, *args)
        return world.extra[key]

    return wrapper
