"""The request list's rows drawn in Python (``tickets/rows.py``, issue 14) are the rows the template drew:
the template's row markup is kept here as the reference, and both render the same requests in every
state a row shows (overdue, due soon, waiting, unconfirmed, pending calendar, rework, required-by date
late or not, no assignee, selectable or not), in Chinese and in English."""

import datetime as dt
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from accounts.models import Department, User
from common import clock
from contracts.models import ServiceScope
from tickets.models import Status, Ticket
from tickets.rows import list_rows

REFERENCE = Template((Path(__file__).parent / "list_row_reference.html").read_text(encoding="utf-8"))

NOW = clock.aware(dt.date(2025, 6, 10), 10, 0)


def requests() -> list[Ticket]:
    department = Department(pk=3, code="d3", name="养老保险科 <一>")
    scope = ServiceScope(pk=5, name="城乡居民社会保险管理信息系统")
    engineer = User(pk=9, username="eng", first_name="工程师 & 甲")
    hour = dt.timedelta(hours=1)

    def ticket(pk, **fields):
        base = {
            "pk": pk,
            "kind": "software",
            "priority": "normal",
            "status": Status.IN_PROGRESS,
            "title": f"第 {pk} 个请求 <b>粗体</b>",
            "department": department,
            "scope": scope,
            "assignee": engineer,
            "created_at": NOW - 30 * hour,
            "confirmed_at": NOW - 29 * hour,
            "resolve_due_at": NOW + 20 * hour,
            "resolve_warn_at": NOW + 10 * hour,
            "respond_due_at": NOW - 25 * hour,
        }
        base.update(fields)
        t = Ticket(**base)
        t.required_by_mark = None
        return t

    rows = [
        ticket(1),
        ticket(2, resolve_due_at=NOW - hour, priority="urgent"),  # overdue
        ticket(3, resolve_warn_at=NOW - hour, priority="high"),  # due soon
        ticket(4, status=Status.WAITING, rework_count=2),
        ticket(5, status=Status.SUBMITTED, confirmed_at=None, assignee=None, resolve_due_at=None),
        ticket(6, due_pending_year=2026, resolve_due_at=None, kind="batch"),
        ticket(7, status=Status.CLOSED, resolved_at=NOW - 2 * hour, resolve_due_at=NOW - 3 * hour),
        ticket(8, status=Status.RESOLVED, resolved_at=NOW - 2 * hour, priority="low", kind="upgrade"),
        ticket(9, assignee=User(pk=10, username="nobody")),
    ]
    rows[0].required_by_mark = {"due_on": dt.date(2025, 6, 12), "late": False}
    rows[1].required_by_mark = {"due_on": dt.date(2025, 6, 9), "late": True}
    return rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("bulk", [True, False])
def test_the_rows_are_the_templates_rows(language, bulk):
    page = requests()
    with translation.override(language):
        expected = REFERENCE.render(Context({"page": page, "now": NOW, "bulk": bulk}))
        drawn = list_rows(page, now=NOW, selectable=bulk)
    assert parse_html(drawn) == parse_html(expected)
    assert drawn.count("<tr") == len(page)
    assert ("row-overdue" in drawn) and ("&lt;b&gt;" in drawn) and ("select-row" in drawn) == bulk


def test_no_rows_draw_nothing():
    assert list_rows([], now=NOW, selectable=True) == ""
