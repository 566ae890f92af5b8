"""Login, logout and failed logins go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from common.audit import log_action
from common.context import client_ip


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    log_action("auth.login", actor=user, obj=user, ip=client_ip(request) if request else None)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_action("auth.logout", actor=user, obj=user, ip=client_ip(request) if request else None)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    log_action(
        "auth.login_failed",
        object_type="accounts.user",
        object_repr=username,
        changes={"username": username},
        success=False,
        ip=client_ip(request) if request else None,
    )
