from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.audit import log_action
from common.context import client_ip
from common.errors import ServiceError
from common.noise import log_noise
from common.permissions import deny, require_login, require_perm
from common.privacy import personal_data

from . import lockouts, selectors, services, sessions, twofactor
from .forms import (
    AccountCreateForm,
    AccountForm,
    OwnPasswordChangeForm,
    PasswordResetForm,
    RoleAssignForm,
    TokenForm,
    UserFilterForm,
)
from .passwords import password_state


def _next_url(request, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _url_with_next(name: str, request) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# --- Every user: password, second factor ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_login
def password_change(request):
    if request.user.is_directory_account:
        # No portal password: rules, history and expiry do not apply; the directory keeps the password.
        return render(request, "security/password_change.html", {"directory": True})
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=request.user, password=form.cleaned_data["new_password1"])
        except ValidationError as exc:
            form.add_error("new_password2", exc)
        else:
            request.user.refresh_from_db(fields=["password"])
            update_session_auth_hash(request, request.user)  # this session stays; the others end
            sessions.remember_password_state(request, request.user)
            messages.success(request, _("密码已修改。您在其他设备上的登录已失效。"))
            return HttpResponseRedirect(_next_url(request))
    state = password_state(request.user)
    return render(
        request,
        "security/password_change.html",
        {
            "form": form,
            "state": state,
            "reason": sessions.password_change_required(request),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


@require_http_methods(["GET", "POST"])
@require_login
def two_factor_setup(request):
    user = request.user
    if not twofactor.requires_two_factor(user):
        messages.info(request, _("您的角色无需双因素认证。"))
        return redirect("home")
    if twofactor.confirmed_device(user):
        return HttpResponseRedirect(_url_with_next("security:two_factor_verify", request))
    device = twofactor.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ok = twofactor.confirm_enrolment(request, form.cleaned_data["token"])
        except ServiceError as exc:
            form.add_error(None, exc)
        else:
            if ok:
                messages.success(request, _("身份验证器已绑定，今后登录时需输入其显示的验证码。"))
                return HttpResponseRedirect(_next_url(request))
            form.add_error("token", _two_factor_error(request))
    return _two_factor_page(request, form, "security/two_factor_setup.html", device=device)


@require_http_methods(["GET", "POST"])
@require_login
def two_factor_verify(request):
    user = request.user
    if not twofactor.requires_two_factor(user) or user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    if not twofactor.confirmed_device(user):
        return HttpResponseRedirect(_url_with_next("security:two_factor_setup", request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, form.cleaned_data["token"]):
            return HttpResponseRedirect(_next_url(request))
        if twofactor.failures(request) >= _max_failures():
            logout(request)
            return redirect(f"{reverse('accounts:login')}?expired=two_factor")
        if twofactor.code_was_used(user, form.cleaned_data["token"]):
            form.add_error(
                "token",
                _("该验证码已经用过，每个验证码只能登录一次。请等待身份验证器显示下一个验证码后再输入。"),
            )
        else:
            form.add_error("token", _two_factor_error(request))
    return _two_factor_page(request, form, "security/two_factor_verify.html")


def _max_failures() -> int:
    return settings.TWO_FACTOR_MAX_FAILURES


def _two_factor_error(request) -> str:
    wait = twofactor.retry_after(request.user)
    left = max(0, _max_failures() - twofactor.failures(request))
    if wait:
        return _("验证码不正确。请等待 %(s)d 秒后再试（还可尝试 %(n)d 次）。") % {"s": wait, "n": left}
    return _("验证码不正确或已过期（还可尝试 %(n)d 次）。") % {"n": left}


def _two_factor_page(request, form, template, **extra):
    context = {"form": form, "next": _next_url(request), **extra}
    if "device" in extra:
        context["qr_svg"] = twofactor.qr_svg(extra["device"])
        context["secret"] = twofactor.secret_base32(extra["device"])
    return render(request, template, context)


# --- System and security administrators: accounts ---------------------------------------------------


@require_GET
@require_perm("accounts.view_user")
@personal_data
def user_list(request):
    form = UserFilterForm(request.GET or None)
    users = selectors.user_list(**form.filters())
    page = Paginator(users, 30).get_page(request.GET.get("page"))
    return render(request, "security/user_list.html", {"form": form, "page": page})


@require_GET
@require_perm("accounts.view_user")
@personal_data
def user_detail(request, pk: int):
    account = selectors.user_detail(pk)
    attempts = [lockouts.describe(a) for a in lockouts.attempts().filter(username=account.username)[:10]]
    return render(
        request,
        "security/user_detail.html",
        {
            "account": account,
            "state": password_state(account),
            "device": twofactor.confirmed_device(account),
            "needs_two_factor": twofactor.requires_two_factor(account),
            "attempts": attempts,
            "is_self": account.pk == request.user.pk,
        },
    )


@require_http_methods(["GET", "POST"])
@require_perm("accounts.add_user")
@personal_data
def user_create(request):
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.account_create(
                actor=request.user,
                username=data["username"],
                password=data["password1"],
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                organisation=data["organisation"],
                department=data["department"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("账户 %(u)s 已创建，已通知安全管理员分配角色。用户首次登录时须修改初始密码。")
                % {"u": account.username},
            )
            return redirect("security:user_detail", pk=account.pk)
    return render(request, "security/user_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
@require_perm("accounts.change_user")
@personal_data
def user_edit(request, pk: int):
    account = selectors.user_detail(pk)
    form = AccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(
                actor=request.user,
                user=account,
                **{name: form.cleaned_data[name] for name in form.Meta.fields},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("账户信息已保存。"))
            return redirect("security:user_detail", pk=account.pk)
    return render(request, "security/user_form.html", {"form": form, "account": account})


@require_POST
@require_perm("accounts.change_user")
def user_set_active(request, pk: int):
    account = selectors.user_detail(pk)
    active = request.POST.get("active") == "1"
    try:
        services.account_set_active(actor=request.user, user=account, active=active)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        if active:
            messages.success(request, _("账户 %(u)s 已启用。") % {"u": account.username})
        else:
            messages.success(request, _("账户 %(u)s 已停用，其登录已立即失效。") % {"u": account.username})
    return redirect("security:user_detail", pk=account.pk)


@require_http_methods(["GET", "POST"])
@require_perm("security.reset_password")
def user_password_reset(request, pk: int):
    account = selectors.user_detail(pk)
    if account.pk == request.user.pk:
        messages.info(request, _("请在“修改密码”页面修改自己的密码。"))
        return redirect("security:password_change")
    form = PasswordResetForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset(
                actor=request.user, user=account, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            form.add_error("new_password2", exc)
        else:
            messages.success(
                request,
                _("已为 %(u)s 设置临时密码，请当面或以安全方式告知本人；其下次登录时须修改。")
                % {"u": account.username},
            )
            return redirect("security:user_detail", pk=account.pk)
    return render(request, "security/user_password_reset.html", {"form": form, "account": account})


@require_http_methods(["GET", "POST"])
@require_perm("accounts.manage_roles")
def user_role(request, pk: int):
    account = selectors.user_detail(pk)
    form = RoleAssignForm(request.POST or None, initial={"role": account.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.role_assign(actor=request.user, user=account, role=form.cleaned_data["role"])
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("已更新 %(u)s 的角色。") % {"u": account.username})
            return redirect("security:user_detail", pk=account.pk)
    return render(request, "security/user_role.html", {"form": form, "account": account})


@require_POST
@require_perm("security.reset_two_factor")
def user_two_factor_reset(request, pk: int):
    account = selectors.user_detail(pk)
    try:
        twofactor.reset(user=account, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request, _("已解除 %(u)s 的身份验证器，其下次登录时须重新绑定。") % {"u": account.username}
        )
    return redirect("security:user_detail", pk=account.pk)


# --- Security administrator: roles and lockouts ------------------------------------------------------


@require_GET
@require_perm("accounts.manage_roles")
def permission_matrix(request):
    return render(request, "security/permission_matrix.html", selectors.permission_matrix())


@require_GET
@require_perm("security.unlock_login")
def lockout_list(request):
    page = Paginator(lockouts.attempts(), 30).get_page(request.GET.get("page"))
    rows = [lockouts.describe(attempt) for attempt in page]
    cool_off = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "security/lockout_list.html",
        {
            "page": page,
            "rows": rows,
            "limit": settings.AXES_FAILURE_LIMIT,
            "minutes": int(cool_off.total_seconds() // 60) if cool_off else 0,
        },
    )


@require_POST
@require_perm("security.unlock_login")
def lockout_unlock(request, pk: int):
    try:
        lockouts.unlock(attempt_id=pk, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已解除锁定。"))
    return redirect("security:lockouts")


# --- Not URLs of this app -----------------------------------------------------------------------------


def csrf_failure(request, reason: str = ""):
    """A request without a valid CSRF token: refused, recorded, explained (settings.CSRF_FAILURE_VIEW).
    Without a logged-in user it is anonymous noise, throttled per address (common/noise.py)."""
    user = getattr(request, "user", None)
    changes = {"method": request.method, "reason": reason, "path": request.path[:200]}
    if user is not None and user.is_authenticated:
        log_action(
            "access.csrf_failed",
            actor=user,
            object_type="url",
            object_repr=request.path[:200],
            changes=changes,
            success=False,
        )
    else:
        log_noise(
            "access.csrf_failed",
            ip=client_ip(request),
            object_type="url",
            object_repr=request.path[:200],
            changes=changes,
        )
    return render(request, "security/csrf_failure.html", status=403)


@require_http_methods(["GET", "POST"])
@require_login
def admin_password_change(request):
    """The Django admin's password change skipped the portal's rules and audit: nothing is changed
    here, the user is sent to the portal's page (rules, history, audit, other sessions ended)."""
    return redirect("security:password_change")


@require_GET
def admin_login(request):
    """The Django admin logs in through the portal's login page (lockout and second factor included)."""
    target = _next_url(request, default="admin:index")
    if request.user.is_authenticated:
        if request.user.is_staff:
            return HttpResponseRedirect(target)
        deny(request, "admin site needs is_staff")
    return redirect_to_login(target)
