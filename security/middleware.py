"""Request-level security: session limits, the gates after the password, response headers."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _

from common import privacy
from common.audit import log_action

from . import sessions, twofactor

# Pages every logged-in user may reach whatever gate applies (or they could never get through it).
ALWAYS_OPEN = frozenset({"accounts:login", "accounts:logout", "set_language"})
TWO_FACTOR_PAGES = frozenset({"security:two_factor_verify", "security:two_factor_setup"})
PASSWORD_CHANGE_PAGE = "security:password_change"  # noqa: S105 - a URL name


def _redirect(request, url: str) -> HttpResponse:
    """A redirect that htmx follows as a full page load, not a fragment swap."""
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _with_next(url_name: str, request, **extra) -> str:
    params = dict(extra)
    if request.method == "GET":
        params["next"] = request.get_full_path()
    url = reverse(url_name)
    return f"{url}?{urlencode(params)}" if params else url


class SessionTimeoutMiddleware:
    """Ends a session idle for longer than SESSION_IDLE_TIMEOUT or older than SESSION_ABSOLUTE_TIMEOUT."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if sessions.orphaned(request):  # the account was deactivated or removed: end the session
            request.session.flush()
        reason = sessions.expired_reason(request)
        if reason:
            user = request.user
            log_action(
                "auth.session_expired",
                actor=user,
                obj=user if user.is_authenticated else None,
                changes={"reason": reason},
            )
            logout(request)
            return _redirect(request, _with_next(settings.LOGIN_URL, request, expired=reason))
        sessions.touch(request)
        return self.get_response(request)


class LoginGateMiddleware:
    """After the password: the second factor (for the roles that need it), then an expired or
    administrator-chosen password must be changed. Until then every other page redirects there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in ALWAYS_OPEN:
            return None
        if twofactor.requires_two_factor(user) and not user.is_verified():
            if name in TWO_FACTOR_PAGES:
                return None
            page = (
                "security:two_factor_verify"
                if twofactor.confirmed_device(user)
                else "security:two_factor_setup"
            )
            return _redirect(request, _with_next(page, request))
        if sessions.PASSWORD not in request.session:
            sessions.remember_password_state(request, user)
        reason = sessions.password_change_required(request)
        if reason and name != PASSWORD_CHANGE_PAGE:
            if reason == "expired":
                messages.warning(request, _("您的密码已超过有效期，请先修改密码。"), fail_silently=True)
            else:
                messages.warning(
                    request, _("您的密码由管理员设置，请先修改为只有您知道的密码。"), fail_silently=True
                )
            return _redirect(request, _with_next(PASSWORD_CHANGE_PAGE, request))
        return None


def _is_document(response) -> bool:
    """A file rather than a page (a PDF shown inline, a download): sign-off forms, payment notices and
    weekly reports carry people's names, so no document is ever kept by a browser or proxy."""
    return response.has_header("Content-Disposition") or response.get("Content-Type", "").startswith(
        "application/pdf"
    )


class ResponseHeadersMiddleware:
    """Permissions-Policy on every response; ``no-store`` on pages that show personal data.

    A page shows personal data when its view is marked ``@common.privacy.personal_data``, when a
    template showed a phone number through ``phone_for`` (common.privacy marks the request), or when
    it is a document (a PDF shown inline or any file download). Other pages of a logged-in user are
    ``private``. A 404 raised by a view for an object (``get_object_or_404`` on a scoped selector) is
    written to the audit log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with privacy.tracking() as tracker:
            response = self.get_response(request)
        if settings.PERMISSIONS_POLICY and not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        personal = tracker.shown or getattr(request, "_shows_personal_data", False) or _is_document(response)
        if personal:
            add_never_cache_headers(response)
        elif (
            getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and not response.has_header("Cache-Control")
        ):
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "shows_personal_data", False):
            request._shows_personal_data = True
        return None

    def process_exception(self, request, exception):
        match = request.resolver_match
        if isinstance(exception, Http404) and match is not None and match.kwargs:
            user = request.user
            log_action(
                "access.not_found",
                actor=user,
                object_type="url",
                object_repr=request.path[:200],
                changes={"method": request.method, "view": match.view_name, "kwargs": match.kwargs},
                success=False,
            )
        return None
