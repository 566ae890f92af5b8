"""The roles of RULES §1 and the permissions each one holds.

Roles are Django groups. This module is the single place that says which permissions a role has;
``sync_role_groups`` (run after every migrate) makes the groups match it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("经办人员")
    DEPT_HEAD = "dept_head", _("科室负责人")
    BUREAU_ADMIN = "bureau_admin", _("局信息化管理员")
    ENGINEER = "engineer", _("驻场工程师")
    PM = "pm", _("项目经理")
    FINANCE = "finance", _("财务")
    AUDITOR = "auditor", _("审计员")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    # Not a person: the account the bureau's own systems read the API as (api/README.md). It never
    # logs in (no usable password, refused by every backend); the bureau admin manages its tokens.
    SYSTEM = "system", _("局系统账户")


BUREAU_ROLES = {Role.STAFF, Role.DEPT_HEAD, Role.BUREAU_ADMIN, Role.FINANCE}
VENDOR_ROLES = {Role.ENGINEER, Role.PM}
DEPARTMENT_ROLES = {Role.STAFF, Role.DEPT_HEAD}  # must belong to a department
# 三员分立: system administration, security administration and audit are held by different people.
THREE_ADMINS = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}
# Roles that must log in with a second factor (TOTP).
TWO_FACTOR_ROLES = {Role.BUREAU_ADMIN, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}
# Roles a person logs in with (the system account reads the API only).
LOGIN_ROLES = frozenset(set(Role) - {Role.SYSTEM})
# Roles that read every request and sign-off form of the bureau (RULES §1: all requests).
BUREAU_WIDE_READERS = frozenset({Role.BUREAU_ADMIN, Role.PM, Role.SYSTEM})

# Permission strings are "app_label.codename". Each app declares the permissions its roles hold
# as ``role_permissions`` on its AppConfig; accounts holds its own here. ``role_permissions()``
# merges them: it is the one answer to "what may this role do", shown to the security admin.
ACCOUNTS_ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.BUREAU_ADMIN: {"accounts.view_department"},
    Role.PM: {"accounts.view_department"},
    Role.SYSADMIN: {
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_department",
        "accounts.add_department",
        "accounts.change_department",
    },
    Role.SECADMIN: {"accounts.view_user", "accounts.manage_roles"},
}


def role_permissions() -> dict[str, set[str]]:
    from django.apps import apps

    merged: dict[str, set[str]] = {role.value: set() for role in Role}
    sources = [ACCOUNTS_ROLE_PERMISSIONS] + [
        getattr(cfg, "role_permissions", {}) for cfg in apps.get_app_configs()
    ]
    for source in sources:
        for role, perms in source.items():
            merged[Role(role).value].update(perms)
    return merged


# Roles that get into the Django admin (it shows each of them only the models they hold perms on).
ADMIN_SITE_ROLES = {Role.BUREAU_ADMIN, Role.SYSADMIN}


def group_name(role: str) -> str:
    return f"role:{role}"


def sync_role_groups(using: str = "default") -> None:
    """Create one group per role holding exactly the permissions listed above."""
    from django.contrib.auth.models import Group, Permission

    known = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    wanted = role_permissions()
    unknown = sorted({p for perms in wanted.values() for p in perms} - set(known))
    if unknown:
        raise LookupError(f"roles.py names permissions that do not exist: {unknown}")
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=group_name(role))
        group.permissions.set([known[p] for p in sorted(wanted[role.value])])
