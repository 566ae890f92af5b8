"""Comments, attachments and time entries on a request."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from common import clock
from common.errors import ServiceError, TransitionNotAllowed, require
from common.uploads import validate_upload

from .. import policy, recorded_times
from ..models import (
    Attachment,
    Comment,
    Status,
    Ticket,
    TimeEntry,
)
from ._base import (
    _log,
    _mark_first_response,
    _notify,
)


@transaction.atomic
def comment_add(*, ticket: Ticket, actor, body: str, internal: bool = False) -> Comment:
    require(policy.can_comment(actor, ticket), "您不能在该请求上留言。")
    body = (body or "").strip()
    if not body:
        raise ServiceError({"body": ["留言内容不能为空。"]})
    if internal and not policy.is_vendor(actor):
        raise TransitionNotAllowed("只有乙方人员可以发内部留言。")
    comment = Comment(ticket=ticket, author=actor, body=body, internal=internal, created_at=clock.now())
    comment.full_clean()
    comment.save()
    _log("comment", actor=actor, ticket=ticket, changes={"comment": comment.pk, "internal": internal})
    if (
        policy.is_vendor(actor)
        and not internal
        and ticket.status in {Status.CONFIRMED, Status.ASSIGNED, Status.IN_PROGRESS}
    ):
        _mark_first_response(ticket, actor)
    if not internal:
        if policy.is_vendor(actor):
            _notify(
                [ticket.requester],
                title=f"工程师回复了请求 {ticket.number}",
                body=body[:200],
                ticket=ticket,
                kind="ticket.comment",
            )
        elif ticket.assignee_id:
            _notify(
                [ticket.assignee],
                title=f"甲方在请求 {ticket.number} 上留言",
                body=body[:200],
                ticket=ticket,
                kind="ticket.comment",
            )
    return comment


@transaction.atomic
def attachment_add(*, ticket: Ticket, actor, upload, internal: bool = False) -> Attachment:
    """Store a checked upload (type and size are checked by ``tickets.attachments.validate_upload``)."""
    require(policy.can_attach(actor, ticket), "该请求已结束或您无权上传附件。")
    if internal and not policy.is_vendor(actor):
        internal = False
    content_type = validate_upload(upload)
    attachment = Attachment(
        ticket=ticket,
        file=upload,
        original_name=upload.name[:200],
        size=upload.size,
        content_type=content_type,
        uploaded_by=actor,
        uploaded_at=clock.now(),
        internal=internal,
    )
    attachment.save()
    _log(
        "attach",
        actor=actor,
        ticket=ticket,
        changes={
            "attachment": attachment.pk,
            "name": attachment.original_name,
            "size": attachment.size,
            "internal": internal,
        },
    )
    return attachment


@transaction.atomic
def time_log(*, ticket: Ticket, actor, work_date: dt.date, minutes: int, note: str = "") -> TimeEntry:
    require(policy.can_log_time(actor, ticket), "只有处理人可以登记该请求的工时。")
    if work_date > clock.today():
        raise ServiceError({"work_date": ["不能登记未来日期的工时。"]})
    recorded_times.check_day(ticket, work_date, field="work_date", what="工时日期")
    if minutes is None or minutes < 1 or minutes > 24 * 60:
        raise ServiceError({"minutes": ["工时必须在 1 分钟到 24 小时之间。"]})
    entry = TimeEntry(
        ticket=ticket, engineer=actor, work_date=work_date, minutes=minutes, note=note.strip()[:200]
    )
    entry.full_clean()
    entry.save()
    Ticket.objects.filter(pk=ticket.pk).update(time_spent_minutes=F("time_spent_minutes") + minutes)
    ticket.refresh_from_db(fields=["time_spent_minutes"])
    _log(
        "time",
        actor=actor,
        ticket=ticket,
        changes={"work_date": work_date, "minutes": minutes, "note": entry.note},
    )
    return entry
