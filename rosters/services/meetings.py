"""The weekly quality meeting (软件服务质量评估例会): one per ISO week, with its action items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts.models import User
from common import clock
from common.audit import diff, log_action, snapshot
from common.errors import ServiceError
from contracts.models import Contract

from ..models import (
    ActionItem,
    WeeklyMeeting,
)
from ._base import _d


@dataclass(frozen=True)
class ActionItemData:
    description: str
    owner: User | None = None
    due_on: dt.date | None = None
    done: bool = False
    pk: int | None = None


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


MEETING_AUDIT_FIELDS = ["held_on", "place", "other_attendees", "summary", "decisions"]


def _meeting_fields_check(contract: Contract, held_on: dt.date, summary: str) -> None:
    if held_on > clock.today():
        raise ServiceError({"held_on": "会议日期不能晚于今天（纪要在会后记录）。"})
    if not (contract.start_on <= held_on <= contract.end_on):
        raise ServiceError(
            {"held_on": f"会议日期须在合同服务期内（{_d(contract.start_on)} 至 {_d(contract.end_on)}）。"}
        )
    if not (summary or "").strip():
        raise ServiceError({"summary": "请填写会议内容。"})


def _sync_items(meeting: WeeklyMeeting, items: Sequence[ActionItemData]) -> list[str]:
    existing = {i.pk: i for i in meeting.action_items.all()}
    keep = set()
    for data in items:
        if not data.description.strip():
            continue
        item = existing.get(data.pk) if data.pk else None
        if item is None:
            item = ActionItem(meeting=meeting)
        item.description = data.description.strip()[:300]
        item.owner, item.due_on, item.done = data.owner, data.due_on, data.done
        item.full_clean()
        item.save()
        keep.add(item.pk)
    meeting.action_items.exclude(pk__in=keep).delete()
    return [
        f"{i.description}|{i.owner_id or ''}|{i.due_on or ''}|{'done' if i.done else 'open'}"
        for i in meeting.action_items.order_by("id")
    ]


@transaction.atomic
def meeting_record(
    *,
    contract: Contract,
    held_on: dt.date,
    summary: str,
    actor: User,
    place: str = "",
    attendees: Iterable[User] = (),
    other_attendees: str = "",
    decisions: str = "",
    items: Sequence[ActionItemData] = (),
) -> WeeklyMeeting:
    _meeting_fields_check(contract, held_on, summary)
    meeting = WeeklyMeeting(
        contract=contract,
        week_start=week_start(held_on),
        held_on=held_on,
        place=place.strip(),
        other_attendees=other_attendees.strip(),
        summary=summary.strip(),
        decisions=decisions.strip(),
        recorded_by=actor,
        created_at=clock.now(),
    )
    meeting.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError as exc:
        raise ServiceError(
            {"held_on": f"{_d(meeting.week_start)} 这一周已有例会记录，请修改原记录。"}
        ) from exc
    meeting.attendees.set(list(attendees))
    item_list = _sync_items(meeting, items)
    log_action(
        "meeting.record",
        actor=actor,
        obj=meeting,
        changes={
            **snapshot(meeting, MEETING_AUDIT_FIELDS),
            "attendees": sorted(u.username for u in meeting.attendees.all()),
            "action_items": item_list,
        },
    )
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: WeeklyMeeting,
    held_on: dt.date,
    summary: str,
    actor: User,
    place: str = "",
    attendees: Iterable[User] = (),
    other_attendees: str = "",
    decisions: str = "",
    items: Sequence[ActionItemData] = (),
) -> WeeklyMeeting:
    meeting = WeeklyMeeting.objects.select_for_update().get(pk=meeting.pk)
    _meeting_fields_check(meeting.contract, held_on, summary)
    before = {
        **snapshot(meeting, MEETING_AUDIT_FIELDS),
        "attendees": sorted(u.username for u in meeting.attendees.all()),
        "action_items": [
            f"{i.description}|{i.owner_id or ''}|{i.due_on or ''}|{'done' if i.done else 'open'}"
            for i in meeting.action_items.order_by("id")
        ],
    }
    if week_start(held_on) != meeting.week_start and (
        WeeklyMeeting.objects.filter(contract=meeting.contract, week_start=week_start(held_on))
        .exclude(pk=meeting.pk)
        .exists()
    ):
        raise ServiceError({"held_on": f"{_d(week_start(held_on))} 这一周已有例会记录。"})
    meeting.held_on, meeting.week_start = held_on, week_start(held_on)
    meeting.place, meeting.other_attendees = place.strip(), other_attendees.strip()
    meeting.summary, meeting.decisions = summary.strip(), decisions.strip()
    meeting.full_clean(validate_constraints=False)
    meeting.save()
    meeting.attendees.set(list(attendees))
    after = {
        **snapshot(meeting, MEETING_AUDIT_FIELDS),
        "attendees": sorted(u.username for u in meeting.attendees.all()),
        "action_items": _sync_items(meeting, items),
    }
    changes = diff(before, after)
    if changes:
        log_action("meeting.update", actor=actor, obj=meeting, changes=changes)
    return meeting
