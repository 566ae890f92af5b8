import datetime as dt

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.audit import log_action
from common.models import AuditEntry
from common.permissions import require_login, require_perm
from contracts.calendar import get_calendar
from contracts.selectors import active_scopes, contract_in_use
from contracts.workdays import CalendarNotLoaded

from .forms import DepartmentForm
from .home import panels_for
from .models import Department, User
from .roles import Role, role_permissions
from .services import department_create, department_update


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


login_view = require_http_methods(["GET", "POST"])(LoginView.as_view())
logout_view = require_POST(auth_views.LogoutView.as_view())


def _today_panel(contract):
    """Today's working-day status and the next holiday, or the pending state if not loaded."""
    today = clock.today()
    calendar = get_calendar(contract)
    panel = {"today": today}
    try:
        panel["day"] = calendar.day(today)
        periods = [
            p
            for year in (today.year, today.year + 1)
            if calendar.knows_year(year)
            for p in calendar.holiday_periods(year)
        ]
        panel["next_holiday"] = next((p for p in periods if p.end >= today), None)
        panel["next_year_missing"] = not calendar.knows_year(today.year + 1)
    except CalendarNotLoaded as exc:
        panel["not_loaded"] = exc.year
    return panel


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
        context["calendar_panel"] = _today_panel(contract)
    context.update(_role_context(request, user, contract))
    context["panels"] = panels_for(request, contract)
    template = f"home/{user.role}.html" if user.role in Role.values else "home/none.html"
    if user.role not in Role.values:
        log_action("access.no_role", actor=user, obj=user, success=False)
    return render(request, template, context)


@require_GET
@require_perm("accounts.view_department")
def department_list(request):
    departments = Department.objects.annotate(
        staff_count=Count("members", filter=Q(members__is_active=True, members__role=Role.STAFF)),
    ).prefetch_related("members")
    rows = []
    for department in departments:
        head = next((m for m in department.members.all() if m.role == Role.DEPT_HEAD and m.is_active), None)
        rows.append({"department": department, "head": head, "staff_count": department.staff_count})
    return render(request, "accounts/department_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@require_perm("accounts.add_department")
def department_new(request):
    form = DepartmentForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            department = department_create(
                code=data["code"], name=data["name"], order=data["order"], actor=request.user
            )
            if not data["is_active"]:
                department_update(department=department, actor=request.user, is_active=False)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("科室 %(n)s 已创建。") % {"n": department.name})
            return redirect("accounts:departments")
    return render(request, "accounts/department_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_perm("accounts.change_department")
def department_edit(request, pk: int):
    department = get_object_or_404(Department, pk=pk)
    form = DepartmentForm(request.POST or None, instance=department)
    if request.method == "POST" and form.is_valid():
        try:
            department_update(
                department=Department.objects.get(pk=department.pk),
                actor=request.user,
                **{name: form.cleaned_data[name] for name in DepartmentForm.Meta.fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("科室 %(n)s 已保存。") % {"n": form.cleaned_data["name"]})
            return redirect("accounts:departments")
    return render(request, "accounts/department_form.html", {"form": form, "department": department})
