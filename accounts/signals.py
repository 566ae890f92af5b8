"""Login, logout and failed logins go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from common.audit import log_action
from common.context import client_ip


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    # Which source checked the password: the portal's own (local) or the directory (ldap).
    backend = getattr(user, "backend", "") or ""
    source = "ldap" if backend.endswith("DirectoryBackend") else "local"
    log_action(
        "auth.login",
        actor=user,
        obj=user,
        changes={"source": source},
        ip=client_ip(request) if request else None,
    )


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_action("auth.logout", actor=user, obj=user, ip=client_ip(request) if request else None)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    """A failure against a real account is always an entry (it counts towards its lockout); one for a
    username that does not exist is anonymous noise, throttled per address (common/noise.py)."""
    from django.contrib.auth import get_user_model

    from common.noise import log_noise

    username = str(credentials.get("username", ""))[:150]
    changes = {"username": username}
    refusal = getattr(request, "_directory_refusal", None) if request is not None else None
    if refusal:  # the directory accepted the password; the portal refused the account (and says why)
        changes.update(source="ldap", reason=refusal)
    ip = client_ip(request) if request else ""
    if not refusal and not get_user_model().objects.filter(username=username).exists():
        log_noise(
            "auth.login_failed",
            ip=ip,
            object_type="accounts.user",
            object_repr=username,
            changes={"username": username, "known": False},
        )
        return
    log_action(
        "auth.login_failed",
        object_type="accounts.user",
        object_repr=username,
        changes=changes,
        success=False,
        ip=client_ip(request) if request else None,
    )
