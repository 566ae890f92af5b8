import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .models import AuditEntry, Notification
from .notifications import mark_read
from .permissions import require_login, require_perm


@require_GET
@require_login
def notification_list(request):
    show = request.GET.get("show", "unread")
    notes = Notification.objects.filter(recipient=request.user)
    if show == "unread":
        notes = notes.filter(read_at__isnull=True)
    page = Paginator(notes, 25).get_page(request.GET.get("page"))
    return render(request, "common/notifications.html", {"page": page, "show": show})


@require_POST
@require_login
def notification_read(request):
    ids = None if request.POST.get("all") else [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    count = mark_read(user=request.user, ids=ids)
    if count:
        messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("common:notifications")


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
@require_perm("common.view_auditentry")
def audit_log(request):
    entries = AuditEntry.objects.select_related("actor")
    q = (request.GET.get("q") or "").strip()[:100]
    action = (request.GET.get("action") or "").strip()[:64]
    outcome = request.GET.get("outcome") or ""
    start, end = _parse_date(request.GET.get("start")), _parse_date(request.GET.get("end"))
    if q:
        entries = entries.filter(
            Q(actor_name__icontains=q)
            | Q(object_repr__icontains=q)
            | Q(ip__icontains=q)
            | Q(action__icontains=q)
        )
    if action:
        entries = entries.filter(action__startswith=action)
    if outcome in {"ok", "failed"}:
        entries = entries.filter(success=outcome == "ok")
    if start:
        entries = entries.filter(created_at__date__gte=start)
    if end:
        entries = entries.filter(created_at__date__lte=end)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "common/audit_log.html",
        {
            "page": page,
            "q": q,
            "action": action,
            "outcome": outcome,
            "start": start,
            "end": end,
            "querystring": request.GET.urlencode()
            and "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page"),
        },
    )
