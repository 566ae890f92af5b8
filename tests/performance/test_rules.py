"""The pure rules of the score (RULES §6): part scores, the total, periods, each part's case rule, tiers."""

import datetime as dt
from decimal import Decimal

import pytest

from common import clock
from contracts.rules import Tier
from contracts.services import DEFAULT_TIERS
from performance import rules
from performance.rules import Outcome, PeriodKind, TicketFacts

D = Decimal
TIERS = [Tier(D(s), D(r)) for s, r in DEFAULT_TIERS]


def at(m, d, h=10, minute=0, y=2023):
    return clock.aware(dt.date(y, m, d), h, minute)


# --- part score and total ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "achieved", "counted", "expected"),
    [
        (20, 0, 0, "20.0000"),  # no cases: full marks
        (30, 0, 0, "30.0000"),
        (20, 20, 20, "20.0000"),
        (20, 0, 5, "0.0000"),
        (20, 2, 3, "13.3333"),  # 13.3333… half-up at 4 places
        (10, 1, 3, "3.3333"),
        (20, 5, 6, "16.6667"),
        (30, 503, 507, "29.7633"),
        (10, 320, 346, "9.2486"),
    ],
)
def test_part_score_is_weight_times_share(weight, achieved, counted, expected):
    assert rules.part_score(weight, achieved, counted) == D(expected)


def test_part_score_refuses_impossible_counts():
    with pytest.raises(ValueError):
        rules.part_score(20, 3, 2)


def test_part_result_counts_for_against_and_not_counted():
    cases = [
        rules.Case("1", Outcome.FOR, ""),
        rules.Case("2", Outcome.AGAINST, ""),
        rules.Case("3", Outcome.FOR, ""),
        rules.Case("4", Outcome.PENDING, ""),
    ]
    result = rules.part_result("completion", 20, cases)
    assert (result.achieved, result.counted, result.pending, result.against) == (2, 3, 1, 1)
    assert result.score == D("13.3333")
    assert result.share == D("0.6667")
    assert not result.no_cases


def test_a_part_with_only_uncounted_cases_has_no_cases_and_full_marks():
    result = rules.part_result("responsiveness", 10, [rules.Case("1", Outcome.PENDING, "")])
    assert result.no_cases and result.share is None and result.score == D("10.0000")


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        (["20", "10", "20", "20", "30"], "100.00"),
        (["13.3333", "3.3333", "20", "20", "30"], "86.67"),  # 86.6666 → 86.67
        (["16.6650", "0", "0", "0", "0"], "16.67"),  # half-up, not banker's: 16.665 → 16.67
        (["16.6649", "0", "0", "0", "0"], "16.66"),
        (["84.9950"], "85.00"),  # the tier is read from the rounded total
        (["84.9949"], "84.99"),
    ],
)
def test_total_is_rounded_half_up_to_two_decimals(scores, expected):
    assert rules.total_score(D(s) for s in scores) == D(expected)


# --- tiers (the contract's "以上" includes the number itself) -------------------------------------------


@pytest.mark.parametrize(
    ("score", "ratio"),
    [
        ("100", "100"),
        ("85", "100"),
        ("84.99", "90"),
        ("75", "90"),
        ("74.99", "80"),
        ("70", "80"),
        ("69.99", "70"),
        ("65", "70"),
        ("64.99", "60"),
        ("60", "60"),
        ("59.99", "50"),
        ("0", "50"),
    ],
)
def test_tier_boundaries(score, ratio):
    assert rules.tier_of(D(score), TIERS).pay_ratio == D(ratio)


# --- adjustments -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [("0", True), ("20", True), ("12.5", True), ("20.01", False), ("-0.01", False), ("1.005", False)],
)
def test_adjustment_within_zero_and_the_weight(value, ok):
    assert (rules.adjustment_errors(D(value), 20) == []) is ok


# --- periods ---------------------------------------------------------------------------------------------


