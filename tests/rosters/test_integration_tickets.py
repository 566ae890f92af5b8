"""Rosters read the requests below them: work logs name the requests worked, upgrades make key days."""

import datetime as dt
from decimal import Decimal

from common import clock
from contracts.calendar import get_calendar
from rosters.selectors.keydays import key_dates, key_days
from rosters.services.worklog import worklog_create, worklog_update
from tickets.models import Status, UpgradeStage, UpgradeStep

from ..factories import make_user
from ..tickets.helpers import advance, submit


def _ticket(world, assignee):
    return advance(world, submit(world), Status.IN_PROGRESS, engineer=assignee)


def test_a_work_log_names_the_requests_worked(world):
    from rosters.models import RosterEntry

    eng = world.users["engineer"]
    RosterEntry.objects.create(
        contract=world.contract,
        person=eng,
        position="engineer",
        start_on=world.contract.start_on,
        end_on=world.contract.end_on,
    )
    ticket = _ticket(world, eng)
    with clock.frozen_at(clock.aware(dt.date(2023, 3, 6), 18)):
        log = worklog_create(
            person=eng, date=dt.date(2023, 3, 6), hours=Decimal("8"), content="处理", tickets=[ticket]
        )
        assert list(log.tickets.all()) == [ticket]
        worklog_update(log=log, actor=eng, hours=Decimal("7.5"), content="处理完毕", tickets=[])
    assert log.tickets.count() == 0
    from common.models import AuditEntry

    entry = AuditEntry.objects.filter(action="worklog.update").latest("seq")
    assert entry.changes["tickets"] == [[ticket.number], []]


def test_the_form_offers_only_the_persons_requests(world, client):
    from rosters.forms import WorkLogForm

    eng = world.users["engineer"]
    other = make_user("engineer")
    mine, theirs = _ticket(world, eng), _ticket(world, other)
    choices = set(WorkLogForm(person=eng).fields["tickets"].queryset)
    assert mine in choices and theirs not in choices


def test_the_first_working_day_after_an_upgrade_is_a_key_day(world):
    ticket = _ticket(world, world.users["engineer"])
    UpgradeStep.objects.create(
        ticket=ticket,
        stage=UpgradeStage.DEPLOYED,
        recorded_by=world.users["pm"],
        window_start=clock.aware(dt.date(2023, 1, 20), 22),
    )  # Friday before Spring Festival
    days = key_days(world.contract, get_calendar(world.contract), dt.date(2023, 1, 1), dt.date(2023, 2, 28))
    reasons = days[dt.date(2023, 1, 28)]  # the make-up Saturday is the first working day after it
    assert any(r.source == "upgrade" and ticket.number in r.reason for r in reasons)
    # the rates read the days alone (issue 14: no reason strings built per upgrade): the same days
    calendar = get_calendar(world.contract)
    for start, end in [
        (dt.date(2023, 1, 1), dt.date(2023, 2, 28)),
        (dt.date(2023, 1, 29), dt.date(2023, 12, 31)),
    ]:
        assert key_dates(world.contract, calendar, start, end) == set(
            key_days(world.contract, calendar, start, end)
        )


def test_the_picker_offers_open_and_recent_requests_with_a_search_box(world):
    """Issue 16 item 11: a Ctrl-click multi-select listing years-old requests."""
    from rosters.forms import WorkLogForm

    eng = world.users["engineer"]
    with clock.frozen_at(clock.aware(dt.date(2023, 3, 6), 9, 0)):
        old = advance(world, submit(world), Status.RESOLVED, engineer=eng)
    with clock.frozen_at(clock.aware(dt.date(2023, 6, 1), 9, 0)):
        recent = advance(world, submit(world), Status.RESOLVED, engineer=eng, when=clock.now())
        open_ = advance(world, submit(world), Status.IN_PROGRESS, engineer=eng, when=clock.now())
        form = WorkLogForm(person=eng)
        choices = set(form.fields["tickets"].queryset)
        assert open_ in choices and recent in choices and old not in choices
        assert old in set(WorkLogForm(person=eng, linked=[old]).fields["tickets"].queryset)  # already linked
        html = str(form["tickets"]) + str(form["ticket_search"])
    assert 'type="checkbox"' in html and 'data-filter-target="id_tickets"' in html
