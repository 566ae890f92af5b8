"""The home page: the same frame for every role, the contract's calendar panel, a few facts of the
role, and the panels the apps contribute (``accounts.home.panels_for``). It lives in the project
package because it gathers what every floor shows; no app imports it."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.home import panels_for
from accounts.models import Department, User
from accounts.roles import Role, role_permissions
from common import clock
from common.audit import log_action
from common.models import AuditEntry
from common.permissions import require_login
from contracts.selectors import active_scopes, calendar_for, contract_in_use, today_panel


def _role_context(request, user, contract) -> dict:
    role = user.role
    context: dict = {}
    if role in {Role.STAFF, Role.DEPT_HEAD}:
        context["colleagues"] = User.objects.filter(department=user.department, is_active=True).order_by(
            "role", "username"
        )
        context["scopes"] = active_scopes(contract) if contract else []
    elif role == Role.BUREAU_ADMIN:
        context["departments"] = Department.objects.filter(is_active=True).annotate(
            members_count=Count("members", filter=Q(members__is_active=True))
        )
    elif role == Role.AUDITOR:
        context["recent_entries"] = AuditEntry.objects.select_related("actor")[:15]
        since = clock.now() - dt.timedelta(days=1)
        context["failures_24h"] = AuditEntry.objects.filter(success=False, created_at__gte=since).count()
    elif role == Role.SYSADMIN:
        context["role_counts"] = (
            User.objects.filter(is_active=True).values("role").annotate(n=Count("id")).order_by("role")
        )
        context["role_labels"] = dict(Role.choices)
        context["departments"] = Department.objects.annotate(members_count=Count("members"))
    elif role == Role.SECADMIN:
        context["role_permissions"] = [(Role(r).label, sorted(p)) for r, p in role_permissions().items()]
    return context


@require_GET
@require_login
def home(request):
    user = request.user
    contract = contract_in_use(request)
    context = {"contract": contract, "role": user.role}
    if user.role != Role.AUDITOR:
        context["calendar_panel"] = today_panel(contract, calendar_for(request, contract))
    context.update(_role_context(request, user, contract))
    context["panels"] = panels_for(request, contract)
    template = f"home/{user.role}.html" if user.role in Role.values else "home/none.html"
    if user.role not in Role.values:
        log_action("access.no_role", actor=user, obj=user, success=False)
    return render(request, template, context)
