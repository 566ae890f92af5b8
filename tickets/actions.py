"""The actions on one request, as a table: URL path, role permission, form, service call and the
message on success. ``tickets.views.actions`` serves every row with one view and ``tickets.urls``
routes ``<pk>/<path>/`` to it under the row's name; the detail page builds its forms from it.

The service decides whether the user may act on this request in its state (``tickets.policy``);
the permission here is the role's, checked first by ``require_perm``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import selectors, services
from .forms import (
    AssignForm,
    AttachmentForm,
    AuthorizationForm,
    BatchStepForm,
    CommentForm,
    NoteForm,
    ReasonForm,
    ResolveForm,
    TimeForm,
    UpgradeStepForm,
)


@dataclass(frozen=True)
class Action:
    path: str  # after "<pk>/" in the URL
    perm: str  # the role permission the view requires
    call: Callable[[Any, Any, dict], object]  # (actor, ticket, cleaned data) -> the service's result
    message: str | Promise  # shown on success
    form: type[forms.Form] | None = None  # None: a button without fields
    form_kwargs: Callable[[], dict] | None = None
    shown_when: str | None = None  # the form is built for the page only if this action is offered

    def make_form(self, name: str, data=None, files=None) -> forms.Form | None:
        if self.form is None:
            return None
        kwargs = self.form_kwargs() if self.form_kwargs else {}
        if data is None:
            return self.form(prefix=name, **kwargs)
        return self.form(data, files, prefix=name, **kwargs)


def _note(d: dict) -> str:
    return d.get("note") or ""


ACTIONS: dict[str, Action] = {
    "confirm": Action(
        "confirm",
        "tickets.confirm_ticket",
        lambda u, t, d: services.ticket_confirm(ticket=t, actor=u),
        _("已确认，请求已交给乙方。"),
    ),
    "reject": Action(
        "reject",
        "tickets.confirm_ticket",
        lambda u, t, d: services.ticket_reject(ticket=t, actor=u, reason=d["reason"]),
        _("已退回该请求。"),
        ReasonForm,
    ),
    "cancel": Action(
        "cancel",
        "tickets.cancel_ticket",
        lambda u, t, d: services.ticket_cancel(ticket=t, actor=u, reason=d["reason"]),
        _("已撤销该请求。"),
        ReasonForm,
    ),
    "authorize": Action(
        "authorize",
        "tickets.authorize_data",
        lambda u, t, d: services.data_authorize(
            ticket=t, actor=u, scope=d["scope"], approval_file=d.get("approval_file")
        ),
        _("已记录数据维护授权。"),
        AuthorizationForm,
    ),
    "assign": Action(
        "assign",
        "tickets.assign_ticket",
        lambda u, t, d: services.ticket_assign(ticket=t, actor=u, assignee=d["assignee"]),
        _("已分派。"),
        AssignForm,
        form_kwargs=lambda: {"users": selectors.assignable_users()},
        shown_when="assign",
    ),
    "claim": Action(
        "claim",
        "tickets.work_ticket",
        lambda u, t, d: services.ticket_claim(ticket=t, actor=u),
        _("已领取，请尽快响应。"),
    ),
    "start": Action(
        "start",
        "tickets.work_ticket",
        lambda u, t, d: services.ticket_start(ticket=t, actor=u, note=_note(d)),
        _("已开始处理。"),
        NoteForm,
    ),
    "wait": Action(
        "wait",
        "tickets.work_ticket",
        lambda u, t, d: services.ticket_wait(ticket=t, actor=u, reason=d["reason"]),
        _("已设为等待甲方，解决时限暂停计时。"),
        ReasonForm,
    ),
    "resume": Action(
        "resume",
        "tickets.view_ticket",
        lambda u, t, d: services.ticket_resume(ticket=t, actor=u, note=_note(d)),
        _("已恢复处理，解决时限继续计时。"),
        NoteForm,
    ),
    "resolve": Action(
        "resolve",
        "tickets.work_ticket",
        lambda u, t, d: services.ticket_resolve(ticket=t, actor=u, resolution=d["resolution"]),
        _("已办结，服务内容确认表已生成，等待甲方签署。"),
        ResolveForm,
    ),
    "reopen": Action(
        "reopen",
        "tickets.reopen_ticket",
        lambda u, t, d: services.ticket_reopen(ticket=t, actor=u, reason=d["reason"]),
        _("已重新打开（记为返工），工程师将继续处理。"),
        ReasonForm,
    ),
    "close": Action(
        "close",
        "tickets.close_ticket",
        lambda u, t, d: services.ticket_close(ticket=t, actor=u),
        _("已关闭。"),
    ),
    "comment": Action(
        "comment",
        "tickets.view_ticket",
        lambda u, t, d: services.comment_add(
            ticket=t, actor=u, body=d["body"], internal=d.get("internal", False)
        ),
        _("留言已发布。"),
        CommentForm,
    ),
    "attach": Action(
        "attach",
        "tickets.view_ticket",
        lambda u, t, d: services.attachment_add(
            ticket=t, actor=u, upload=d["file"], internal=d.get("internal", False)
        ),
        _("附件已上传。"),
        AttachmentForm,
    ),
    "time": Action(
        "time",
        "tickets.work_ticket",
        lambda u, t, d: services.time_log(
            ticket=t, actor=u, work_date=d["work_date"], minutes=TimeForm.minutes_of(d), note=_note(d)
        ),
        _("工时已登记。"),
        TimeForm,
    ),
    "batch_step": Action(
        "batch-step",
        "tickets.work_ticket",
        lambda u, t, d: services.batch_step_record(
            ticket=t, actor=u, step=d["step"], note=_note(d), evidence=d.get("evidence")
        ),
        _("步骤已记录。"),
        BatchStepForm,
    ),
    "upgrade_step": Action(
        "upgrade-step",
        "tickets.view_ticket",
        lambda u, t, d: services.upgrade_step_record(
            ticket=t,
            actor=u,
            stage=d["stage"],
            note=_note(d),
            document=d.get("document"),
            window_start=d.get("window_start"),
        ),
        _("升级阶段已记录。"),
        UpgradeStepForm,
    ),
    "emergency_request": Action(
        "emergency",
        "tickets.work_ticket",
        lambda u, t, d: services.emergency_request(ticket=t, actor=u, reason=d["reason"]),
        _("紧急例外申请已提交局信息化管理员。"),
        ReasonForm,
    ),
    "emergency_approve": Action(
        "emergency/approve",
        "tickets.approve_emergency",
        lambda u, t, d: services.emergency_approve(ticket=t, actor=u),
        _("已批准紧急升级例外。"),
    ),
}
