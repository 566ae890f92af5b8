"""Reads on accounts that other apps share."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import User


def active_users(*roles: str, department=None) -> QuerySet[User]:
    """The active users of these roles (of one department, an instance or id, when given): the people
    a notification, a reminder or a choice list is for."""
    users = User.objects.filter(role__in=roles, is_active=True)
    if department is not None:
        users = users.filter(department=department)
    return users


def users_by_id(ids) -> dict[int, User]:
    """The users of these ids (inactive ones too: a request's people stay its people), one query."""
    wanted = {pk for pk in ids if pk is not None}
    return User.objects.in_bulk(wanted) if wanted else {}
