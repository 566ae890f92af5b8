"""Factories for the tests. Users and contracts go through the services, like real data."""

import datetime as dt
import itertools
from decimal import Decimal

import factory

from accounts.models import Department
from accounts.roles import Role
from accounts.services import user_create
from contracts.services import contract_create_with_defaults

_seq = itertools.count(1)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"测试科室{n}")
    order = factory.Sequence(lambda n: n)


def make_user(
    role: str,
    *,
    department: Department | None = None,
    username: str | None = None,
    password: str = "Test@Pass123",
    **extra,
):
    n = next(_seq)
    if role in {Role.STAFF, Role.DEPT_HEAD} and department is None:
        department = DepartmentFactory()
    return user_create(
        username=username or f"{role}{n}",
        role=role,
        password=password,
        department=department,
        full_name=extra.pop("full_name", f"{Role(role).label}{n}"),
        email=extra.pop("email", f"{role}{n}@test.local"),
        **extra,
    )


def make_contract(**overrides):
    n = next(_seq)
    fields = {
        "number": f"TEST-{n:04d}",
        "name": "金保工程软件系统维保项目",
        "signed_on": dt.date(2023, 1, 10),
        "start_on": dt.date(2023, 1, 1),
        "end_on": dt.date(2023, 12, 31),
        "total_amount": Decimal("600000.00"),
        "client_name": "常州市金坛区人力资源和社会保障局",
        "vendor_name": "东软集团股份有限公司",
    }
    fields.update(overrides)
    return contract_create_with_defaults(**fields)
