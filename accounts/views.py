from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.permissions import require_perm

from .forms import DepartmentForm
from .models import Department
from .roles import Role
from .services import department_create, department_update


class PortalAuthenticationForm(AuthenticationForm):
    def get_invalid_login_error(self):
        # The directory accepted the password but the portal refuses the account: say why (only the
        # person who knows the password gets this far).
        reason = getattr(self.request, "_directory_refusal", None)
        if reason:
            return ValidationError(reason, code="directory_refused")
        return super().get_invalid_login_error()


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True
    authentication_form = PortalAuthenticationForm


login_view = require_http_methods(["GET", "HEAD", "POST"])(LoginView.as_view())  # monitors use HEAD
logout_view = require_POST(auth_views.LogoutView.as_view())


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
