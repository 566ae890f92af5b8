"""Who may call each URL of the tickets app. Objects belong to department A; for the engineer they
are assigned to the world's engineer (engineers see only their own requests and the unassigned pool)."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.roles import Role
from common import clock

from . import Rule, once_per_world

STAFF, HEAD, ADMIN, ENG, PM = Role.STAFF, Role.DEPT_HEAD, Role.BUREAU_ADMIN, Role.ENGINEER, Role.PM
VIEWERS = frozenset({STAFF, HEAD, ADMIN, ENG, PM})
WORKERS = frozenset({ENG, PM})


def _ticket(world, kind="software", resolved=False):
    from tickets import services
    from tickets.models import BatchStep, DataAuthorization, UpgradeStep

    today = clock.today()
    world.contract.start_on = min(world.contract.start_on, today - dt.timedelta(days=30))
    world.contract.end_on = max(world.contract.end_on, today + dt.timedelta(days=30))
    world.contract.save()
    scope = world.contract.scopes.first()
    extra = {
        "data": {"data_scope": "张三"},
        "upgrade": {"upgrade_target": "central"},
        "batch": {"batch_type": "pension", "affected_population": "3 万人"},
    }.get(kind, {})
    t = services.ticket_submit(
        actor=world.staff,
        contract=world.contract,
        kind=kind,
        scope=scope,
        priority="normal",
        title="t",
        description="d",
        **extra,
    )
    services.ticket_confirm(ticket=t, actor=world.dept_head)
    if kind == "data":
        services.data_authorize(
            ticket=t,
            actor=world.dept_head,
            scope="s",
            approval_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4", content_type="application/pdf"),
        )
    services.ticket_assign(ticket=t, actor=world.pm, assignee=world.engineer)
    services.ticket_start(ticket=t, actor=world.engineer)
    if kind == "batch":
        services.batch_step_record(
            ticket=t,
            actor=world.engineer,
            step="backup",
            evidence=SimpleUploadedFile("b.txt", b"backup list"),
        )
    if kind == "upgrade":
        services.upgrade_step_record(
            ticket=t,
            actor=world.engineer,
            stage="requirement",
            document=SimpleUploadedFile("req.pdf", b"%PDF-1.4", content_type="application/pdf"),
        )
    if resolved:
        services.ticket_resolve(ticket=t, actor=world.engineer, resolution="done")
        t.refresh_from_db()
    world.extra["ticket"] = t
    world.extra["authorization"] = DataAuthorization.objects.filter(ticket=t).first()
    world.extra["batch_step"] = BatchStep.objects.filter(ticket=t).first()
    world.extra["upgrade_step"] = UpgradeStep.objects.filter(ticket=t).first()
    return t


def pk(kind="software", resolved=False):
    return lambda w: {"pk": _ticket(w, kind, resolved).pk}


def _attachment(world):
    from tickets import services

    t = _ticket(world)
    upload = SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")
    return {"pk": services.attachment_add(ticket=t, actor=world.staff, upload=upload).pk}


def _evidence(kind):
    def kwargs(world):
        source = {"authorization": "data", "batch": "batch", "upgrade": "upgrade"}[kind]
        _ticket(world, source)
        row = world.extra[
            {"authorization": "authorization", "batch": "batch_step", "upgrade": "upgrade_step"}[kind]
        ]
        return {"kind": kind, "pk": row.pk}

    return kwargs


def signoff_pk(world):
    return {"pk": _ticket(world, resolved=True).signoff_id}


def _scan(world):
    from tickets import services

    t = _ticket(world, resolved=True)
    services.signoff_sign(
        signoff=t.signoff,
        actor=world.staff,
        method="scan",
        scan=SimpleUploadedFile("s.pdf", b"%PDF-1.4", content_type="application/pdf"),
    )
    return {"pk": t.signoff_id}


POST = ("POST",)
RULES = {
    "tickets:list": Rule(VIEWERS),
    "tickets:create": Rule(frozenset({STAFF, HEAD}), methods=("GET", "POST")),
    "tickets:export": Rule(VIEWERS),
    "tickets:detail": Rule(VIEWERS, kwargs=pk(), scoped=True),
    "tickets:confirm": Rule(frozenset({HEAD, ADMIN}), methods=POST, kwargs=pk(), scoped=True),
    "tickets:reject": Rule(frozenset({HEAD, ADMIN}), methods=POST, kwargs=pk(), scoped=True),
    "tickets:cancel": Rule(frozenset({STAFF, HEAD, ADMIN}), methods=POST, kwargs=pk(), scoped=True),
    "tickets:authorize": Rule(frozenset({HEAD, ADMIN}), methods=POST, kwargs=pk("data"), scoped=True),
    "tickets:assign": Rule(frozenset({PM}), methods=POST, kwargs=pk(), scoped=True),
    "tickets:claim": Rule(WORKERS, methods=POST, kwargs=pk(), scoped=True),
    "tickets:start": Rule(WORKERS, methods=POST, kwargs=pk(), scoped=True),
    "tickets:wait": Rule(WORKERS, methods=POST, kwargs=pk(), scoped=True),
    "tickets:resume": Rule(VIEWERS, methods=POST, kwargs=pk(), scoped=True),
    "tickets:resolve": Rule(WORKERS, methods=POST, kwargs=pk(), scoped=True),
    "tickets:reopen": Rule(frozenset({STAFF, HEAD}), methods=POST, kwargs=pk(resolved=True), scoped=True),
    "tickets:close": Rule(frozenset({PM, ADMIN}), methods=POST, kwargs=pk(), scoped=True),
    "tickets:comment": Rule(VIEWERS, methods=POST, kwargs=pk(), scoped=True),
    "tickets:attach": Rule(VIEWERS, methods=POST, kwargs=pk(), scoped=True),
    "tickets:time": Rule(WORKERS, methods=POST, kwargs=pk(), scoped=True),
    "tickets:batch_step": Rule(WORKERS, methods=POST, kwargs=pk("batch"), scoped=True),
    "tickets:upgrade_step": Rule(VIEWERS, methods=POST, kwargs=pk("upgrade"), scoped=True),
    "tickets:emergency_request": Rule(WORKERS, methods=POST, kwargs=pk("upgrade"), scoped=True),
    "tickets:emergency_approve": Rule(frozenset({ADMIN}), methods=POST, kwargs=pk("upgrade"), scoped=True),
    "tickets:attachment": Rule(VIEWERS, kwargs=_attachment, scoped=True),
    "tickets:evidence": Rule(VIEWERS, kwargs=_evidence("batch"), scoped=True),
    "tickets:signoff_list": Rule(VIEWERS),
    "tickets:signoff_batch": Rule(WORKERS, methods=("GET", "POST")),
    "tickets:signoff_detail": Rule(VIEWERS, kwargs=signoff_pk, scoped=True),
    "tickets:signoff_sign": Rule(frozenset({STAFF, HEAD}), methods=POST, kwargs=signoff_pk, scoped=True),
    "tickets:signoff_pdf": Rule(VIEWERS, kwargs=signoff_pk, scoped=True),
    "tickets:signoff_scan": Rule(VIEWERS, kwargs=_scan, scoped=True),
}

# Issue 17 (find and reuse)
RULES |= {
    "tickets:similar": Rule(frozenset({STAFF, HEAD})),
}


def _saved_view(world):
    from tickets import saved_views

    return {"pk": saved_views.view_save(actor=world.staff, name="我的超期", query="overdue=late").pk}


RULES |= {
    "tickets:view_save": Rule(VIEWERS, methods=POST, data=lambda w: {"name": "v", "query": "state=active"}),
    # A personal view: the others are sent back to the list with a message (tests/tickets/test_find.py).
    "tickets:view_delete": Rule(
        VIEWERS, methods=POST, kwargs=_saved_view, unscoped="个人视图：他人删除时只得到提示，视图不变"
    ),
}


def _bulk_data(world):
    # Creates nothing (the CSRF test compares the database before and after): a request the caller may
    # not see, or none, gives the "nothing selected" answer; tests/tickets/test_find.py does the rest.
    ticket = world.extra.get("ticket")
    return {"ids": [ticket.pk if ticket else 1], "action": "close"}


RULES |= {
    # Every request user has a bulk action (staff: export); the confirmation page shows theirs.
    "tickets:bulk": Rule(VIEWERS, methods=POST, data=_bulk_data),
}


@once_per_world
def _template(world):
    from tickets.models import RequestTemplate

    return RequestTemplate.objects.create(
        contract=world.contract,
        name="月度初始化",
        kind="init",
        init_type="monthly",
        scope=world.contract.scopes.first(),
        title="月度初始化",
        description="每月初始化",
        requester=world.staff,
        recurrence="monthly",
        created_by=world.bureau_admin,
    )


def template_pk(world):
    return {"pk": _template(world).pk}


RULES |= {
    "tickets:templates": Rule(frozenset({STAFF, HEAD, ADMIN})),
    "tickets:template_new": Rule(frozenset({ADMIN}), methods=("GET", "POST")),
    "tickets:template_edit": Rule(
        frozenset({ADMIN}), methods=("GET", "POST"), kwargs=template_pk, unscoped="模板属于合同，不属于科室"
    ),
    # Filing from a template files for the caller's own department.
    "tickets:template_use": Rule(
        frozenset({STAFF, HEAD}),
        methods=POST,
        kwargs=template_pk,
        unscoped="模板属于合同；请求提交到调用者本科室",
    ),
}


RULES |= {
    "tickets:link": Rule(
        VIEWERS, methods=POST, kwargs=pk(), scoped=True, data=lambda w: {"target": "FW2023-99999"}
    ),
}
