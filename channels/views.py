from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.errors import ServiceError
from common.permissions import require_login, require_perm

from . import selectors, services
from .forms import PreferenceForm, RobotForm
from .models import ChannelPreference, Delivery


@require_GET
@require_perm("channels.view_robot")
def robot_list(request):
    return render(
        request,
        "channels/robot_list.html",
        {
            "robots": selectors.robots_with_health(),
            "can_add": request.user.has_perm("channels.add_robot"),
            "can_change": request.user.has_perm("channels.change_robot"),
        },
    )


def _fields(form) -> dict:
    data = form.cleaned_data
    return {name: data[name] for name in RobotForm.Meta.fields if name != "webhook_url"}


@require_http_methods(["GET", "POST"])
@require_perm("channels.add_robot")
def robot_create(request):
    form = RobotForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            robot = services.robot_create(
                actor=request.user, webhook_url=form.cleaned_data["webhook_url"], **_fields(form)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("群机器人“%(name)s”已保存。") % {"name": robot.name})
            return redirect("channels:robots")
    return render(request, "channels/robot_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_perm("channels.change_robot")
def robot_edit(request, pk: int):
    robot = get_object_or_404(selectors.robots(), pk=pk)
    form = RobotForm(request.POST or None, instance=robot)
    if request.method == "POST" and form.is_valid():
        try:
            services.robot_update(
                robot=robot, actor=request.user, webhook_url=form.cleaned_data["webhook_url"], **_fields(form)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("群机器人“%(name)s”已保存。") % {"name": form.cleaned_data["name"]})
            return redirect("channels:robots")
    return render(request, "channels/robot_form.html", {"form": form, "robot": robot})


@require_POST
@require_perm("channels.change_robot")
def robot_test(request, pk: int):
    robot = get_object_or_404(selectors.robots(), pk=pk)
    services.robot_test(robot=robot, actor=request.user)
    messages.success(request, _("测试消息已交给后台发送，请在群里查看；结果见“发送记录”。"))
    return redirect("channels:deliveries")


@require_GET
@require_perm("channels.view_delivery")
def delivery_list(request):
    status = request.GET.get("status", "")
    if status not in Delivery.Status.values:
        status = ""
    page = Paginator(selectors.deliveries(status=status), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "channels/delivery_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Delivery.Status.choices,
            "can_resend": request.user.has_perm("channels.resend_delivery"),
        },
    )


@require_POST
@require_perm("channels.resend_delivery")
def delivery_resend(request, pk: int):
    delivery = get_object_or_404(selectors.deliveries(), pk=pk)
    try:
        services.resend(delivery=delivery, actor=request.user)
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已重新交给后台发送：%(title)s") % {"title": delivery.title})
    return redirect("jobs:list" if request.POST.get("back") == "jobs" else "channels:deliveries")


@require_http_methods(["GET", "POST"])
@require_login
def preferences(request):
    pref = ChannelPreference.objects.filter(user=request.user).first() or ChannelPreference(user=request.user)
    form = PreferenceForm(
        request.POST or None, initial={"email": pref.email, "robot": pref.robot, "mention": pref.mention}
    )
    if request.method == "POST" and form.is_valid():
        services.preference_save(user=request.user, **form.cleaned_data)
        messages.success(request, _("消息接收设置已保存。"))
        return redirect("channels:preferences")
    return render(
        request,
        "channels/preferences.html",
        {"form": form, "has_email": bool(request.user.email), "has_mobile": bool(_mobile(request.user))},
    )


def _mobile(user) -> str:
    from .messages import mobile

    return mobile(user.phone)
