"""Saved views of the request list (issue 17): a named filter, personal or shared with a role."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict

from accounts.roles import Role
from common.audit import log_action
from common.errors import ServiceError, TransitionNotAllowed

from .filters import TicketFilter
from .models import SavedView

# Roles a view can be shared with (those who use the request list), and who may share.
SHARE_ROLES = [Role.STAFF, Role.DEPT_HEAD, Role.BUREAU_ADMIN, Role.ENGINEER, Role.PM]
SHARERS = frozenset({Role.PM, Role.BUREAU_ADMIN})
MAX_PER_USER = 30


def can_share(user) -> bool:
    return user.role in SHARERS


def clean_query(raw: str) -> str:
    """Only the list's own filter parameters (never ``page``), re-encoded."""
    allowed = set(TicketFilter.base_filters)
    data = QueryDict(raw or "", mutable=True)
    kept = QueryDict(mutable=True)
    for key in data:
        if key in allowed:
            values = [v[:100] for v in data.getlist(key) if v.strip()]
            if values:
                kept.setlist(key, values)
    return kept.urlencode()[:500]


def views_for(user) -> QuerySet[SavedView]:
    """The user's own views, then those shared with their role."""
    return SavedView.objects.filter(Q(owner=user) | Q(shared_role=user.role)).select_related("owner")


@transaction.atomic
def view_save(*, actor, name: str, query: str, shared_role: str = "") -> SavedView:
    name = (name or "").strip()[:40]
    if not name:
        raise ServiceError({"name": ["请填写视图名称。"]})
    if shared_role:
        if not can_share(actor):
            raise TransitionNotAllowed("只有项目经理或局信息化管理员可以共享视图。")
        if shared_role not in SHARE_ROLES:
            raise ServiceError({"shared_role": ["请选择要共享的角色。"]})
    query = clean_query(query)
    if not query:
        raise ServiceError({"query": ["当前没有筛选条件，无需保存。"]})
    existing = SavedView.objects.filter(owner=actor, name=name).first()
    if existing is None and SavedView.objects.filter(owner=actor).count() >= MAX_PER_USER:
        raise ServiceError(f"每人最多保存 {MAX_PER_USER} 个视图，请先删除不用的视图。")
    view, created = SavedView.objects.update_or_create(
        owner=actor, name=name, defaults={"query": query, "shared_role": shared_role}
    )
    log_action(
        "ticket.view_save",
        actor=actor,
        obj=view,
        changes={"name": name, "query": query, "shared_role": shared_role, "created": created},
    )
    return view


@transaction.atomic
def view_delete(*, actor, view: SavedView) -> None:
    if view.owner_id != actor.pk:
        raise TransitionNotAllowed("只能删除自己保存的视图。")
    log_action("ticket.view_delete", actor=actor, obj=view, changes={"name": view.name})
    view.delete()
