"""Writes on users and departments. Every change is audited."""

from django.contrib.auth.models import Group
from django.db import transaction

from common.audit import diff, log_action, snapshot

from .models import AuthSource, Department, User
from .roles import ADMIN_SITE_ROLES, group_name

USER_AUDIT_FIELDS = [
    "username",
    "full_name",
    "email",
    "phone",
    "role",
    "department",
    "is_active",
    "organisation",
    "auth_source",
]


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str | None,
    actor=None,
    department: Department | None = None,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    organisation: str = "",
    auth_source: str = AuthSource.LOCAL,
) -> User:
    user = User(
        auth_source=auth_source,
        username=username,
        role=role,
        department=department,
        full_name=full_name,
        email=email,
        phone=phone,
        organisation=organisation,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    _sync_groups(user)
    log_action("user.create", actor=actor, obj=user, changes=snapshot(user, USER_AUDIT_FIELDS))
    return user


@transaction.atomic
def user_update(
    *, user: User, actor, action: str = "user.update", extra: dict | None = None, **fields
) -> User:
    before = snapshot(user, USER_AUDIT_FIELDS)
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean()
    user.save()
    _sync_groups(user)
    changes = diff(before, snapshot(user, USER_AUDIT_FIELDS))
    if changes:
        log_action(action, actor=actor, obj=user, changes={**changes, **(extra or {})})
    return user


def _sync_groups(user: User) -> None:
    """Exactly one role group (none while the security administrator has not assigned a role)."""
    if user.role:
        group, _ = Group.objects.get_or_create(name=group_name(user.role))
        user.groups.set([group])
    else:
        user.groups.clear()
    user.is_staff = user.role in ADMIN_SITE_ROLES
    User.objects.filter(pk=user.pk).update(is_staff=user.is_staff)


@transaction.atomic
def department_create(*, code: str, name: str, order: int = 0, actor=None) -> Department:
    department = Department(code=code, name=name, order=order)
    department.full_clean()
    department.save()
    log_action("department.create", actor=actor, obj=department, changes=snapshot(department))
    return department


@transaction.atomic
def department_update(*, department: Department, actor, **fields) -> Department:
    before = snapshot(department)
    for name, value in fields.items():
        setattr(department, name, value)
    department.full_clean()
    department.save()
    changes = diff(before, snapshot(department))
    if changes:
        log_action("department.update", actor=actor, obj=department, changes=changes)
    return department
