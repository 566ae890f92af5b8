from django.db.models import Count, Max, Q
from django.template.loader import render_to_string

from .models import Delivery, Robot


def robots():
    return Robot.objects.select_related("department")


def robots_with_health():
    """Robots with their last successful post and their failed messages waiting for someone."""
    return robots().annotate(
        last_sent_at=Max("deliveries__sent_at"),
        failed_count=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
    )


def deliveries(*, status: str = "", robot_id: int | None = None):
    qs = Delivery.objects.select_related("robot")
    if status:
        qs = qs.filter(status=status)
    if robot_id:
        qs = qs.filter(robot_id=robot_id)
    return qs


def job_panel(request):
    """The jobs page's panel: robot messages that failed and wait for someone to act."""
    if not request.user.has_perm("channels.view_delivery"):
        return ""
    failed = list(deliveries(status=Delivery.Status.FAILED)[:10])
    waiting = Delivery.objects.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]).count()
    total_failed = Delivery.objects.filter(status=Delivery.Status.FAILED).count()
    return render_to_string(
        "channels/job_panel.html",
        {
            "failed": failed,
            "total_failed": total_failed,
            "waiting": waiting,
            "can_resend": request.user.has_perm("channels.resend_delivery"),
        },
        request=request,
    )


def home_failures(request, contract):
    """The home panel of the bureau admin and the system administrator (hidden when nothing failed)."""
    failed_qs = deliveries(status=Delivery.Status.FAILED)
    failed = list(failed_qs[:3])
    if not failed:
        return None
    return {"failed": failed, "total": failed_qs.count()}
