"""Build requests in a chosen state through the real services, at chosen instants."""

import datetime as dt

from common import clock
from contracts.models import Priority
from tickets import services
from tickets.models import BatchType, Kind, Status, UpgradeTarget

KIND_FIELDS = {
    Kind.POLICY: {"policy_document": "常人社发〔2023〕12号"},
    Kind.DATA: {"data_scope": "张三 2023-01 养老缴费基数"},
    Kind.BATCH: {
        "batch_type": BatchType.PENSION_ADJUSTMENT,
        "affected_population": "企业退休人员约 3.2 万人",
    },
    Kind.INIT: {"init_type": "monthly"},
    Kind.UPGRADE: {"upgrade_target": UpgradeTarget.CENTRAL},
}


def at(year, month, day, hour=10, minute=0):
    return clock.aware(dt.date(year, month, day), hour, minute)


def submit(world, *, when=None, kind=Kind.SOFTWARE, priority=Priority.NORMAL, requester=None, **fields):
    requester = requester or world.staff
    scope = world.contract.scopes.order_by("order").first()
    data = {
        "kind": kind,
        "scope": scope,
        "priority": priority,
        "title": fields.pop("title", "养老待遇核定页面报错"),
        "description": fields.pop("description", "点击保存时提示系统错误，附截图。"),
        **KIND_FIELDS.get(kind, {}),
        **fields,
    }
    with clock.frozen_at(when or at(2023, 3, 6, 9, 0)):
        return services.ticket_submit(actor=requester, contract=world.contract, **data)


def advance(world, ticket, to: str, *, when=None, engineer=None):
    """Walk a submitted request forward to ``to`` through the services (gates satisfied on the way)."""
    engineer = engineer or world.engineer
    when = when or at(2023, 3, 6, 9, 30)
    order = [
        Status.CONFIRMED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
        Status.SIGNED_OFF,
        Status.CLOSED,
    ]
    with clock.frozen_at(when):
        for step in order[: order.index(to) + 1]:
            if step == Status.CONFIRMED:
                ticket = services.ticket_confirm(ticket=ticket, actor=world.dept_head)
                if ticket.kind == Kind.DATA:
                    services.data_authorize(
                        ticket=ticket, actor=world.dept_head, scope="仅限张三 2023-01 缴费基数"
                    )
            elif step == Status.ASSIGNED:
                ticket = services.ticket_assign(ticket=ticket, actor=world.pm, assignee=engineer)
            elif step == Status.IN_PROGRESS:
                ticket = services.ticket_start(ticket=ticket, actor=engineer)
            elif step == Status.RESOLVED:
                if ticket.kind == Kind.BATCH:
                    for s in ("backup", "test", "verify", "recovery"):
                        services.batch_step_record(ticket=ticket, actor=engineer, step=s, note=f"{s} 完成")
                ticket = services.ticket_resolve(
                    ticket=ticket, actor=engineer, resolution="已修复保存按钮的校验。"
                )
            elif step == Status.SIGNED_OFF:
                services.signoff_sign(signoff=ticket.signoff, actor=world.staff)
                ticket.refresh_from_db()
            elif step == Status.CLOSED:
                ticket = services.ticket_close(ticket=ticket, actor=world.pm)
    return ticket
