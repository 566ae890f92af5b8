"""Login starts the session clocks; a lockout goes to the audit log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from common.audit import log_action

from . import sessions


@receiver(user_logged_in, dispatch_uid="security_session_start")
def _session_start(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        sessions.start(request, user)


@receiver(user_locked_out, dispatch_uid="security_audit_lockout")
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    username = str(username or "")[:150]
    log_action(
        "auth.locked_out",
        object_type="accounts.user",
        object_repr=username,
        changes={"username": username, "ip": ip_address or ""},
        success=False,
        ip=ip_address or None,
    )
