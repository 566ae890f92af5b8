"""Stored statistics of an ended period (issue 14): served from ``StoredStatistics`` while the version of
their inputs is unchanged, equal to the live computation, and computed again at once after a change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common import clock
from contracts.models import Priority
from reports import selectors
from reports.models import StoredStatistics
from reports.selectors.statistics import _counts, period_bounds
from rosters.models import WorkLog
from tickets import services as ticket_services
from tickets.models import Ticket, TimeEntry

from ..tickets.helpers import at

LATER = at(2024, 2, 1, 10, 0)  # 2023 (and its March) are over


def live(contract, year, month=None) -> dict:
    """The figures computed from the tables, whatever is stored."""
    start, end = period_bounds(year, month)
    return _counts(contract, start, end, trend=not month)


def aggregates(queries) -> list[str]:
    return [q["sql"] for q in queries if "GROUP BY" in q["sql"] and "tickets_ticket" in q["sql"]]


@pytest.mark.parametrize("month", [None, 3])
def test_an_ended_period_is_stored_and_served_equal_to_the_live_figures(world, week, month):
    contract = world.contract
    with clock.frozen_at(LATER):
        first = selectors.statistics(contract, year=2023, month=month)
        stored = StoredStatistics.objects.get(contract=contract, year=2023, month=month or 0)
        with CaptureQueriesContext(connection) as queries:
            served = selectors.statistics(contract, year=2023, month=month)
        assert served == first and not aggregates(queries.captured_queries)
        assert stored.counts == live(contract, 2023, month)
    assert served["opened"] == (2 if month else 3) and served["resolved"] == 1
    assert [(w["name"], w["resolved"]) for w in served["workload"]] == [(world.engineer.display_name, 1)]


def test_the_current_period_is_computed_live_and_not_stored(world, week):
    with clock.frozen_at(at(2023, 3, 20, 10)):
        selectors.statistics(world.contract, year=2023, month=3)
        selectors.statistics(world.contract, year=2023)
    assert not StoredStatistics.objects.exists()


def test_a_recent_change_is_not_stored_until_it_settles(world, week):
    with clock.frozen_at(at(2023, 4, 1, 0, 1)):  # March just ended; its last change is old
        selectors.statistics(world.contract, year=2023, month=3)
    assert StoredStatistics.objects.filter(month=3).exists()
    StoredStatistics.objects.all().delete()
    Ticket.objects.filter(pk=week.t_fixed.pk).update(updated_at=at(2023, 4, 1, 0, 0))
    with clock.frozen_at(at(2023, 4, 1, 0, 2)):
        selectors.statistics(world.contract, year=2023, month=3)
    assert not StoredStatistics.objects.exists()


def _page(client, **params):
    return client.get(reverse("reports:statistics"), params)


@pytest.mark.parametrize("month", [None, 3])
def test_each_input_changed_shows_at_once(world, week, login, month):
    """A request reopened, its priority changed, a time entry, a work log: the stored row is replaced and
    the page shows the new figures, equal to the live ones."""
    contract = world.contract
    client = login(world.pm)
    params = {"year": 2023, **({"month": month} if month else {})}
    now = LATER

    def view():
        """The page right after the change (computed live: the change has not settled), then ten minutes
        later (stored again, the same figures)."""
        with clock.frozen_at(now):
            response = _page(client, **params)
            assert response.status_code == 200
            stats = response.context["stats"]
        with clock.frozen_at(now + dt.timedelta(minutes=10)):
            assert _page(client, **params).context["stats"] == stats
        stored = StoredStatistics.objects.get(contract=contract, year=2023, month=month or 0)
        return stats, stored

    before, row = view()
    assert before["resolved"] == 1
    again, same = view()
    assert again == before and same.version == row.version
    assert same.computed_at == row.computed_at  # served from storage, not computed again

    # the resolved request is reopened (it leaves the period's resolved requests)
    now += dt.timedelta(hours=1)
    with clock.frozen_at(now):
        ticket_services.ticket_reopen(ticket=week.t_fixed, actor=world.staff, reason="仍然报错")
    stats, row2 = view()
    assert stats["resolved"] == 0 and stats["sla"] == [] and row2.version != row.version
    assert row2.counts == live(contract, 2023, month)

    # an open request of the period changes priority (by_priority and its deadlines)
    now += dt.timedelta(hours=1)
    with clock.frozen_at(now):
        ticket_services.ticket_priority_change(
            ticket=week.t_data, actor=world.bureau_admin, priority=Priority.URGENT
        )
    stats, row3 = view()
    assert {r["key"]: r["count"] for r in stats["by_priority"]}.get(Priority.URGENT) == 1
    assert row3.version != row2.version and row3.counts == live(contract, 2023, month)

    # a time entry dated in the period is added
    now += dt.timedelta(hours=1)
    with clock.frozen_at(now):
        TimeEntry.objects.create(
            ticket=week.t_data,
            engineer=world.engineer,
            work_date=dt.date(2023, 3, 8),
            minutes=90,
            created_at=now,
        )
    stats, row4 = view()
    assert {w["name"]: w["ticket_hours"] for w in stats["workload"]}[world.engineer.display_name] == "1.5"
    assert row4.version != row3.version and row4.counts == live(contract, 2023, month)

    # a work log dated in the period is added
    now += dt.timedelta(hours=1)
    WorkLog.objects.create(
        contract=contract,
        person=world.engineer,
        date=dt.date(2023, 3, 8),
        hours=Decimal("4"),
        content="补记",
        created_at=now,
        updated_at=now,
    )
    stats, row5 = view()
    assert {w["name"]: w["log_hours"] for w in stats["workload"]}[world.engineer.display_name] == "19.0"
    assert row5.version != row4.version and row5.counts == live(contract, 2023, month)


def test_a_rename_shows_at_once_from_stored_figures(world, week):
    with clock.frozen_at(LATER):
        selectors.statistics(world.contract, year=2023)
        world.dept_a.name = "养老保险处"
        world.dept_a.save()
        stats = selectors.statistics(world.contract, year=2023)
    assert [r["label"] for r in stats["by_department"]] == ["养老保险处"]
