"""Writes of the three administrators (三员分立) and of every user's own password. All audited.

- system administrator: creates and edits accounts, (de)activates them, resets passwords, keeps the
  departments;
- security administrator: assigns roles, resets a lost second factor, unlocks lockouts;
- auditor: reads and exports the audit log (common.views), and changes nothing.

No one acts on their own account here (a password is changed on the password-change page), and
the last active holder of an administrator role cannot be deactivated or moved to another role.
"""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.roles import THREE_ADMINS, Role
from accounts.selectors import active_users
from accounts.services import user_create, user_update
from common.audit import log_action
from common.errors import ConcurrentChange, ServiceError
from common.notifications import notify

from . import passwords

ACCOUNT_FIELDS = ("full_name", "email", "phone", "organisation", "department")


def _not_self(user: User, actor, message: str) -> None:
    if actor is not None and user.pk == actor.pk:
        raise ServiceError(message)


def _last_admin_check(user: User, *, leaving: bool) -> None:
    """Refuse to leave an administrator role without anyone active in it."""
    if not leaving or user.role not in THREE_ADMINS or not user.is_active:
        return
    others = User.objects.filter(role=user.role, is_active=True).exclude(pk=user.pk).exists()
    if not others:
        raise ServiceError(
            _("%(name)s 是唯一在用的%(role)s，停用或改变其角色后无人履行该职责，请先启用另一个%(role)s账户。")
            % {"name": user.display_name, "role": Role(user.role).label}
        )


def _locked(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _not_directory(user: User, message: str) -> None:
    """A directory account's password and role belong to the directory (security/directory.py)."""
    if user.is_directory_account:
        raise ServiceError(message)


@transaction.atomic
def account_create(
    *,
    actor,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    organisation: str = "",
    department: Department | None = None,
) -> User:
    """A new account, without a role; the user changes the initial password at the first login."""
    validate_password(password, User(username=username, full_name=full_name, email=email))
    user = user_create(
        username=username,
        role="",
        password=password,
        actor=actor,
        department=department,
        full_name=full_name,
        email=email,
        phone=phone,
        organisation=organisation,
    )
    passwords.require_change(user)
    secadmins = active_users(Role.SECADMIN)
    notify(
        secadmins,
        title=_("新账户待分配角色：%(name)s") % {"name": user.display_name},
        body=_("系统管理员 %(actor)s 创建了账户 %(username)s，请为其分配角色。")
        % {"actor": actor.display_name, "username": user.username},
        url=reverse("security:user_role", args=[user.pk]),
        kind="security.account_created",
    )
    return user


@transaction.atomic
def account_update(*, actor, user: User, **fields) -> User:
    unknown = set(fields) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValueError(f"account_update cannot change {sorted(unknown)}")
    user = _locked(user)
    if "department" in fields and fields["department"] != user.department:
        _not_directory(user, _("目录账户的科室由其目录组决定，每次登录时更新，请在目录中调整。"))
    return user_update(user=user, actor=actor, **fields)


@transaction.atomic
def account_set_active(*, actor, user: User, active: bool) -> User:
    _not_self(user, actor, _("不能停用或启用自己的账户。"))
    user = _locked(user)
    if user.is_active == active:
        raise ConcurrentChange(
            _("该账户已经是“%(state)s”状态。") % {"state": _("启用") if active else _("停用")}
        )
    _last_admin_check(user, leaving=not active)
    return user_update(user=user, actor=actor, is_active=active)


@transaction.atomic
def password_reset(*, actor, user: User, password: str) -> None:
    """The system administrator sets a temporary password; every session of the user ends and the
    user must choose a new one at the next login."""
    _not_self(user, actor, _("请在“修改密码”页面修改自己的密码。"))
    user = _locked(user)
    _not_directory(user, _("目录账户没有门户密码，其密码在单位目录（LDAP/AD）中管理。"))
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    passwords.require_change(user)
    log_action("user.password_reset", actor=actor, obj=user)


@transaction.atomic
def password_change(*, user: User, password: str) -> None:
    """A user changes their own password (the form has checked the old one and the rules)."""
    user = _locked(user)
    _not_directory(user, _("您是目录账户，密码在单位目录（LDAP/AD）中修改，门户中没有您的密码。"))
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    log_action("auth.password_change", actor=user, obj=user)


@transaction.atomic
def role_assign(*, actor, user: User, role: str) -> User:
    _not_self(user, actor, _("不能修改自己的角色。"))
    user = _locked(user)
    _not_directory(user, _("目录账户的角色由其目录组决定，每次登录时更新，请在目录中调整组成员。"))
    if user.role == role:
        raise ConcurrentChange(_("该账户已经是此角色。"))
    if user.role in THREE_ADMINS and role in THREE_ADMINS:
        raise ServiceError(
            _("三员分立：系统管理员、安全管理员和审计员的账户不能互相转换，请为另一职责另建账户。")
        )
    _last_admin_check(user, leaving=True)
    return user_update(user=user, actor=actor, role=role)
