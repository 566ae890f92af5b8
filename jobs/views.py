from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.audit import log_action
from common.outbox import enqueue
from common.permissions import require_perm
from contracts.selectors import contract_in_use

from . import selectors, services
from .models import InitializationRecord, Reminder
from .schedule import job_spec


@require_GET
@require_perm("jobs.view_jobrun")
def job_list(request):
    return render(
        request,
        "jobs/job_list.html",
        {
            "rows": selectors.job_rows(),
            "failures": selectors.recent_failures(),
            "reminders": Reminder.objects.all()[:15],
            "delivery": selectors.delivery_status(),
            "can_run": request.user.has_perm("jobs.run_job"),
            "panels": _app_panels(request),
        },
    )


def _app_panels(request) -> list[str]:
    """Panels of the apps above (``job_panels`` on their AppConfig: dotted paths of functions
    ``(request) -> html``), e.g. the robot messages that failed."""
    from django.apps import apps
    from django.utils.module_loading import import_string

    paths = [p for cfg in apps.get_app_configs() for p in getattr(cfg, "job_panels", ())]
    return [html for p in paths if (html := import_string(p)(request))]


@require_POST
@require_perm("jobs.run_job")
def job_run_now(request, name: str):
    spec = job_spec(name)
    if spec is None:
        messages.error(request, _("没有这个定时任务。"))
        return redirect("jobs:list")
    with transaction.atomic():
        log_action(
            "job.run_now",
            actor=request.user,
            object_type="job",
            object_id=spec.name,
            object_repr=str(spec.title),
        )
        # through the outbox, like every task of the portal: sent after the commit, or by the relay
        # when the broker is away
        enqueue(spec.name, {})
    messages.success(request, _("已将“%(title)s”交给后台执行，稍后刷新查看结果。") % {"title": spec.title})
    return redirect("jobs:list")


@require_GET
@require_perm("jobs.view_initializationrecord")
def initialization_list(request):
    contract = contract_in_use(request)
    records = selectors.initialization_records(contract) if contract else InitializationRecord.objects.none()
    page = Paginator(records, 24).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/initialization_list.html",
        {
            "page": page,
            "contract": contract,
            "can_confirm": request.user.has_perm("jobs.confirm_initialization"),
        },
    )


@require_POST
@require_perm("jobs.confirm_initialization")
def initialization_confirm(request, pk: int):
    contract = contract_in_use(request)
    record = get_object_or_404(InitializationRecord, pk=pk, contract=contract)
    try:
        services.initialization_confirm(record=record, user=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已确认%(record)s。") % {"record": record})
    return redirect("jobs:initializations")
