"""Who approves whom: an engineer's leave and corrections go to the PM, the PM's to the bureau admin."""

from __future__ import annotations

from accounts.models import User
from accounts.roles import Role
from common.errors import TransitionNotAllowed

from ._base import _users_with_role


def _check_approver(approver: User, requester: User, what: str) -> None:
    if approver.pk == requester.pk:
        raise TransitionNotAllowed(f"不能审批自己的{what}。")
    if requester.role == Role.PM:
        if approver.role != Role.BUREAU_ADMIN:
            raise TransitionNotAllowed(f"项目经理本人的{what}由局信息化管理员审批。")
    elif approver.role != Role.PM:
        raise TransitionNotAllowed(f"驻场工程师的{what}由项目经理审批。")


def may_decide(approver: User, requester: User) -> bool:
    """Whether ``approver`` is the one who decides ``requester``'s leave and corrections."""
    try:
        _check_approver(approver, requester, "")
    except TransitionNotAllowed:
        return False
    return True


def _approvers_for(requester: User):
    return _users_with_role(Role.BUREAU_ADMIN if requester.role == Role.PM else Role.PM).exclude(
        pk=requester.pk
    )
