"""Helpers shared by the rosters services."""

from __future__ import annotations

import datetime as dt

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import active_users
from common import clock

from ..models import (
    Position,
)

POSITION_ROLE: dict[str, Role] = {Position.ENGINEER: Role.ENGINEER, Position.PM: Role.PM}
VENDOR_ROLES = (Role.ENGINEER, Role.PM)
DEFAULT_HANDOVER_ITEMS = [
    "在办服务请求逐项移交并在系统中改派",
    "系统账号、权限与密码交接，离场人员账号停用",
    "运维文档、脚本与数据处理记录移交",
    "未完成事项及注意事项书面说明",
    "接替人员熟悉系统并独立处理一项请求",
    "更新驻场人员联系方式",
]
ROSTER_AUDIT_FIELDS = ["contract", "person", "position", "phone", "start_on", "end_on", "note"]


def _d(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def _hm(moment: dt.datetime) -> str:
    return f"{clock.local(moment):%H:%M}"


def _users_with_role(role: str):
    return active_users(role)


def _lock_person(person: User) -> None:
    """Serialise writes on one person's roster and attendance (rows locked until commit)."""
    User.objects.select_for_update().filter(pk=person.pk).first()
