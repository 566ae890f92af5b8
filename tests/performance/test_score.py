"""Each part of the score computed from hand-made data, adjustments, and the lock (RULES §6)."""

import datetime as dt
from decimal import Decimal

import pytest

from common import clock
from common.errors import ConcurrentChange, ServiceError, TransitionNotAllowed
from common.models import AuditEntry
from performance import rules, selectors, services
from performance.models import ScoreLock
from tickets.models import Kind, Status

from .helpers import answer, at, attend, roster, survey, ticket

pytestmark = pytest.mark.django_db
D = Decimal
AFTER_2023 = at(2024, 1, 20)


def card_of(world, key="contract", now=AFTER_2023):
    contract = world.contract
    period = rules.parse_period(key, contract.start_on, contract.end_on)
    with clock.frozen_at(now):
        return selectors.score_card(contract, period)


def part(world, key, period="contract", now=AFTER_2023):
    return card_of(world, period, now).part(key)


def test_an_empty_period_scores_full_marks_and_says_no_cases(world):
    card = card_of(world, "2023-03")
    assert [p.score for p in card.parts] == [D("20"), D("10"), D("20"), D("20"), D("30")]
    assert all(p.no_cases for p in card.parts)
    assert card.total == D("100.00")
    assert card.tier.pay_ratio == D("100")
    assert card.provisional and not card.locked


def test_data_maintenance_part(world):
    dm = {"kind": Kind.DATA, "resolve_due": at(2023, 3, 9, 9)}
    ticket(world, **dm, resolved=at(2023, 3, 8))  # on time, no rework: for
    ticket(world, **dm, resolved=at(2023, 3, 8), rework=1)  # reworked: against
    ticket(world, **dm, resolved=at(2023, 3, 10))  # late: against
    ticket(world, kind=Kind.BATCH, resolve_due=at(2023, 3, 9, 9), resolved=at(2023, 3, 9, 8))  # batch: for
    ticket(
        world, kind=Kind.SOFTWARE, resolve_due=at(2023, 3, 9, 9), resolved=at(2023, 3, 10)
    )  # not this part
    ticket(world, **dm, status=Status.CANCELLED, resolved=None)  # cancelled: never counts
    line = part(world, "data_maintenance", "2023-03")
    assert (line.result.achieved, line.result.counted) == (2, 4)
    assert line.score == D("10.0000")
    assert part(world, "data_maintenance", "2023-04").no_cases


def test_responsiveness_part(world):
    due = at(2023, 3, 6, 13)
    ticket(world, respond_due=due, responded=at(2023, 3, 6, 12))
    ticket(world, respond_due=due, responded=due)
    ticket(world, respond_due=due, responded=at(2023, 3, 6, 14))
    ticket(world, respond_due=due, responded=None, status=Status.CONFIRMED)  # never responded
    line = part(world, "responsiveness", "2023-Q1")
    assert (line.result.achieved, line.result.counted) == (2, 4)
    assert line.score == D("5.0000")


def test_completion_part_counts_carried_in_requests(world):
    ticket(world, resolve_due=at(2023, 3, 9), resolved=at(2023, 3, 8))  # for
    ticket(world, resolve_due=at(2023, 3, 9), resolved=at(2023, 3, 20))  # against
    # confirmed in February, carried into March and resolved on time there
    ticket(world, confirmed=at(2023, 2, 27), resolve_due=at(2023, 3, 2), resolved=at(2023, 3, 1))
    # open at the end of March, due in April: not counted in March
    ticket(
        world, confirmed=at(2023, 3, 30), resolve_due=at(2023, 4, 4), resolved=None, status=Status.IN_PROGRESS
    )
    march = part(world, "completion", "2023-03")
    assert (march.result.achieved, march.result.counted, march.result.pending) == (2, 3, 1)
    assert march.score == D("13.3333")
    february = part(world, "completion", "2023-02")
    assert (february.result.achieved, february.result.counted, february.result.pending) == (0, 0, 1)
    assert february.no_cases