def test_months_and_quarters_of_a_calendar_year():
    months = rules.months(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    quarters = rules.quarters(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert [m.key for m in months][:3] == ["2023-01", "2023-02", "2023-03"] and len(months) == 12
    assert months[1].end == dt.date(2023, 2, 28)
    assert [(q.key, q.start, q.end) for q in quarters] == [
        ("2023-Q1", dt.date(2023, 1, 1), dt.date(2023, 3, 31)),
        ("2023-Q2", dt.date(2023, 4, 1), dt.date(2023, 6, 30)),
        ("2023-Q3", dt.date(2023, 7, 1), dt.date(2023, 9, 30)),
        ("2023-Q4", dt.date(2023, 10, 1), dt.date(2023, 12, 31)),
    ]


def test_periods_are_clipped_to_a_contract_that_does_not_follow_the_calendar_year():
    start, end = dt.date(2023, 7, 15), dt.date(2024, 7, 14)
    quarters = rules.quarters(start, end)
    assert (quarters[0].start, quarters[0].end) == (dt.date(2023, 7, 15), dt.date(2023, 9, 30))
    assert (quarters[-1].start, quarters[-1].end) == (dt.date(2024, 7, 1), dt.date(2024, 7, 14))
    assert len(rules.months(start, end)) == 13


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("contract", (PeriodKind.CONTRACT, dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
        ("", (PeriodKind.CONTRACT, dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
        ("2023-Q2", (PeriodKind.QUARTER, dt.date(2023, 4, 1), dt.date(2023, 6, 30))),
        ("2023-06", (PeriodKind.MONTH, dt.date(2023, 6, 1), dt.date(2023, 6, 30))),
        ("2024-01", None),
        ("2023-13", None),
        ("junk", None),
    ],
)
def test_parse_period(key, expected):
    period = rules.parse_period(key, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert (None if period is None else (period.kind, period.start, period.end)) == expected


def test_survey_periods_follow_the_contracts_frequency():
    start, end = dt.date(2023, 1, 1), dt.date(2023, 12, 31)
    assert len(rules.survey_periods(start, end, "month")) == 12
    assert len(rules.survey_periods(start, end, "quarter")) == 4
    assert [p.kind for p in rules.survey_periods(start, end, "year")] == [PeriodKind.CONTRACT]


# --- the case rules --------------------------------------------------------------------------------------

MARCH = rules.window(dt.date(2023, 3, 1), dt.date(2023, 3, 31), at(12, 31), clock.SHANGHAI)


def facts(**kw):
    base = {
        "id": 1,
        "data_maintenance": False,
        "ended": False,
        "confirmed_at": at(3, 6, 9),
        "first_response_at": None,
        "respond_due_at": at(3, 6, 13),
        "resolved_at": None,
        "resolve_due_at": at(3, 9, 9),
        "due_pending_year": None,
        "rework_count": 0,
    }
    base.update(kw)
    return TicketFacts(**base)


def outcome(case):
    return None if case is None else case.outcome


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"resolved_at": at(3, 9, 9)}, Outcome.FOR),  # at the deadline: on time
        ({"resolved_at": at(3, 9, 9, 1)}, Outcome.AGAINST),  # a minute late
        ({"resolved_at": at(3, 8), "rework_count": 1}, Outcome.AGAINST),  # on time but reworked
        ({"resolved_at": None}, Outcome.AGAINST),  # open past a deadline in the period
        ({"resolved_at": None, "resolve_due_at": at(4, 3)}, None),  # open, due next month: not this period
        ({"resolved_at": at(2, 27), "resolve_due_at": at(2, 28)}, None),  # resolved before the period
        ({"resolved_at": at(3, 8), "ended": True}, None),  # cancelled requests never count
        ({"resolved_at": at(4, 2), "resolve_due_at": at(3, 30)}, Outcome.AGAINST),  # still open at month end
        ({"resolved_at": at(3, 8), "data_maintenance": False}, None),  # not a data-maintenance request
    ],
)
def test_data_maintenance_case(kw, expected):
    kw.setdefault("data_maintenance", True)
    assert outcome(rules.data_maintenance_case(facts(**kw), MARCH)) == expected


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"first_response_at": at(3, 6, 13)}, Outcome.FOR),
        ({"first_response_at": at(3, 6, 13, 1)}, Outcome.AGAINST),
        ({"first_response_at": None}, Outcome.AGAINST),  # never responded, deadline passed
        ({"confirmed_at": at(2, 28, 16), "first_response_at": at(3, 1, 9)}, None),  # confirmed in February
        ({"confirmed_at": None}, None),  # never confirmed
        ({"ended": True, "first_response_at": at(3, 6, 10)}, None),
    ],
)
def test_response_case(kw, expected):
    assert outcome(rules.response_case(facts(**kw), MARCH)) == expected


def test_response_not_yet_due_is_not_counted():
    now = at(3, 6, 11)
    current = rules.window(dt.date(2023, 3, 1), dt.date(2023, 3, 31), now, clock.SHANGHAI)
    case = rules.response_case(facts(), current)
    assert case.outcome == Outcome.PENDING and "未到响应期限" in case.reason


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"resolved_at": at(3, 8)}, Outcome.FOR),
        ({"resolved_at": at(3, 10)}, Outcome.AGAINST),
        ({"resolved_at": None}, Outcome.AGAINST),  # open past the deadline
        ({"resolved_at": None, "resolve_due_at": at(4, 10)}, Outcome.PENDING),  # open, not due yet
        # carried in: confirmed in February, still open on March 1, resolved on time in March
        ({"confirmed_at": at(2, 27), "resolved_at": at(3, 2), "resolve_due_at": at(3, 2, 17)}, Outcome.FOR),
        # confirmed and resolved in February: a February case only
        ({"confirmed_at": at(2, 20), "resolved_at": at(2, 22), "resolve_due_at": at(2, 23)}, None),
        ({"ended": True}, None),
    ],
)
def test_completion_case(kw, expected):
    assert outcome(rules.completion_case(facts(**kw), MARCH)) == expected


def test_a_deadline_pending_an_unloaded_year_is_met_by_work_done_before_that_year():
    done = rules.on_time(at(12, 29), None, 2024)
    unknown = rules.on_time(clock.aware(dt.date(2024, 1, 3), 9), None, 2024)
    assert (done, unknown) == (True, None)


def test_satisfaction_and_attendance_cases():
    assert rules.satisfaction_case("1", "very_satisfied", "").outcome == Outcome.FOR
    assert rules.satisfaction_case("2", "satisfied", "").outcome == Outcome.FOR
    for level in ("neutral", "dissatisfied", "very_dissatisfied"):
        assert rules.satisfaction_case("3", level, "").outcome == Outcome.AGAINST
    case = rules.attendance_case(7, dt.date(2023, 3, 6), False, "缺勤")
    assert (case.ref, case.outcome) == ("7:2023-03-06", Outcome.AGAINST)
