from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import DEPARTMENT_ROLES, THREE_ADMINS, VENDOR_ROLES, Role


class Department(models.Model):
    """A department (科室) or office (经办机构) of the bureau."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("科室")
        verbose_name_plural = _("科室")

    def __str__(self) -> str:
        return self.name


class AuthSource(models.TextChoices):
    LOCAL = "local", _("本地账户")
    LDAP = "ldap", _("目录账户")


class User(AbstractUser):
    """A person who logs in. One role each (三员分立 forbids holding two administrator roles).

    A new account has no role until the security administrator assigns one (三员分立: the system
    administrator creates accounts, the security administrator gives them their powers).
    """

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属科室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    organisation = models.CharField(_("单位"), max_length=100, blank=True)
    # Who checks the password: the portal (local) or the bureau's directory (LDAP, security/directory.py).
    # A directory account has no usable local password; its role and department follow its directory
    # group at each login.
    auth_source = models.CharField(
        _("认证来源"), max_length=8, choices=AuthSource.choices, default=AuthSource.LOCAL
    )

    objects: ClassVar[UserManager] = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [("manage_roles", _("可以分配角色与权限"))]
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=models.Q(role=Role.DEPT_HEAD, is_active=True),
                name="one_active_head_per_department",
                violation_error_message=_("该科室已有一位在任负责人。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=sorted(r.value for r in DEPARTMENT_ROLES))
                | models.Q(department__isnull=False),
                name="department_roles_have_department",
                violation_error_message=_("经办人员和科室负责人必须属于一个科室。"),
            ),
            # A superuser holds every permission, so an administrator account that is also a
            # superuser would hold the other two administrators' powers as well.
            models.CheckConstraint(
                condition=models.Q(is_superuser=False)
                | ~models.Q(role__in=sorted(r.value for r in THREE_ADMINS)),
                name="three_admins_not_superuser",
                violation_error_message=_("三员分立：系统管理员、安全管理员和审计员的账户不能是超级用户。"),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.role in DEPARTMENT_ROLES and not self.department_id:
            raise ValidationError({"department": _("经办人员和科室负责人必须属于一个科室。")})
        if self.role in VENDOR_ROLES and self.department_id:
            raise ValidationError({"department": _("乙方人员不属于局内科室。")})

    # Convenience role tests used by selectors and templates.
    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.role in roles

    @property
    def is_directory_account(self) -> bool:
        return self.auth_source == AuthSource.LDAP

    @property
    def is_bureau_admin(self) -> bool:
        return self.role == Role.BUREAU_ADMIN

    @property
    def is_vendor(self) -> bool:
        return self.role in VENDOR_ROLES

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else ""
