"""The lists' indexes match their filter and order (issue 14): on PostgreSQL, with sequential scans
priced out (the test tables are tiny), each list's query reads its index and needs no Sort — the
index delivers the rows in the page's order, so a page costs the same at any size."""

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
