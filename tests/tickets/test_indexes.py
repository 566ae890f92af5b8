"""The lists' indexes match their filter and order (issue 14): on PostgreSQL, with sequential scans
priced out (the test tables are tiny), each list's query reads its index and needs no Sort — the
index delivers the rows in the page's order, so a page costs the same at any size."""

import datetime as dt
import re

import pytest
from django.db import connection

from performance import facts, rules
from tickets import selectors
from tickets.models import SignOffStatus, Status

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans of PostgreSQL"),
]


def plan(sql: str, params, *, sort: bool = True) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if not sort:
            cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def plan_of(queryset, *, sort: bool = True) -> str:
    sql, params = queryset.query.sql_with_params()
    return plan(sql, params, sort=sort)


def page(queryset):
    return queryset[:25]


@pytest.mark.parametrize(
    ("who", "extra", "index"),
    [
        ("pm", {}, "ticket_contract_new_idx"),
        ("staff", {}, "ticket_contract_dept_new_idx"),
        ("pm", {"status": Status.CLOSED}, "ticket_contract_status_new_idx"),
    ],
)
def test_the_request_list_reads_its_index_in_order(world, who, extra, index):
    qs = page(selectors.ticket_list(world.users[who], world.contract).filter(**extra))
    text = plan_of(qs)
    assert index in text and "Sort" not in text, text


@pytest.mark.parametrize(("who", "index"), [("pm", "signoff_list_idx"), ("staff", "signoff_dept_list_idx")])
def test_the_signoff_list_reads_its_index_in_order(world, who, index):
    qs = selectors.signoffs_for(world.users[who]).filter(
        contract=world.contract, status=SignOffStatus.PENDING
    )
    text = plan_of(page(qs.order_by("due_on", "-issued_at", "-id")))
    assert index in text and "Sort" not in text, text


def test_the_score_counts_read_the_facts_by_contract(world):
    from performance.selectors import Evidence

    contract = world.contract
    evidence = Evidence(contract)
    periods = [rules.contract_period(contract.start_on, contract.end_on)]
    periods += rules.months(contract.start_on, contract.end_on)
    windows = {p.key: evidence.window(p) for p in periods}
    text = plan(*facts.counts_query(contract.pk, windows))
    assert "scorefact_confirmed_idx" in text or "scorefact_resolved_idx" in text, text


def test_the_weekly_reports_overdue_list_reads_the_contracts_deadlines(world):
    """Issue 14: the overdue list walked every contract's deadlines (117 ms at 200,000 requests).

    On a test table of a few rows the plain contract index plus a sort costs the same as the
    deadline index, and the planner picked either (CI once took the plain one). At 200,000 rows the
    sort is what costs, so it is priced out here: the plan must then find an index that gives the
    contract's requests in deadline order, and there is one only if ``ticket_contract_due_idx``
    exists."""
    from common import clock
    from reports.selectors.weekly import overdue_at
    from tickets.models import Ticket

    tickets = Ticket.objects.filter(contract=world.contract)
    text = plan_of(overdue_at(tickets, clock.now())[:20], sort=False)
    assert "ticket_contract_due_idx" in text and "Sort" not in text, text


def _request(world, **fields):
    """An unsaved software request of department A filed by its clerk, with ``fields``."""
    from tickets.models import Ticket

    if "scope" not in fields:
        fields["scope"] = world.contract.scopes.first()
    defaults = {
        "contract": world.contract,
        "kind": "software",
        "description": "—",
        "department": world.dept_a,
        "requester": world.users["staff"],
    }
    return Ticket(**{**defaults, **fields})


@pytest.fixture
def years_of_requests(world):
    """Three years of closed requests, analysed: on a table of a few rows any index (or none) costs the
    same and the planner's choice says nothing; on these it picks the plan it picks at 200,000."""
    from common import clock
    from tickets.models import Ticket, UpgradeStep

    start, hour = clock.now() - dt.timedelta(days=3 * 365), dt.timedelta(hours=1)
    scope = world.contract.scopes.first()
    Ticket.objects.bulk_create(
        _request(
            world,
            scope=scope,
            title=f"请求 {n}",
            status=Status.CLOSED,
            created_at=start + n * 9 * hour,
            confirmed_at=start + n * 9 * hour,
            first_response_at=start + (n * 9 + 1) * hour,
            resolved_at=start + (n * 9 + 5) * hour,
            resolve_due_at=start + (n * 9 + 8) * hour,
        )
        for n in range(3000)
    )
    UpgradeStep.objects.bulk_create(
        UpgradeStep(
            ticket=t, stage="scheduled", recorded_by=world.users["engineer"], recorded_at=t.created_at
        )
        for t in Ticket.objects.filter(contract=world.contract)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
        cursor.execute("ANALYZE tickets_upgradestep")


@pytest.mark.parametrize(
    ("field", "index"),
    [("first_response_at", "ticket_contract_responded_idx"), ("resolved_at", "resolved")],
)
def test_a_weeks_responses_and_resolutions_read_their_index(world, years_of_requests, field, index):
    """Issue 14: the weekly report read a week's responses by scanning the contract's requests (10 ms at
    200,000 requests); resolutions have had an index of their own from the start."""
    from common import clock
    from tickets.models import Ticket

    now = clock.now()
    week = Ticket.objects.filter(
        contract=world.contract, **{f"{field}__gte": now - dt.timedelta(days=7), f"{field}__lt": now}
    )
    text = plan_of(week.only("id", field))
    assert re.search(rf"Index (Only )?Scan using \S*{index}\S* on", text), text


def test_a_weeks_upgrade_steps_read_their_index(world, years_of_requests):
    from common import clock
    from tickets.models import UpgradeStep

    now = clock.now()
    steps = UpgradeStep.objects.filter(
        ticket__contract=world.contract, recorded_at__gte=now - dt.timedelta(days=7), recorded_at__lt=now
    )
    text = plan_of(steps)
    assert "upgradestep_recorded_idx" in text, text


@pytest.mark.parametrize(
    ("who", "panel"),
    [
        ("pm", "home_pm"),
        ("bureau_admin", "home_bureau_admin"),
        ("staff", "home_staff"),
        ("dept_head", "home_head"),
        ("engineer", "home_engineer"),
    ],
)
def test_each_home_queue_reads_the_unfinished_requests_only(world, years_of_requests, who, panel):
    """Issue 14: the bureau's queue walked the contract's 20,000 deadlines (10 ms at 200,000 requests)
    to find the few unfinished requests; every home queue now reads the partial index over them."""
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from common import clock

    now = clock.now()
    for n, status in enumerate([Status.SUBMITTED, Status.CONFIRMED, Status.IN_PROGRESS, Status.RESOLVED]):
        _request(
            world,
            title=f"未完成 {n}",
            assignee=world.users["engineer"] if status != Status.CONFIRMED else None,
            status=status,
            confirmed_at=now - dt.timedelta(days=3),
            resolve_due_at=now - dt.timedelta(days=1),
        ).save()
    request = RequestFactory().get("/")
    request.user = world.users[who]
    with CaptureQueriesContext(connection) as queries:
        getattr(selectors, panel)(request, world.contract)
    queue = [
        q["sql"] for q in queries.captured_queries if 'ORDER BY "tickets_ticket"."resolve_due_at"' in q["sql"]
    ]
    assert len(queue) == 1, [q["sql"][:120] for q in queries.captured_queries]
    text = plan(queue[0], None)
    assert "ticket_queue_due_idx" in text, text
