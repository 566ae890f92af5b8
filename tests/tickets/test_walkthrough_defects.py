"""Defects found in the walk-through of issue 16 (tickets)."""

import pytest
from django.urls import reverse

from common import clock
from tickets.models import Kind, Status

from .helpers import advance, at, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_2023():
    with clock.frozen_at(at(2023, 3, 8, 10)):
        yield


def test_the_batch_blocker_is_said_once(world, login, in_2023):
    """Item 6: a refused resolution showed the blocker as a note and again as the form's error."""
    ticket = advance(world, submit(world, kind=Kind.BATCH), Status.IN_PROGRESS)
    client = login(world.engineer)
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert page.count("批量处理还缺少以下步骤的记录") == 1
    refused = client.post(reverse("tickets:resolve", args=[ticket.pk]), {"resolve-resolution": "已处理完毕"})
    assert refused.status_code == 200
    assert refused.content.decode().count("批量处理还缺少以下步骤的记录") == 1


def test_an_empty_filter_result_does_not_offer_the_first_request(world, login, in_2023):
    """Item 13: "提交第一个请求" was offered to a staff member who has requests."""
    submit(world)
    client = login(world.staff)
    empty = client.get(reverse("tickets:list"), {"q": "没有这样的标题"}).content.decode()
    assert 'data-testid="empty"' in empty
    assert "提交第一个请求" not in empty and "清除筛选条件" in empty


def test_an_upgrade_gets_the_contracts_resolve_target_for_upgrades(world):
    """Item 1: upgrade requirements got the ordinary target; the contract may give them their own."""
    from contracts.calendar import get_calendar

    software = advance(world, submit(world), Status.CONFIRMED)
    upgrade = advance(world, submit(world, kind=Kind.UPGRADE), Status.CONFIRMED)
    assert upgrade.resolve_due_at == software.resolve_due_at  # default: as today

    world.contract.upgrade_resolve_workdays = 10
    world.contract.save()
    upgrade = advance(world, submit(world, kind=Kind.UPGRADE), Status.CONFIRMED)
    software = advance(world, submit(world), Status.CONFIRMED)
    calendar = get_calendar(world.contract)
    per_day = world.contract.working_hours.minutes_per_day
    assert upgrade.resolve_due_at == calendar.add_working_minutes(upgrade.confirmed_at, 10 * per_day)
    assert software.resolve_due_at < upgrade.resolve_due_at


def test_the_upgrade_target_is_on_the_contract_form(world, login):
    html = (
        login(world.users["bureau_admin"])
        .get(reverse("contracts:edit", args=[world.contract.pk]))
        .content.decode()
    )
    assert 'name="upgrade_resolve_workdays"' in html