def test_satisfaction_part_counts_satisfied_and_very_satisfied(world):
    q1 = survey(world)
    for level in ("very_satisfied", "satisfied", "satisfied", "neutral", "dissatisfied"):
        answer(world, q1, level)
    q2 = survey(world, dt.date(2023, 4, 1), dt.date(2023, 6, 30))
    answer(world, q2, "very_dissatisfied")
    assert part(world, "satisfaction", "2023-Q1").score == D("12.0000")  # 3/5 × 20
    assert part(world, "satisfaction", "2023-02").score == D(
        "12.0000"
    )  # the quarter's survey covers February
    assert part(world, "satisfaction", "2023-Q2").score == D("0.0000")
    line = part(world, "satisfaction")
    assert (line.result.achieved, line.result.counted) == (3, 6)
    assert part(world, "satisfaction", "2023-Q3").no_cases


def test_attendance_part_counts_engineers_only(world):
    roster(world, start=dt.date(2023, 3, 6), end=dt.date(2023, 3, 10))  # five working days
    roster(world, world.users["pm"], start=dt.date(2023, 3, 6), end=dt.date(2023, 3, 10), position="pm")
    for day in (6, 7, 8, 9):
        attend(world, dt.date(2023, 3, day))
    line = part(world, "attendance", "2023-03")
    assert (line.result.achieved, line.result.counted) == (4, 5)  # the PM's absent days do not count
    assert line.score == D("24.0000")
    assert part(world, "attendance", "2023-04").no_cases


def test_attendance_counts_up_to_yesterday_while_the_period_runs(world):
    roster(world, start=dt.date(2023, 3, 6), end=dt.date(2023, 3, 10))
    attend(world, dt.date(2023, 3, 6))
    line = part(world, "attendance", "2023-03", now=at(2023, 3, 8, 9))  # counts the 6th and the 7th
    assert (line.result.achieved, line.result.counted) == (1, 2)


def test_total_and_tier_from_the_parts(world):
    ticket(
        world, kind=Kind.DATA, resolve_due=at(2023, 3, 9), resolved=at(2023, 3, 10)
    )  # dm 0/1, completion 0/1
    card = card_of(world)
    assert card.part("data_maintenance").score == 0
    assert card.part("completion").score == 0
    assert card.total == D("60.00")
    assert card.tier.pay_ratio == D("60")


def test_a_part_waiting_for_an_unloaded_calendar_year_is_pending(world):
    from contracts.services import contract_copy

    with clock.frozen_at(at(2026, 11, 20)):
        contract = contract_copy(
            source=world.contract,
            number="T-2027",
            name="2027",
            signed_on=dt.date(2026, 12, 1),
            start_on=dt.date(2026, 12, 1),
            end_on=dt.date(2027, 11, 30),
            actor=world.users["bureau_admin"],
        )
        roster(world, contract=contract, start=dt.date(2026, 12, 1), end=dt.date(2027, 11, 30))
    with clock.frozen_at(at(2027, 1, 20)):
        card = selectors.score_card(contract)
    assert card.part("attendance").result is None and card.part("attendance").not_loaded == 2027
    assert card.total is None and card.tier is None and card.pending_years == [2027]


# --- adjustments ---------------------------------------------------------------------------------------


def adjust(world, part_key="responsiveness", score="8.5", reason="专线中断，不归责于乙方", actor=None):
    with clock.frozen_at(AFTER_2023):
        return services.score_adjust(
            contract=world.contract,
            part=part_key,
            score=None if score is None else D(score),
            reason=reason,
            actor=actor or world.users["bureau_admin"],
        )


def test_adjusting_a_part_replaces_its_score_and_is_audited(world):
    ticket(world, respond_due=at(2023, 3, 6, 13), responded=at(2023, 3, 6, 14))
    adjust(world)
    line = part(world, "responsiveness")
    assert line.computed == D("0.0000") and line.score == D("8.5")
    assert line.adjustment.reason == "专线中断，不归责于乙方"
    entry = AuditEntry.objects.get(action="score.adjust")
    assert entry.changes["score"] == [None, "8.5"] and entry.changes["reason"] == "专线中断，不归责于乙方"
    assert entry.actor == world.users["bureau_admin"]
    # months and quarters stay as computed: adjustments are on the final (contract-period) score
    assert part(world, "responsiveness", "2023-03").score == D("0.0000")
    adjust(world, score=None, reason="专线中断已另行处理")
    assert part(world, "responsiveness").adjustment is None
    assert AuditEntry.objects.filter(action="score.adjust_clear").count() == 1


