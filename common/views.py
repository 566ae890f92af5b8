import csv
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import clock
from .audit import log_action
from .filters import AuditFilter
from .models import AuditEntry, Notification
from .notifications import mark_read
from .permissions import require_login, require_perm
from .privacy import personal_data


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
        return HttpResponseRedirect(target)  # a URL, never a view name (redirect() would try reverse)
    return redirect("common:notifications")


@require_GET
@require_perm("common.view_auditentry")
@personal_data
def audit_log(request):
    filtered = AuditFilter(request.GET or None)
    page = Paginator(filtered.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "common/audit_log.html",
        {"form": filtered.form, "page": page, "export_query": _without_page(request)},
    )


def _without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


EXPORT_COLUMNS = [
    gettext_lazy("序号"),
    gettext_lazy("时间（北京时间）"),
    gettext_lazy("操作人"),
    gettext_lazy("来源地址"),
    gettext_lazy("动作"),
    gettext_lazy("对象类型"),
    gettext_lazy("对象编号"),
    gettext_lazy("对象"),
    gettext_lazy("结果"),
    gettext_lazy("内容"),
    gettext_lazy("哈希"),
]


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): a cell never starts with = + - @."""
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def _export_rows(entries, header: list[str], outcomes: dict[bool, str]):
    yield "\ufeff"  # BOM: Excel opens UTF-8 Chinese text correctly
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for entry in entries.iterator(chunk_size=2000):
        yield writer.writerow(
            [
                _csv_cell(value)
                for value in (
                    str(entry.seq),
                    clock.local(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                    entry.actor_name,
                    entry.ip,
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    entry.object_repr,
                    outcomes[entry.success],
                    json.dumps(entry.changes, ensure_ascii=False, sort_keys=True),
                    entry.hash,
                )
            ]
        )


@require_GET
@require_perm("common.view_auditentry")
def audit_export(request):
    """The filtered audit log as CSV, streamed (it can be long); the export itself is audited."""
    filtered = AuditFilter(request.GET or None, queryset=AuditEntry.objects.order_by("seq"))
    entries = filtered.qs
    count = entries.count()
    log_action(
        "export",
        actor=request.user,
        object_type="common.auditentry",
        object_repr=str(_("审计日志")),
        changes={"filters": filtered.described(), "rows": count, "format": "csv"},
    )
    # Texts are translated now, in the request's language, not while the response streams.
    rows = _export_rows(
        entries, [str(label) for label in EXPORT_COLUMNS], {True: _("成功"), False: _("失败")}
    )
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    filename = f"audit-log-{clock.local(clock.now()):%Y%m%d-%H%M%S}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
