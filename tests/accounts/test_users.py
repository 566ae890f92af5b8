import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.roles import Role, group_name, role_permissions
from common.models import AuditEntry

from ..factories import DepartmentFactory, make_user


def test_role_groups_carry_the_listed_permissions(db):
    from django.contrib.auth.models import Group

    for role, perms in role_permissions().items():
        group = Group.objects.get(name=group_name(role))
        have = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert have == set(perms), role


def test_user_gets_exactly_its_role_group(db):
    user = make_user(Role.FINANCE)
    assert [g.name for g in user.groups.all()] == [group_name(Role.FINANCE)]
    assert user.has_perm("contracts.view_contract")
    assert not user.has_perm("contracts.change_contract")


def test_staff_must_belong_to_a_department(db):
    from accounts.services import user_create

    with pytest.raises(ValidationError) as exc:
        user_create(username="nodept", role=Role.STAFF, password=None)
    assert "必须属于一个科室" in str(exc.value)


def test_one_active_head_per_department(db):
    dept = DepartmentFactory()
    make_user(Role.DEPT_HEAD, department=dept)
    with pytest.raises((ValidationError, IntegrityError)):
        make_user(Role.DEPT_HEAD, department=dept)


def test_vendor_people_are_not_in_a_department(db):
    with pytest.raises(ValidationError):
        make_user(Role.ENGINEER, department=DepartmentFactory())


def test_user_creation_is_audited(db):
    user = make_user(Role.PM)
    entry = AuditEntry.objects.get(action="user.create", object_id=str(user.pk))
    assert entry.changes["role"] == "pm"
