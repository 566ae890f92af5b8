"""Access checks for views: anonymous users go to the login page, others get 403 and an audit entry."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .audit import log_action


def deny(request, reason: str = ""):
    """Record the refusal and raise 403."""
    log_action(
        "access.denied",
        actor=request.user,
        object_type="url",
        object_repr=request.path[:200],
        changes={"method": request.method, "reason": reason},
        success=False,
    )
    raise PermissionDenied(reason)


def require_perm(*perms: str):
    """Require login and every permission in ``perms`` (``app_label.codename``)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perms(perms):
                deny(request, "missing " + ",".join(perms))
            return view(request, *args, **kwargs)

        wrapper.required_perms = perms  # type: ignore[attr-defined]  # read by the access matrix
        return wrapper

    return decorator


def require_role(*roles: str):
    """Require login and one of ``roles`` (for what the portal gives a role rather than a permission,
    such as that role's home panels)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.user.role not in roles:
                deny(request, "role not in " + ",".join(roles))
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorator


def require_login(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
