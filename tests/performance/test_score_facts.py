"""Score facts kept on write (issue 14): the ticket parts counted in SQL from ``tickets.ScoreFact``
agree with the rules judged case by case in Python, on random histories, for the contract period,
every quarter and month, at several moments; the facts follow the services' changes."""

import datetime as dt
import random

import pytest

from common import clock
from performance import rules, selectors
from tickets import score_facts
from tickets.models import Kind, ScoreFact, Status, Ticket

from .helpers import at, ticket

pytestmark = pytest.mark.django_db


def python_counts(evidence, part, period):
    result = rules.part_result(part, 10, rules.ticket_cases(part, evidence.tickets, evidence.window(period)))
    return result.achieved, result.counted, result.pending


def sql_counts(evidence, part, period):
    result = evidence.ticket_result(part, period, 10)
    return result.achieved, result.counted, result.pending


def random_history(world, rng: random.Random, n: int) -> None:
    kinds = [Kind.SOFTWARE, Kind.DATA, Kind.BATCH, Kind.QUERY]
    for _ in range(n):
        confirmed = at(2023, 1, 1, 9) + dt.timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        status = rng.choice([Status.RESOLVED] * 6 + [Status.IN_PROGRESS] * 3 + [Status.CANCELLED])
        due = rng.random() < 0.9  # else: deadline pending an unloaded year
        respond_due = confirmed + dt.timedelta(hours=rng.randint(1, 30)) if due else None
        resolve_due = confirmed + dt.timedelta(hours=rng.randint(4, 400)) if due else None
        responded = confirmed + dt.timedelta(minutes=rng.randint(1, 60 * 40)) if rng.random() < 0.85 else None
        resolved = None
        if status == Status.RESOLVED:
            resolved = (responded or confirmed) + dt.timedelta(minutes=rng.randint(10, 60 * 600))
        ticket(
            world,
            kind=rng.choice(kinds),
            status=status,
            confirmed=confirmed,
            respond_due=respond_due,
            responded=responded,
            resolve_due=resolve_due,
            resolved=resolved,
            rework=rng.choice([0, 0, 0, 1]),
            pending_year=None if due else rng.choice([2023, 2024, 2025]),
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_facts_agree_with_the_computation_from_scratch(world, seed):
    rng = random.Random(seed)
    random_history(world, rng, 160)
    contract = world.contract
    periods = [
        rules.contract_period(contract.start_on, contract.end_on),
        *rules.quarters(contract.start_on, contract.end_on),
        *rules.months(contract.start_on, contract.end_on),
    ]
    moments = [at(2023, 2, 14, 11), at(2023, 7, 1, 0, 0), at(2023, 11, 30, 16), at(2024, 3, 1)]
    for now in moments:
        evidence = selectors.Evidence(contract, now=now)
        evidence.prefetch(periods)
        for period in periods:
            for part in rules.TICKET_PARTS:
                assert sql_counts(evidence, part, period) == python_counts(evidence, part, period), (
                    now,
                    period.key,
                    part,
                )


def test_facts_follow_writes_and_rebuild_gives_the_same_rows(world):
    t = ticket(world, kind=Kind.DATA, resolve_due=at(2023, 3, 9, 9), resolved=at(2023, 3, 8))
    fact = ScoreFact.objects.get(ticket=t)
    assert (fact.completion, fact.resolution, fact.data_maintenance) == ("for", "for", True)
    # A queryset update bypasses post_save: the services call refresh (``_log``) after theirs.
    Ticket.objects.filter(pk=t.pk).update(rework_count=1)
    score_facts.refresh([t.pk])
    assert ScoreFact.objects.get(ticket=t).resolution == "against"
    before = list(ScoreFact.objects.order_by("pk").values_list(*score_facts.UPDATE_FIELDS[:-1]))
    ScoreFact.objects.all().delete()
    assert score_facts.rebuild() == 1
    assert list(ScoreFact.objects.order_by("pk").values_list(*score_facts.UPDATE_FIELDS[:-1])) == before


def test_the_services_keep_the_facts(world):
    """Through the real services: submit, confirm, assign, start, resolve, reopen."""
    from tickets import services

    users, contract = world.users, world.contract
    with clock.frozen_at(at(2023, 3, 6, 9)):
        t = services.ticket_submit(
            actor=users["staff"],
            contract=contract,
            kind=Kind.SOFTWARE,
            scope=contract.scopes.order_by("order").first(),
            priority="normal",
            title="养老待遇核定页面报错",
            description="测试",
        )
    assert ScoreFact.objects.get(ticket=t).confirmed_at is None
    head = users["dept_head"]
    with clock.frozen_at(at(2023, 3, 6, 9, 30)):
        services.ticket_confirm(ticket=t, actor=head)
    fact = ScoreFact.objects.get(ticket=t)
    t.refresh_from_db()
    assert fact.confirmed_at == t.confirmed_at and fact.response == "against"
    assert fact.response_at == t.respond_due_at
    with clock.frozen_at(at(2023, 3, 6, 10)):
        services.ticket_assign(ticket=t, actor=users["pm"], assignee=users["engineer"])
        services.ticket_start(ticket=t, actor=users["engineer"])
    fact = ScoreFact.objects.get(ticket=t)
    assert fact.response == "for" and fact.response_at == at(2023, 3, 6, 10)
    with clock.frozen_at(at(2023, 3, 20, 10)):  # after the resolution deadline: late
        services.ticket_resolve(ticket=t, actor=users["engineer"], resolution="已修正并验证。")
    t.refresh_from_db()
    fact = ScoreFact.objects.get(ticket=t)
    assert fact.resolved_at == t.resolved_at and fact.completion == "against"
    with clock.frozen_at(at(2023, 3, 20, 11)):
        services.ticket_reopen(ticket=t, actor=users["staff"], reason="仍然报错")
    fact = ScoreFact.objects.get(ticket=t)
    assert fact.resolved_at is None and fact.rework_count == 1
    # Whatever the services did, the stored rows are those a rebuild from scratch computes.
    fields = score_facts.UPDATE_FIELDS[:-1]
    kept = list(ScoreFact.objects.order_by("pk").values_list(*fields))
    score_facts.rebuild()
    assert list(ScoreFact.objects.order_by("pk").values_list(*fields)) == kept


def test_the_command_rebuilds_lost_facts(world):
    from io import StringIO

    from django.core.management import call_command

    t = ticket(world, kind=Kind.DATA, resolve_due=at(2023, 3, 9, 9), resolved=at(2023, 3, 8))
    ScoreFact.objects.all().delete()
    out = StringIO()
    call_command("score_facts", "--contract", world.contract.number, stdout=out)
    assert "1 requests" in out.getvalue() and ScoreFact.objects.get(ticket=t).resolution == "for"


def test_a_check_in_and_a_resolved_request_show_at_once(world):
    """The page's score and trend share one Evidence (payments dashboard): what a service writes is in
    the next page's figures, in the contract card and in its month alike."""
    from rosters import services as roster_services
    from tickets import services

    from .helpers import roster

    contract, engineer = world.contract, world.users["engineer"]
    roster(world, start=dt.date(2023, 3, 6), end=dt.date(2023, 3, 10))
    t = ticket(
        world,
        status=Status.IN_PROGRESS,
        confirmed=at(2023, 3, 6, 9),
        respond_due=at(2023, 3, 6, 12),
        responded=at(2023, 3, 6, 10),
        resolve_due=at(2023, 3, 9, 18),
    )

    def figures():
        with clock.frozen_at(at(2023, 3, 8, 9)):
            evidence = selectors.Evidence(contract)
            card = selectors.final_score(contract, evidence=evidence)
            month = next(c for c in selectors.monthly_trend(contract, evidence) if c.period.key == "2023-03")
        return [
            (c.part(key).result.achieved, c.part(key).result.counted, c.part(key).result.pending)
            for c in (card, month)
            for key in ("attendance", "completion")
        ]

    assert figures() == [(0, 2, 0), (0, 0, 1)] * 2  # absent on the 6th and 7th; the request is open
    with clock.frozen_at(at(2023, 3, 7, 8, 30)):
        roster_services.check_in(person=engineer)
    assert figures() == [(1, 2, 0), (0, 0, 1)] * 2
    with clock.frozen_at(at(2023, 3, 7, 16)):
        services.ticket_resolve(ticket=t, actor=engineer, resolution="已修正并验证。")
    assert figures() == [(1, 2, 0), (1, 1, 0)] * 2
