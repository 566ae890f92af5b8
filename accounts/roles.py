"""The roles of SPEC §1 and the permissions each one holds.

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


BUREAU_ROLES = {Role.STAFF, Role.DEPT_HEAD, Role.BUREAU_ADMIN, Role.FINANCE}
VENDOR_ROLES = {Role.ENGINEER, Role.PM}
DEPARTMENT_ROLES = {Role.STAFF, Role.DEPT_HEAD}  # must belong to a department
# 三员分立: system administration, security administration and audit are held by different people.
THREE_ADMINS = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}
# Roles that must log in with a second factor (TOTP).
TWO_FACTOR_ROLES = {Role.BUREAU_ADMIN, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR}

# Permission strings are "app_label.codename". Each app adds its own here as it grows.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.STAFF: {
        "contracts.view_calendar",
    },
    Role.DEPT_HEAD: {
        "contracts.view_calendar",
    },
    Role.BUREAU_ADMIN: {
        "contracts.view_contract",
        "contracts.change_contract",
        "contracts.add_contract",
        "contracts.view_tierband",
        "contracts.add_tierband",
        "contracts.change_tierband",
        "contracts.delete_tierband",
        "contracts.view_slatarget",
        "contracts.change_slatarget",
        "contracts.view_servicescope",
        "contracts.add_servicescope",
        "contracts.change_servicescope",
        "contracts.view_calendar",
        "contracts.load_calendar",
        "contracts.view_calendaroverride",
        "contracts.add_calendaroverride",
        "contracts.change_calendaroverride",
        "contracts.delete_calendaroverride",
        "accounts.view_department",
        "contracts.view_contract_history",
    },
    Role.ENGINEER: {
        "contracts.view_contract",
        "contracts.view_calendar",
    },
    Role.PM: {
        "contracts.view_contract",
        "contracts.view_calendar",
        "accounts.view_department",
    },
    Role.FINANCE: {
        "contracts.view_contract",
        "contracts.view_calendar",
    },
    Role.AUDITOR: {
        "common.view_auditentry",
    },
    Role.SYSADMIN: {
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_department",
        "accounts.add_department",
        "accounts.change_department",
        "contracts.view_calendar",
    },
    Role.SECADMIN: {
        "accounts.view_user",
        "accounts.manage_roles",
    },
}

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
    unknown = sorted({p for perms in ROLE_PERMISSIONS.values() for p in perms} - set(known))
    if unknown:
        raise LookupError(f"roles.py names permissions that do not exist: {unknown}")
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=group_name(role))
        group.permissions.set([known[p] for p in sorted(ROLE_PERMISSIONS.get(role, set()))])