@pytest.mark.parametrize(
    ("score", "reason", "message"),
    [
        ("10.01", "理由充分的说明", "0 到 10 分之间"),
        ("-1", "理由充分的说明", "0 到 10 分之间"),
        ("5", "", "理由"),
    ],
)
def test_adjustment_outside_zero_to_weight_or_without_reason_is_refused(world, score, reason, message):
    with pytest.raises(ServiceError) as exc:
        adjust(world, score=score, reason=reason)
    assert message in " ".join(exc.value.messages)
    assert not AuditEntry.objects.filter(action="score.adjust").exists()


def test_only_the_bureau_admin_adjusts(world):
    with pytest.raises(TransitionNotAllowed):
        adjust(world, actor=world.users["finance"])


# --- the lock --------------------------------------------------------------------------------------------


def lock(world, when=AFTER_2023):
    with clock.frozen_at(when):
        return services.score_lock(
            contract=world.contract, actor=world.users["bureau_admin"], note="局务会审定"
        )


def test_locking_freezes_the_score_against_later_data_changes(world):
    t = ticket(world, resolve_due=at(2023, 3, 9), resolved=at(2023, 3, 8))
    q1 = survey(world)
    answer(world, q1, "satisfied")
    adjust(world, "attendance", "29", "补录考勤后确认")
    locked = lock(world)
    assert locked.total == D("99.00") and locked.pay_ratio == D("100")
    before = card_of(world)
    # later: the request turns out late, a dissatisfied answer arrives, the adjustment is gone
    t.resolved_at = at(2023, 3, 20)
    t.save()
    answer(world, q1, "very_dissatisfied")
    after = card_of(world)
    assert after.locked and after.total == before.total == D("99.00")
    assert [p.score for p in after.parts] == [p.score for p in before.parts]
    cases, from_lock = selectors.part_cases(world.contract, after.period, "completion")
    assert from_lock is not None and [(c.ref, c.outcome) for c in cases] == [(str(t.pk), rules.Outcome.FOR)]
    # the quarter (not locked) follows the data
    assert card_of(world, "2023-Q1").part("completion").score == D("0.0000")
    with pytest.raises(TransitionNotAllowed):
        adjust(world)


def test_unlocking_needs_a_reason_and_gives_the_live_score_back(world):
    lock(world)
    with pytest.raises(ServiceError), clock.frozen_at(AFTER_2023):
        services.score_unlock(contract=world.contract, actor=world.users["bureau_admin"], reason=" ")
    ticket(world, resolve_due=at(2023, 3, 9), resolved=at(2023, 3, 20))
    with clock.frozen_at(AFTER_2023):
        services.score_unlock(
            contract=world.contract, actor=world.users["bureau_admin"], reason="发现漏计一件超期请求"
        )
    card = card_of(world)
    assert not card.locked and card.part("completion").score == 0
    relocked = lock(world)
    assert relocked.total == card.total
    assert ScoreLock.objects.filter(contract=world.contract).count() == 2
    actions = list(AuditEntry.objects.filter(action__startswith="score.").values_list("action", flat=True))
    assert actions == ["score.lock", "score.unlock", "score.lock"]
    assert AuditEntry.objects.get(action="score.unlock").changes["reason"] == "发现漏计一件超期请求"


def test_the_score_cannot_be_locked_before_the_period_ends(world):
    with pytest.raises(TransitionNotAllowed) as exc:
        lock(world, when=at(2023, 12, 31, 18))
    assert "期满后才能锁定" in exc.value.messages[0]


def test_locking_twice_tells_the_second_admin(world):
    lock(world)
    with pytest.raises(ConcurrentChange):
        lock(world)
    assert ScoreLock.objects.filter(contract=world.contract, unlocked_at__isnull=True).count() == 1


def test_only_one_lock_in_force_is_a_database_rule(world):
    from django.db import IntegrityError, transaction

    first = lock(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreLock.objects.create(
            contract=world.contract,
            total=first.total,
            pay_ratio=first.pay_ratio,
            snapshot=first.snapshot,
            locked_by=world.users["bureau_admin"],
        )


def test_monthly_trend_lists_the_months_begun(world):
    ticket(world, resolve_due=at(2023, 3, 9), resolved=at(2023, 3, 20))
    with clock.frozen_at(at(2023, 4, 10)):
        trend = selectors.monthly_trend(world.contract, selectors.Evidence(world.contract))
    assert [c.period.key for c in trend] == ["2023-01", "2023-02", "2023-03", "2023-04"]
    assert [c.total for c in trend][2] == D("80.00")  # completion 0/1 in March
