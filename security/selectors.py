"""Reads for the administrators' pages."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role, role_permissions

from . import lockouts


def user_list(*, q: str = "", role: str = "", department=None, status: str = "") -> QuerySet:
    users = User.objects.select_related("department").annotate(
        has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    )
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(full_name__icontains=q)
            | Q(email__icontains=q)
            | Q(organisation__icontains=q)
        )
    if role == "none":
        users = users.filter(role="")
    elif role:
        users = users.filter(role=role)
    if department is not None:
        users = users.filter(department=department)
    if status == "active":
        users = users.filter(is_active=True)
    elif status == "inactive":
        users = users.filter(is_active=False)
    return users.order_by("-is_active", "role", "username")


def user_detail(pk: int) -> User:
    return get_object_or_404(User.objects.select_related("department"), pk=pk)


DEFAULT_ACTIONS = {"add": _("新增"), "change": _("修改"), "delete": _("删除"), "view": _("查看")}


def _permission_label(perm: str, stored_name: str) -> str:
    """“查看 科室” for Django's default permissions (stored in English), the declared name otherwise."""
    app_label, codename = perm.split(".", 1)
    action, _sep, model_name = codename.partition("_")
    if action in DEFAULT_ACTIONS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            return stored_name
        return f"{DEFAULT_ACTIONS[action]}{model._meta.verbose_name}"
    return stored_name


def permission_matrix() -> dict:
    """Every permission some role holds, with its name, and which roles hold it (for the table)."""
    merged = role_permissions()
    roles = [role for role in Role if role.value in merged]
    wanted = sorted({perm for perms in merged.values() for perm in perms})
    names = {
        f"{app}.{codename}": name
        for app, codename, name in Permission.objects.values_list(
            "content_type__app_label", "codename", "name"
        )
    }
    rows = []
    for perm in wanted:
        app_label = perm.split(".", 1)[0]
        try:
            app_name = str(apps.get_app_config(app_label).verbose_name)
        except LookupError:
            app_name = app_label
        rows.append(
            {
                "perm": perm,
                "app": app_name,
                "name": _permission_label(perm, names.get(perm, perm)),
                "held": [perm in merged[role.value] for role in roles],
            }
        )
    return {"roles": roles, "rows": rows, "counts": [len(merged[role.value]) for role in roles]}


def home_accounts_panel(request, contract) -> dict:
    counts = User.objects.aggregate(
        without_role=Count("pk", filter=Q(role="", is_active=True)),
        inactive=Count("pk", filter=Q(is_active=False)),
        active=Count("pk", filter=Q(is_active=True)),
    )
    locked = lockouts.attempts().filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).count()
    return {
        "counts": counts,
        "locked": locked,
        "pending": User.objects.filter(role="", is_active=True).order_by("-date_joined")[:5],
    }
