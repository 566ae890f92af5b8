import os
from dataclasses import dataclass, field

import pytest

from accounts.roles import Role

from .factories import DepartmentFactory, make_contract, make_user

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@dataclass
class World:
    """Two departments and one user of every role; ``outsiders`` are the same roles in department B."""

    dept_a: object
    dept_b: object
    users: dict[str, object] = field(default_factory=dict)
    outsiders: dict[str, object] = field(default_factory=dict)
    contract: object = None
    extra: dict = field(default_factory=dict)

    def __getattr__(self, name):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_world() -> World:
    dept_a = DepartmentFactory(code="dept-a", name="养老保险科")
    dept_b = DepartmentFactory(code="dept-b", name="就业管理中心")
    world = World(dept_a=dept_a, dept_b=dept_b)
    for role in Role:
        dept = dept_a if role in {Role.STAFF, Role.DEPT_HEAD} else None
        world.users[role.value] = make_user(role, department=dept, username=f"{role.value}_a")
    world.outsiders["staff"] = make_user(Role.STAFF, department=dept_b, username="staff_b")
    world.outsiders["dept_head"] = make_user(Role.DEPT_HEAD, department=dept_b, username="dept_head_b")
    world.contract = make_contract()
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def contract(db):
    return make_contract()


@pytest.fixture
def login(client):
    """``login(user)`` logs the test client in as ``user`` and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
